// #/my-organisation (members and partners): the organisation's records grouped as drafts, awaiting
// review, returned (with the reviewer's comment) and published, each draft or returned record with a
// "Submit for review" button (POST /api/review/{kind}/{id}/submit); its members; an organisation's admin
// invites colleagues (POST /api/invitations, the form rendered from its JSON Schema: accountForm).
import { accountForm, gate, kindName, notice, t } from "../accounts-ui.js";

const GROUPS = [
  ["returned", (r) => r.review?.state === "returned"],
  ["drafts", (r) => (!r.published || r.review?.pending) && !["submitted", "returned"].includes(r.review?.state)], // a published record's pending change too
  ["submitted", (r) => r.review?.state === "submitted"],
  ["published", (r) => r.published && !r.review?.pending && !["submitted", "returned"].includes(r.review?.state)],
];

export async function render(root, _params, ctx) {
  const { el } = ctx;
  const heading = el("h1", { tabindex: "-1" }, t("org.title"));
  root.append(heading);
  if (!gate(root, ctx)) return;
  if (!ctx.user.organisation_id) {
    root.append(el("p", { class: "notice" }, t("org.noOrganisation")));
    return;
  }
  const status = el("div", { role: "status", "aria-live": "polite" });
  const body = el("div", { class: "stack" });
  root.append(status, body);

  async function submit(record) {
    let answer;
    try {
      await ctx.api(`/review/${record.kind}/${record.id}/submit`, { method: "POST" });
      answer = notice(t("org.submitted.done", { title: record.title }));
    } catch (error) {
      answer = notice(error.message, "error");
    }
    await load();
    status.replaceChildren(answer);
  }

  function recordRow(record, group) {
    const canSubmit = group === "drafts" || group === "returned";
    return el(
      "tr",
      { "data-record": `${record.kind}/${record.id}` },
      el("td", {}, kindName(record.kind)),
      el("td", {}, el("a", { href: `#/records?kind=${record.kind}&id=${record.id}` }, record.title), record.review?.comment && group === "returned" ? el("p", { class: "small returned-comment" }, t("org.comment", { comment: record.review.comment })) : null),
      el("td", {}, ctx.fmt.date(record.updated_at)),
      el("td", {}, canSubmit ? el("button", { type: "button", class: "btn btn-secondary", onclick: () => submit(record) }, group === "returned" ? t("org.submitAgain") : t("org.submit")) : null),
    );
  }

  function section(group, records) {
    return el(
      "section",
      { class: "card stack", "data-group": group },
      el("h2", {}, t(`org.${group}`), ` (${records.length})`),
      records.length
        ? el("div", { class: "table-wrap" }, el("table", { class: "data" },
            el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("org.kind")), el("th", { scope: "col" }, t("org.record")), el("th", { scope: "col" }, t("org.updated")), el("th", { scope: "col" }, ""))),
            el("tbody", {}, records.map((r) => recordRow(r, group)))))
        : el("p", { class: "muted" }, t("acc.none")),
    );
  }

  async function load() {
    const overview = await ctx.api("/my-organisation");
    if (!ctx.alive()) return;
    const shown = {};
    for (const record of overview.records) shown[record.kind] = (shown[record.kind] || 0) + 1;
    const partial = Object.entries(overview.totals).filter(([kind, total]) => total > (shown[kind] || 0));
    const members = el(
      "section",
      { class: "card stack", "data-group": "members" },
      el("h2", {}, t("org.members"), ` (${overview.members.length})`),
      el("ul", {}, overview.members.map((m) => el("li", {}, `${m.name || m.email} — ${m.email} — ${t(`opt.${m.role}`)}`,
        m.org_admin ? ` (${t("org.admin")})` : "", m.invited ? ` (${t("org.invitedNoPassword")})` : "", m.active ? "" : ` (${t("users.inactive")})`))),
    );
    if (ctx.user.org_admin) {
      members.append(
        el("h3", {}, t("org.invite")),
        (await accountForm(ctx, "invite", {
          omit: ["role", "organisation_id", "org_admin"], // into this organisation, with its membership
          values: { language: ctx.lang },
          autocomplete: { email: "off" },
          submitLabel: t("acc.send"),
          async onSubmit(data) {
            const made = await ctx.api("/invitations", { body: data });
            status.replaceChildren(notice(t("users.invited", { email: made.email })));
            await load();
          },
        })).element,
      );
    }
    body.replaceChildren(
      el("p", { class: "lead" }, overview.organisation.name),
      ...GROUPS.map(([group, test]) => section(group, overview.records.filter(test))),
      ...partial.map(([kind, total]) => el("p", { class: "muted small" }, t("org.more", { kind: kindName(kind), shown: shown[kind] || 0, total }))),
      members,
    );
  }

  ctx.onChange(() => load());
  await load();
}
