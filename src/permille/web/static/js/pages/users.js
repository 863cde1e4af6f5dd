// #/users (Secretariat): every account with its role, organisation, language, admin flag and activity;
// save a row (PATCH /api/users/{id} with its version: a change of role, organisation or activity signs
// the user out), deactivate/reactivate after a confirmation, invite someone (POST /api/invitations, the
// form rendered from its JSON Schema: accountForm).
import { accountForm, confirmAction, gate, notice, t } from "../accounts-ui.js";
import { renderForm } from "../forms.js";

export async function render(root, params, ctx) {
  const { el } = ctx;
  root.append(el("h1", { tabindex: "-1" }, t("users.title")));
  if (!gate(root, ctx, ["secretariat"])) return;
  const [organisations, usersKind] = await Promise.all([ctx.api("/organisations?page_size=500&sort=name").then((page) => page.items), ctx.api("/kinds/users")]);
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
      failed(rowForm, error);
    }
  }

  function row(user) {
    // the users kind's own form (PATCH /api/users/{id}), rendered from its Update schema like the records'
    const rowForm = renderForm(document.createElement("div"), usersKind.update_schema, {
      kind: "users",
      idPrefix: `user-${user.id}`,
      values: user,
      omit: ["published", "email", "active", "password", "version"],
      choices: { organisation_id: organisations.map((o) => [o.id, o.name]) },
      submitLabel: t("acc.save"),
      onSubmit: async ({ data, problems }) => {
        if (problems.length) return rowForm.showErrors(problems);
        rowForm.clearErrors();
        try {
          await ctx.api(`/users/${user.id}`, { method: "PATCH", body: { ...data, name: data.name ?? "", version: user.version } });
          status.replaceChildren(notice(t("acc.saved")));
          await load();
        } catch (error) {
          failed(rowForm, error);
        }
        return undefined;
      },
    });
    const node = rowForm.element;
    node.classList.add("user-row", "card");
    node.dataset.user = user.email;
    node.prepend(
      el("div", { class: "toolbar" },
        el("strong", {}, user.email),
        user.active ? null : el("span", { class: "status-bad" }, ` (${t("users.inactive")})`),
        invited.has(user.id) ? el("span", { class: "muted" }, ` (${t("org.invitedNoPassword")})`) : null,
      ),
    );
    node.querySelector(".actions").append(
      el("button", { type: "button", class: "btn btn-secondary", onclick: () => setActive(user, !user.active, rowForm) },
        user.active ? t("users.deactivate") : t("users.reactivate")),
      invited.has(user.id)
        ? el("button", { type: "button", class: "btn btn-secondary", onclick: () => resend(user, rowForm) }, t("users.resend"))
        : "",
    );
    return node;
  }

  function failed(rowForm, error) {
    rowForm.showErrors(error.details?.length && typeof error.details[0] === "object" ? error.details : [{ loc: [], message: error.message }]);
  }

  async function setActive(user, active, rowForm) {
    if (!active && !(await confirmAction(t("users.deactivateConfirm", { email: user.email }), { confirmLabel: t("users.deactivate") }))) return;
    try {
      await ctx.api(`/users/${user.id}`, { method: "PATCH", body: { active, version: user.version } });
      await load();
    } catch (error) {
      failed(rowForm, error);
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
