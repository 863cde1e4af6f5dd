// #/review (STC: assessments; Secretariat: everything): membership applications (Secretariat: approve,
// which creates the organisation and its first account and sends the invitation, or decline with a
// reason) and submitted records with their changes against the last published version (approve, which
// publishes, or return with a comment). Every decision is confirmed first.
import { confirmAction, fieldName, gate, kindName, notice, t } from "../accounts-ui.js";
import { colon } from "../i18n.js";

function shown(value) {
  if (value === null || value === undefined || value === "") return "–";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export async function render(root, _params, ctx) {
  const { el } = ctx;
  root.append(el("h1", { tabindex: "-1" }, t("review.title")));
  if (!gate(root, ctx, ["stc", "secretariat"])) return;
  const status = el("div", { role: "status", "aria-live": "polite" });
  const applications = el("section", { class: "stack", "aria-labelledby": "applications-title" });
  const submissions = el("section", { class: "stack", "aria-labelledby": "submissions-title" });
  root.append(status, applications, submissions);

  async function act(run, message) {
    let answer;
    try {
      await run();
      answer = notice(message);
    } catch (error) {
      answer = notice(error.message, "error");
    }
    await load(); // the list first, then the message: what is announced is on screen
    status.replaceChildren(answer);
  }

  function applicationCard(a) {
    const title = `${a.organisation_name} (${t(`opt.${a.membership}`)})`;
    return el(
      "article",
      { class: "card stack review-item", "data-application": a.id },
      el("h3", {}, title),
      el("p", { class: "muted small" }, t("review.applied", { date: ctx.fmt.date(a.created_at), who: a.contact_name, email: a.contact_email })),
      el("dl", { class: "details" },
        el("dt", {}, t("f.org_type")), el("dd", {}, t(`opt.${a.org_type}`)),
        el("dt", {}, t("f.region")), el("dd", {}, a.region ? t(`opt.${a.region}`) : "–"),
        el("dt", {}, t("f.country_iso3")), el("dd", {}, a.country_iso3 || "–"),
        el("dt", {}, t("f.website")), el("dd", {}, a.website || "–"),
        el("dt", {}, t("f.motivation")), el("dd", {}, a.motivation),
      ),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "btn", onclick: async () => {
          if (!(await confirmAction(t("review.approveApplication", { name: a.organisation_name, email: a.contact_email }), { confirmLabel: t("review.approve") }))) return;
          await act(() => ctx.api(`/applications/${a.id}/approve`, { method: "POST" }), t("review.approved", { title }));
        } }, t("review.approve")),
        el("button", { type: "button", class: "btn btn-secondary", onclick: async () => {
          const reason = await confirmAction(`${colon(t("review.decline"))} ${title}`, { withText: "reason", confirmLabel: t("review.decline") });
          if (!reason) return;
          await act(() => ctx.api(`/applications/${a.id}/decline`, { body: { reason } }), t("review.declined", { title }));
        } }, t("review.decline")),
      ),
    );
  }

  function changesTable(item) {
    if (!item.changes.length) return el("p", { class: "muted" }, t("review.noChange"));
    return el("div", { class: "table-wrap" },
      el("table", { class: "data changes" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("review.field")), el("th", { scope: "col" }, t("review.before")), el("th", { scope: "col" }, t("review.after")))),
        el("tbody", {}, item.changes.map((c) => el("tr", {}, el("th", { scope: "row" }, fieldName(c.field)), el("td", { class: "before" }, shown(c.before)), el("td", { class: "after" }, shown(c.after))))),
      ),
    );
  }

  function submissionCard(item) {
    const path = `/review/${item.kind}/${item.id}`;
    return el(
      "article",
      { class: "card stack review-item", "data-record": `${item.kind}/${item.id}` },
      el("h3", {}, `${item.title} `, el("span", { class: "muted small" }, `(${kindName(item.kind)} #${item.id})`)),
      el("p", { class: "muted small" }, item.organisation ? `${item.organisation} — ` : "", t("review.submittedBy", { who: item.submitted_by || "–", date: ctx.fmt.date(item.submitted_at) })),
      item.first_publication ? el("p", { class: "small" }, t("review.first")) : null,
      item.pending ? el("p", { class: "small" }, t("review.pendingChange")) : null,
      changesTable(item),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "btn", "data-action": "approve", onclick: async () => {
          if (!(await confirmAction(t("review.approveConfirm", { title: item.title }), { confirmLabel: t("review.approve") }))) return;
          await act(() => ctx.api(`${path}/approve`, { method: "POST" }), t("review.approved", { title: item.title }));
        } }, t("review.approve")),
        el("button", { type: "button", class: "btn btn-secondary", "data-action": "return", onclick: async () => {
          const comment = await confirmAction(`${colon(t("review.return"))} ${item.title}`, { withText: "comment", confirmLabel: t("review.return") });
          if (!comment) return;
          await act(() => ctx.api(`${path}/return`, { body: { comment } }), t("review.returned", { title: item.title }));
        } }, t("review.return")),
      ),
    );
  }

  async function load() {
    const [pending, queue] = await Promise.all([
      ctx.user.role === "secretariat" ? ctx.api("/applications?state=pending") : Promise.resolve(null),
      ctx.api("/review"),
    ]);
    if (!ctx.alive()) return;
    if (pending) {
      applications.replaceChildren(
        el("h2", { id: "applications-title" }, t("review.applications"), ` (${pending.length})`),
        ...(pending.length ? pending.map(applicationCard) : [el("p", { class: "muted" }, t("acc.none"))]),
      );
    } else applications.hidden = true;
    submissions.replaceChildren(
      el("h2", { id: "submissions-title" }, t("review.submissions"), ` (${queue.length})`),
      ...(queue.length ? queue.map(submissionCard) : [el("p", { class: "muted" }, t("acc.none"))]),
    );
  }

  ctx.onChange(() => load());
  await load();
}
