// Swagger UI of /docs (vendored swagger-ui-dist), on the schema named by #swagger-ui's data-openapi-url.
// A file, not an inline script, for the Content-Security-Policy; no online validator badge.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  domNode: root,
  deepLinking: true,
  docExpansion: "none", // ~170 operations: each tag's are drawn when it is opened (all at once took minutes)
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
