// #/calls: the calls for projects. Without params: the calls (the Secretariat opens one). ?call=<id>: the
// call, its applications (Secretariat and STC: all; members and partners: their organisation's) and the
// form to submit a project of one's organisation. ?application=<id>: the application with the actions
// the workflow allows the user now (submit, assign a reviewer, score the criteria, recommend, select or
// not with a reason, report yearly), the reviewers, the conflicts of interest refused, and the STC's
// recommendation (mean, lowest–highest, spread and comments per criterion), the applicant's feedback.
import { field, form, gate, notice, t } from "../accounts-ui.js";
import { REGIONS, draw, stateBadge } from "../workflows-ui.js";
import { library, thread } from "../discussion.js";

export async function render(root, params, ctx) {
  const { el } = ctx;
  const status = el("div", { role: "status", "aria-live": "polite" });
  if (params.application) {
    if (!gate(root, ctx)) return;
    return application(root, ctx, params.application, status);
  }
  if (params.call) return call(root, ctx, params.call, status);
  root.append(el("h1", { tabindex: "-1" }, t("calls.title")), status);
  const calls = await ctx.api("/calls");
  const list = el("ul", { class: "stack calls-list" });
  for (const c of calls) list.append(el("li", { class: "card", "data-call": c.id }, el("a", { href: `#/calls?call=${c.id}` }, c.title), el("p", { class: "small muted" }, dates(ctx, c))));
  root.append(calls.length ? list : el("p", { class: "muted" }, t("calls.none")));
  if (ctx.user?.role === "secretariat") {
    const iso = (v) => new Date(v).toISOString();
    root.append(el("h2", {}, t("calls.open")), form({
      fields: [
        field({ name: "title", required: true }),
        field({ name: "description", type: "textarea" }),
        field({ name: "opens_at", type: "datetime-local", required: true }),
        field({ name: "closes_at", type: "datetime-local", required: true }),
        field({ name: "review_by", type: "datetime-local", required: true }),
        el("fieldset", { class: "field" }, el("legend", {}, t("f.region")), ...REGIONS.map((r) => el("label", { class: "field-check" }, el("input", { type: "checkbox", "data-region": r }), " ", t(`opt.${r}`)))),
      ],
      submit: t("calls.open"),
      onSubmit: async (v, node) => {
        const regions = [...node.querySelectorAll("[data-region]:checked")].map((box) => box.dataset.region);
        const opened = await ctx.api("/calls", { body: { title: v.title, description: v.description || "", opens_at: iso(v.opens_at), closes_at: iso(v.closes_at), review_by: iso(v.review_by), regions } });
        ctx.navigate("calls", { call: opened.id });
      },
    }));
  }
}

function dates(ctx, c) {
  const when = (v) => ctx.fmt.date(v, { dateStyle: "medium", timeStyle: "short" });
  const regions = c.regions.length ? c.regions.map((r) => t(`opt.${r}`)).join(", ") : t("calls.allRegions");
  return `${t("calls.dates", { opens: when(c.opens_at), closes: when(c.closes_at), review: when(c.review_by) })} · ${t("calls.regions", { regions })}`;
}

