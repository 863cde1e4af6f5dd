// #/profile: my name and the language of my e-mails (PATCH /api/me), my password (POST /api/me/password:
// every other session signed out; this one gets a new token), and my active sessions
// (GET /api/me/tokens, shown only when the server offers it) with a button to sign one out. Both forms are
// rendered from their requests' JSON Schemas (accountForm "profile" and "change-password").
import { setToken } from "../api.js";
import { accountForm, confirmAction, gate, notice, t } from "../accounts-ui.js";

export async function render(root, _params, ctx) {
  const { el } = ctx;
  root.append(el("h1", { tabindex: "-1" }, t("profile.title")));
  if (!gate(root, ctx)) return;
  const me = await ctx.api("/me");
  let organisation = "–";
  if (me.organisation_id) {
    try {
      organisation = (await ctx.api(`/organisations/${me.organisation_id}`)).name;
    } catch {
      organisation = `#${me.organisation_id}`;
    }
  }
  const status = el("div", { class: "status-line", role: "status" });
  const details = await accountForm(ctx, "profile", {
    values: { name: me.name, language: me.language },
    autocomplete: { name: "name" },
    submitLabel: t("acc.save"),
    async onSubmit(data) {
      const saved = await ctx.api("/me", { method: "PATCH", body: { name: data.name ?? "", language: data.language } });
      document.getElementById("user-name").textContent = saved.name || saved.email;
      status.replaceChildren(notice(t("acc.saved")));
    },
  });
  details.element.prepend(el("p", { class: "muted" }, `${me.email} — `, t("profile.role", { role: t(`opt.${me.role}`), organisation })));
  const password = await accountForm(ctx, "change-password", {
    confirm: "new_password",
    submitLabel: t("acc.save"),
    async onSubmit(data, form) {
      const answer = await ctx.api("/me/password", { body: data });
      setToken(answer.access_token);
      form.element.reset();
      status.replaceChildren(notice(t("profile.passwordDone")));
      await loadSessions();
    },
  });
  const sessions = el("section", { class: "card stack", hidden: true, "aria-labelledby": "sessions-title" });

  async function loadSessions() {
    let items;
    try {
      items = await ctx.api("/me/tokens");
    } catch {
      sessions.hidden = true; // the server does not list sessions (or refused): nothing to show
      return;
    }
    if (!ctx.alive()) return;
    const list = Array.isArray(items) ? items : items.items || [];
    const rows = list.map((item) =>
      el(
        "tr",
        {},
        el("td", {}, ctx.fmt.date(item.created, { dateStyle: "medium", timeStyle: "short" }), item.current ? el("strong", {}, ` (${t("profile.current")})`) : null),
        el("td", {}, ctx.fmt.date(item.expires, { dateStyle: "medium", timeStyle: "short" })),
        el(
          "td",
          {},
          el(
            "button",
            {
              type: "button",
              class: "btn btn-secondary",
              onclick: async () => {
                if (!(await confirmAction(t("profile.revokeConfirm")))) return;
                await ctx.api(`/me/tokens/${item.id}`, { method: "DELETE" });
                if (item.current) {
                  setToken(null);
                  location.reload();
                } else await loadSessions();
              },
            },
            t("profile.revoke"),
          ),
        ),
      ),
    );
    sessions.replaceChildren(
      el("h2", { id: "sessions-title" }, t("profile.sessions")),
      el(
        "div",
        { class: "table-wrap" },
        el("table", { class: "data" }, el("thead", {}, el("tr", {}, el("th", {}, t("profile.created")), el("th", {}, t("profile.expires")), el("th", {}, ""))), el("tbody", {}, rows)),
      ),
    );
    sessions.hidden = false;
  }

  root.append(
    status,
    el("div", { class: "grid" },
      el("section", { class: "card stack" }, el("h2", {}, t("profile.details")), details.element),
      el("section", { class: "card stack" }, el("h2", {}, t("profile.password")), password.element),
    ),
    sessions,
  );
  await loadSessions();
}
