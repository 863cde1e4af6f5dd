// #/reset-password?token=…: the link of a reset e-mail → choose a new password
// (POST /api/password-reset/confirm: every session of the account is signed out), then sign in.
// linkPage is shared with #/accept-invitation. The form is rendered from the request's JSON Schema
// (accountForm "password"; the token is the link's, the password asked twice).
import { setToken } from "../api.js";
import { accountForm, notice, t } from "../accounts-ui.js";

export async function linkPage(root, params, ctx, spec) {
  const { el } = ctx;
  const box = el("div", { class: "narrow stack" }, el("h1", { tabindex: "-1" }, t(spec.title)));
  root.append(box);
  const token = params.token || "";
  if (!token && ctx.user) {
    ctx.navigate("profile"); // signed in after using the link
    return;
  }
  let account;
  try {
    if (!token) throw new Error("no token");
    account = await ctx.api(spec.check(token));
  } catch {
    box.append(notice(t(spec.bad), "error"));
    if (spec.again) box.append(el("p", {}, el("a", { href: "#/forgot-password" }, t("reset.again"))));
    return;
  }
  const passwordForm = await accountForm(ctx, "password", {
    omit: ["token"],
    confirm: "password",
    submitLabel: t(spec.submit),
    async onSubmit(data) {
      await ctx.api(spec.send, { body: { token, password: data.password } });
      setToken(null); // any session of this browser was revoked with the others
      ctx.setParams({ token: null }); // the link is used up: keep it out of the history
      const done = notice(t(spec.done));
      const signIn = el("button", { type: "button", class: "btn", onclick: () => document.getElementById("signin-button").click() }, t("signIn"));
      passwordForm.element.replaceWith(el("div", { class: "stack" }, done, el("div", { class: "actions" }, signIn)));
      done.focus();
    },
  });
  // the account's address, for password managers (which offer to save the new password under it)
  passwordForm.element.prepend(
    el("p", {}, t("invite.for", { email: account.email })),
    el("input", { type: "email", name: "username", value: account.email, autocomplete: "username", hidden: true, "aria-hidden": "true", tabindex: "-1", disabled: true }),
  );
  box.append(passwordForm.element);
}

export function render(root, params, ctx) {
  return linkPage(root, params, ctx, {
    title: "reset.title",
    check: (token) => `/password-reset/${encodeURIComponent(token)}`,
    send: "/password-reset/confirm",
    submit: "reset.submit",
    done: "reset.done",
    bad: "reset.bad",
    again: true,
  });
}