async function call(root, ctx, id, status) {
  const { el } = ctx;
  const c = (await ctx.api("/calls")).find((x) => String(x.id) === String(id));
  root.append(el("p", {}, el("a", { href: "#/calls" }, t("calls.title"))), el("h1", { tabindex: "-1" }, c.title), el("p", { class: "muted" }, dates(ctx, c)), el("p", {}, c.description), status);
  if (!ctx.user) return;
  const apps = await ctx.api(`/calls/${id}/applications`);
  const list = el("ul", { class: "stack applications" });
  for (const a of apps) list.append(el("li", { class: "card", "data-application": a.id }, el("a", { href: `#/calls?application=${a.id}` }, a.project.name), " ", stateBadge(a.state), el("p", { class: "small muted" }, t("calls.by", { organisation: a.organisation, region: t(`opt.${a.region}`) }))));
  root.append(el("h2", {}, t("calls.applications")), apps.length ? list : el("p", { class: "muted" }, t("calls.noApplication")));
  if (!["member", "partner"].includes(ctx.user.role)) return;
  const projects = (await ctx.api("/projects?page_size=100")).items.filter((p) => p.organisation_id === ctx.user.organisation_id);
  root.append(el("h2", {}, t("calls.apply")));
  if (!projects.length) return root.append(el("p", { class: "muted" }, t("calls.noProject")));
  root.append(form({
    fields: [
      field({ name: "project_id", type: "select", options: projects.map((p) => [p.id, p.name]), required: true }),
      field({ name: "region", type: "select", options: c.regions.length ? c.regions : REGIONS, required: true }),
      field({ name: "summary", type: "textarea" }),
    ],
    submit: t("act.edit"),
    onSubmit: async (v) => {
      const made = await ctx.api(`/calls/${id}/applications`, { body: { project_id: Number(v.project_id), region: v.region, summary: v.summary || "" } });
      ctx.navigate("calls", { application: made.id });
    },
  }));
}

