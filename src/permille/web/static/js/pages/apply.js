// #/apply: the public membership application (organisation, type, region, country, contact, motivation)
// → POST /api/applications, its form rendered from the request's JSON Schema (accountForm); the
// Secretariat reviews it on #/review.
import { accountForm, notice, t } from "../accounts-ui.js";

export async function render(root, _params, ctx) {
  const { el } = ctx;
  const heading = el("h1", { tabindex: "-1" }, t("apply.title"));
  const application = await accountForm(ctx, "apply", {
    omit: ["language"], // the page's
    values: { org_type: "research" },
    autocomplete: { organisation_name: "organization", website: "url", contact_name: "name", contact_email: "email" },
    submitLabel: t("apply.submit"),
    async onSubmit(data) {
      const body = { ...data, language: ctx.lang };
      if (body.country_iso3) body.country_iso3 = body.country_iso3.trim().toUpperCase();
      await ctx.api("/applications", { body });
      const done = notice(t("apply.done", { email: data.contact_email }));
      application.element.replaceWith(done);
      done.focus();
    },
  });
  root.append(el("div", { class: "narrow stack" }, heading, el("p", { class: "muted" }, t("apply.intro")), application.element));
}
