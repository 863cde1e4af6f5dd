// #/forgot-password: ask for a reset link by e-mail (POST /api/password-reset; the same answer whether
// the address has an account or not), the form rendered from the request's JSON Schema (accountForm).
import { accountForm, notice, t } from "../accounts-ui.js";

export async function render(root, _params, ctx) {
  const { el } = ctx;
  const ask = await accountForm(ctx, "forgot-password", {
    autocomplete: { email: "username" },
    submitLabel: t("forgot.submit"),
    async onSubmit(data) {
      await ctx.api("/password-reset", { body: data });
      const done = notice(t("forgot.done"));
      ask.element.replaceWith(done);
      done.focus();
    },
  });
  root.append(el("div", { class: "narrow stack" }, el("h1", { tabindex: "-1" }, t("forgot.title")), el("p", { class: "muted" }, t("forgot.intro")), ask.element));
}