async function application(root, ctx, id, status) {
  return draw(root, async (page) => {
    const { el } = ctx;
    const a = await ctx.api(`/call-applications/${id}`);
    const post = async (action, body) => {
      try {
        await ctx.api(`/call-applications/${id}/${action}`, { body: body || {} });
        if (await application(root, ctx, id, status)) status.replaceChildren(notice(t("calls.done", { action: t(`act.${action}`) })));
      } catch (error) {
        status.replaceChildren(notice(error.message, "error"));
      }
    };
    page.append(
      el("p", {}, el("a", { href: `#/calls?call=${a.call.id}` }, t("calls.back"))),
      el("h1", { tabindex: "-1" }, t("calls.application", { name: a.project.name }), " ", stateBadge(a.state)),
      el("p", { class: "muted" }, `${a.call.title} · ${t("calls.by", { organisation: a.organisation, region: t(`opt.${a.region}`) })}`),
      el("p", {}, a.summary),
      status,
    );
    if (a.reason) page.append(el("p", { class: "notice decision" }, t("calls.decision", { reason: a.reason })));
    const simple = ["submit", "start_review", "recommend", "close"].filter((x) => a.actions.includes(x));
    if (simple.length) page.append(el("div", { class: "actions" }, simple.map((x) => el("button", { type: "button", class: "btn", "data-action": x, onclick: () => post(x) }, t(`act.${x}`)))));
    if (a.reviews.length) {
      page.append(el("h2", {}, t("calls.reviews")), el("ul", { class: "reviews" }, a.reviews.map((r) => el("li", { "data-reviewer": r.reviewer_id }, `${r.reviewer} — ${r.scored ? t("calls.scored") : t("calls.toScore")}`))));
    }
    if (a.conflicts.length) {
      page.append(el("h2", {}, t("calls.conflicts")), el("ul", { class: "conflicts" }, a.conflicts.map((c) => el("li", {}, `${c.reviewer}: ${c.reason}`))));
    }
    if (a.actions.includes("assign")) {
      const users = (await ctx.api("/users?page_size=100")).items.filter((u) => u.role === "stc" && u.active !== false);
      page.append(form({ fields: [field({ name: "reviewer_id", type: "select", label: t("calls.reviewer"), options: users.map((u) => [u.id, `${u.name || u.email} (${u.email})`]) })], submit: t("act.assign"), onSubmit: (v) => post("assign", { reviewer_id: Number(v.reviewer_id) }) }));
    }
    if (a.actions.includes("score")) {
      const mine = a.my_review?.scores || {};
      page.append(el("h2", {}, t("calls.myScores")), form({
        fields: a.call.criteria.map((c) => el("fieldset", { class: "field criterion", "data-criterion": c }, el("legend", {}, t(`crit.${c}`)),
          field({ name: `score_${c}`, type: "number", label: t("f.score"), value: mine[c]?.score ?? "", required: true }),
          field({ name: `comment_${c}`, label: t("f.comment"), value: mine[c]?.comment ?? "" }))).concat([field({ name: "comment", type: "textarea", value: a.my_review?.comment ?? "" })]),
        submit: t("act.score"),
        onSubmit: (v) => post("score", { comment: v.comment || "", scores: Object.fromEntries(a.call.criteria.map((c) => [c, { score: Number(v[`score_${c}`]), comment: v[`comment_${c}`] || "" }])) }),
      }));
    }
    if (a.recommendation) page.append(recommendation(ctx, a));
    for (const action of ["select", "reject"].filter((x) => a.actions.includes(x))) {
      const decision = form({ fields: [field({ name: "reason", type: "textarea", label: t("calls.reason"), required: true })], submit: t(`act.${action}`), onSubmit: (v) => post(action, { reason: v.reason }) });
      decision.dataset.decision = action;
      page.append(decision);
    }
    // the yearly reports, and the form of the next one, under their heading (the form alone, after the
    // discussion, read as a second comment box)
    const reporting = a.actions.includes("report");
    if (a.reports.length || reporting) page.append(el("h2", {}, t("calls.reports")));
    if (a.reports.length) page.append(el("ul", { class: "reports" }, a.reports.map((r) => el("li", {}, `${r.year}: ${r.text}${r.measured_t_c_ha === null ? "" : ` — ${ctx.fmt.number(r.measured_t_c_ha, 2)} ± ${ctx.fmt.number(r.uncertainty_t_c_ha, 2)} t C/ha`}`))));
    if (reporting) {
      const report = form({
        fields: [field({ name: "year", type: "number", label: t("calls.year"), required: true }), field({ name: "text", type: "textarea", label: t("calls.text"), required: true }), field({ name: "measured_t_c_ha", type: "number", label: t("calls.measured") }), field({ name: "uncertainty_t_c_ha", type: "number", label: t("calls.uncertainty") })],
        submit: t("act.report"),
        onSubmit: (v) => post("report", { year: Number(v.year), text: v.text, measured_t_c_ha: v.measured_t_c_ha ? Number(v.measured_t_c_ha) : null, uncertainty_t_c_ha: v.uncertainty_t_c_ha ? Number(v.uncertainty_t_c_ha) : null }),
      });
      report.dataset.form = "report";
      page.append(report);
    }
    // documents: a member or partner who reads an application is of the applicant's organisation
    page.append(await library(ctx, "call-applications", id, { canUpload: ["member", "partner", "secretariat"].includes(ctx.user.role) }));
    // the discussion: the applicant's organisation, the STC and the Secretariat
    page.append(await thread(ctx, "call-applications", id, { title: t("calls.discussion") }));
  });
}

function recommendation(ctx, a) {
  const { el } = ctx;
  const r = a.recommendation;
  return el("section", { class: "stack recommendation" },
    el("h2", {}, t("calls.recommendation")),
    el("p", { class: "mean" }, ctx.tn("calls.mean", r.reviewers, { mean: ctx.fmt.number(r.mean, 2) })),
    el("div", { class: "table-wrap" }, el("table", { class: "data" },
      el("thead", {}, el("tr", {}, ["calls.criterion", "calls.meanCol", "calls.range", "calls.spread", "calls.comments"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, Object.entries(r.criteria).map(([c, s]) => el("tr", { "data-criterion": c },
        el("th", { scope: "row" }, t(`crit.${c}`)), el("td", { class: "num" }, ctx.fmt.number(s.mean, 2)), el("td", { class: "num" }, `${s.min}–${s.max}`), el("td", { class: "num" }, String(s.spread)), el("td", {}, s.comments.join(" · "))))),
    )),
    r.comments.length ? el("ul", { class: "comments" }, r.comments.map((c) => el("li", {}, c))) : null,
  );
}
