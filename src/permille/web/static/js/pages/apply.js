// #/apply: the public membership application (organisation, type, region, country, contact, motivation)
// → POST /api/applications; the Secretariat reviews it on #/review.
import { field, form, notice, t } from "../accounts-ui.js";

const ORG_TYPES = ["country", "farmers_organisation", "research", "ngo", "private_sector", "funder", "international_organisation", "local_authority", "other"];
const REGIONS = ["Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"];

export function render(root, _params, ctx) {
  const { el } = ctx;
  const heading = el("h1", { tabindex: "-1" }, t("apply.title"));
  const application = form({
    fields: [
      field({ name: "organisation_name", required: true, autocomplete: "organization" }),
      field({ name: "membership", type: "select", options: ["member", "partner"], required: true }),
      field({ name: "org_type", type: "select", options: ORG_TYPES, required: true, value: "research" }),
      field({ name: "region", type: "select", options: REGIONS, required: true }),
      field({ name: "country_iso3" }),
      field({ name: "website", type: "url", autocomplete: "url" }),
      field({ name: "contact_name", required: true, autocomplete: "name" }),
      field({ name: "contact_email", type: "email", required: true, autocomplete: "email" }),
      field({ name: "motivation", type: "textarea", required: true }),
    ],
    submit: t("apply.submit"),
    async onSubmit(values) {
      const body = { ...values, language: ctx.lang };
      if (body.country_iso3) body.country_iso3 = body.country_iso3.trim().toUpperCase();
      await ctx.api("/applications", { body });
      const done = notice(t("apply.done", { email: values.contact_email }));
      application.replaceWith(done);
      done.focus();
    },
  });
  root.append(el("div", { class: "narrow stack" }, heading, el("p", { class: "muted" }, t("apply.intro")), application));
}
