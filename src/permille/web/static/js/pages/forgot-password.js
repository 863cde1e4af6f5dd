// #/forgot-password: ask for a reset link by e-mail (POST /api/password-reset; the same answer whether
// the address has an account or not).
import { field, form, notice, t } from "../accounts-ui.js";

export function render(root, _params, ctx) {
  const { el } = ctx;
  const ask = form({
    fields: [field({ name: "email", type: "email", required: true, autocomplete: "username" })],
    submit: t("forgot.submit"),
    async onSubmit(values) {
      await ctx.api("/password-reset", { body: { email: values.email } });
      const done = notice(t("forgot.done"));
      ask.replaceWith(done);
      done.focus();
    },
  });
  root.append(el("div", { class: "narrow stack" }, el("h1", { tabindex: "-1" }, t("forgot.title")), el("p", { class: "muted" }, t("forgot.intro")), ask));
}
