// #/users (Secretariat): every account with its role, organisation, language, admin flag and activity;
// save a row (PATCH /api/users/{id} with its version: a change of role, organisation or activity signs
// the user out), deactivate/reactivate after a confirmation, invite someone (POST /api/invitations, the
// form rendered from its JSON Schema: accountForm).
import { accountForm, confirmAction, field, gate, notice, showError, t, values } from "../accounts-ui.js";

const ROLES = ["member", "partner", "stc", "secretariat"];

export async function render(root, params, ctx) {
  const { el } = ctx;
  root.append(el("h1", { tabindex: "-1" }, t("users.title")));
  if (!gate(root, ctx, ["secretariat"])) return;
  const organisations = (await ctx.api("/organisations?page_size=500&sort=name")).items;
  const orgOptions = [["", t("opt.none")], ...organisations.map((o) => [String(o.id), o.name])];
  const status = el("div", { role: "status" });
  const search = el("input", { type: "search", id: "users-q", value: params.q || "" });
  const list = el("div", { class: "stack" });

  const invite = await accountForm(ctx, "invite", {
    values: { language: ctx.lang },
    choices: { organisation_id: organisations.map((o) => [o.id, o.name]) },
    autocomplete: { email: "off" },
    submitLabel: t("acc.send"),
    async onSubmit(data, form) {
      const made = await ctx.api("/invitations", { body: data });
      form.element.reset();
      status.replaceChildren(notice(t("users.invited", { email: made.email })));
      await load();
    },
  });

  let invited = new Set();

  async function resend(user, rowForm) {
    try {
      await ctx.api(`/users/${user.id}/invitation`, { method: "POST" });
      status.replaceChildren(notice(t("users.resent", { email: user.email })));
    } catch (error) {
      showError(rowForm, error);
    }
  }

  function row(user) {
    const rowForm = el(
      "form",
      { class: "user-row card", "data-user": user.email },
      el("div", { class: "toolbar" },
        el("strong", {}, user.email),
        user.active ? null : el("span", { class: "status-bad" }, ` (${t("users.inactive")})`),
        invited.has(user.id) ? el("span", { class: "muted" }, ` (${t("org.invitedNoPassword")})`) : null,
      ),
      el("div", { class: "toolbar" },
        field({ name: "name", value: user.name }),
        field({ name: "role", type: "select", options: ROLES, value: user.role }),
        field({ name: "organisation_id", type: "select", options: orgOptions, value: user.organisation_id ?? "" }),
        field({ name: "language", type: "select", options: ["en", "fr", "es"], value: user.language }),
        field({ name: "org_admin", type: "checkbox", value: user.org_admin }),
      ),
      el("p", { class: "error form-error", role: "alert", tabindex: "-1", hidden: true }),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "btn" }, t("acc.save")),
        el("button", { type: "button", class: "btn btn-secondary", onclick: () => setActive(user, !user.active, rowForm) },
          user.active ? t("users.deactivate") : t("users.reactivate")),
        invited.has(user.id)
          ? el("button", { type: "button", class: "btn btn-secondary", onclick: () => resend(user, rowForm) }, t("users.resend"))
          : null,
      ),
    );
    rowForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = values(rowForm);
      const body = {
        name: fields.name ?? "",
        role: fields.role,
        language: fields.language,
        org_admin: fields.org_admin,
        organisation_id: fields.organisation_id ? Number(fields.organisation_id) : null,
        version: user.version,
      };
      try {
        await ctx.api(`/users/${user.id}`, { method: "PATCH", body });
        status.replaceChildren(notice(t("acc.saved")));
        await load();
      } catch (error) {
        showError(rowForm, error);
      }
    });
    return rowForm;
  }

  async function setActive(user, active, rowForm) {
    if (!active && !(await confirmAction(t("users.deactivateConfirm", { email: user.email }), { confirmLabel: t("users.deactivate") }))) return;
    try {
      await ctx.api(`/users/${user.id}`, { method: "PATCH", body: { active, version: user.version } });
      await load();
    } catch (error) {
      showError(rowForm, error);
    }
  }

  async function load() {
    const q = search.value.trim();
    ctx.setParams({ q });
    const [page, pending] = await Promise.all([
      ctx.api(`/users?page_size=200&sort=email${q ? `&q=${encodeURIComponent(q)}` : ""}`),
      ctx.api("/invitations"),
    ]);
    invited = new Set(pending);
    if (!ctx.alive()) return;
    list.replaceChildren(el("p", { class: "muted" }, t("users.count", { count: page.total })), ...page.items.map(row));
  }

  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  root.append(
    status,
    el("details", { class: "card stack" }, el("summary", {}, t("users.invite")), invite.element),
    el("div", { class: "field" }, el("label", { for: "users-q" }, t("users.search")), search),
    list,
  );
  await load();
  return () => clearTimeout(timer);
}
