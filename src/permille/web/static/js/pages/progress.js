// Progress page: the 24 objectives of the strategic plan, one card each, with every indicator's baseline →
// current value → 2030 and 2050 targets, a sparkline of its history, its status against each target (a
// colour AND a text label), its trend and where the value comes from (counted from the registry's records,
// or entered by the Secretariat with a date, a source and a second Secretariat user's approval), its
// counting rule and the records behind the value (opened on demand). Filter by goal (A–F, in the permalink
// #/progress?goal=B); CSV export of every indicator; reloads when a record changes (server-sent events).

import { colon } from "../i18n.js";

const GOALS = ["A", "B", "C", "D", "E", "F"];
const RELOAD_DELAY_MS = 400;
const STATUS_CLASS = {
  achieved: "status-good",
  "on track": "status-good",
  behind: "status-bad",
  "no data": "status-unknown",
  "no data since the baseline": "status-unknown",
  "no target": "status-unknown",
};
const STATUS_KEY = {
  achieved: "progress.status.achieved",
  "on track": "progress.status.onTrack",
  behind: "progress.status.behind",
  "no data": "progress.status.noData",
  "no data since the baseline": "progress.status.noDataSince",
  "no target": "progress.status.noTarget",
};

const SVG = "http://www.w3.org/2000/svg";
const STYLE = `
.progress-grid { grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); }
.kpi-card h2 { font-size: 1.05rem; margin: 0.1rem 0 0.5rem; }
.kpi-indicator { border-top: 1px solid var(--line); padding-top: 0.5rem; margin-top: 0.5rem; }
.kpi-name { font-size: 0.95rem; margin: 0 0 0.3rem; }
.kpi-steps { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.25rem; }
@media (max-width: 480px) { .kpi-steps { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.kpi-step { display: flex; flex-direction: column; }
.kpi-step .num { text-align: left; font-size: 1rem; white-space: normal; overflow-wrap: anywhere; }
.kpi-current .num { font-weight: 700; font-size: 1.15rem; }
.kpi-statuses { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; margin: 0.3rem 0; font-size: 0.9rem; }
.kpi-demo { border: 1px solid var(--warn); color: var(--warn); border-radius: 4px; padding: 0 0.3rem; font-size: 0.8rem; }
.sparkline { display: block; max-width: 100%; height: auto; margin-top: 0.3rem; }
`;

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

function digitsFor(unit) {
  return unit === "percent" ? 1 : 0;
}

function unitLabel(ctx, unit) {
  return ctx.t(`unit.${unit}`);
}

// "5–10" for a range, "13" for a number, "none" without one.
// A value or range of the plan. Millions are written short ("2M–5M", "10 M–20 M"): the plan's round
// targets lose nothing, and F2's budget targets in euros fit their column on a desktop and a phone.
function planValue(ctx, spec, unit) {
  if (!spec) return ctx.t("progress.none");
  const digits = digitsFor(unit);
  const values = "value" in spec ? [spec.value] : [spec.min, spec.max];
  const short = values.every((v) => Math.abs(v) >= 1e6);
  const one = (v) => (short ? new Intl.NumberFormat(ctx.lang, { notation: "compact", maximumFractionDigits: 1 }).format(v) : ctx.fmt.number(v, digits));
  return values.map(one).join("–");
}

function lowerEnd(spec) {
  if (!spec) return null;
  return "value" in spec ? spec.value : spec.min;
}

// A sparkline of the history with the straight path from the baseline to the 2030 target (dashed).
function sparkline(ctx, indicator, label) {
  const width = 220;
  const height = 48;
  const pad = 4;
  const points = indicator.history.filter((h) => h.value !== null && h.value !== undefined);
  const baseline = indicator.baseline;
  const target = lowerEnd(indicator.target_2030) ?? lowerEnd(indicator.target_2050);
  const targetYear = lowerEnd(indicator.target_2030) !== null ? 2030 : 2050;
  // the dashed path starts at the baseline, or at 0 in 2020 where the plan gives none (as the status rule)
  const start = baseline ? [baseline.year, lowerEnd(baseline)] : [2020, 0];
  const years = points.map((p) => p.year);
  const values = points.map((p) => p.value);
  if (target !== null) years.push(start[0], targetYear);
  if (target !== null) values.push(start[1], target);
  else if (baseline) {
    years.push(start[0]);
    values.push(start[1]);
  }
  const figure = svg("svg", {
    class: "sparkline",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": label,
  });
  if (years.length === 0) return figure;
  const x0 = Math.min(...years);
  const x1 = Math.max(...years, x0 + 1);
  const yMax = Math.max(...values, 1);
  const x = (year) => pad + ((year - x0) / Math.max(x1 - x0, 1)) * (width - 2 * pad);
  const y = (value) => height - pad - (value / yMax) * (height - 2 * pad);
  if (target !== null) {
    figure.append(
      svg("line", {
        x1: x(start[0]), y1: y(start[1]), x2: x(targetYear), y2: y(target),
        class: "sparkline-path", stroke: "#9a9080", "stroke-dasharray": "3 3", "stroke-width": 1,
      }),
      svg("circle", { cx: x(targetYear), cy: y(target), r: 3, fill: "none", stroke: "#9a9080" }),
    );
  }
  if (points.length > 0) {
    const line = points.map((p) => `${x(p.year).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
    figure.append(svg("polyline", { points: line, fill: "none", stroke: "#2f6b3a", "stroke-width": 2 }));
    const last = points[points.length - 1];
    figure.append(svg("circle", { cx: x(last.year), cy: y(last.value), r: 3, fill: "#2f6b3a" }));
  }
  return figure;
}

function statusBadge(ctx, status, labelKey) {
  return ctx.el(
    "span",
    { class: `kpi-status ${STATUS_CLASS[status] || "status-unknown"}`, "data-status": status },
    `${colon(ctx.t(labelKey))} `,
    ctx.el("strong", {}, ctx.t(STATUS_KEY[status] || "progress.status.noData")),
  );
}

// The period of a count (the API's per_year and as_of), in the page's language.
function periodText(ctx, source) {
  return source.per_year ? ctx.t("progress.period.yearToDate") : ctx.t("progress.period.asOf", { date: ctx.fmt.date(source.as_of) });
}

function sourceLine(ctx, indicator) {
  const source = indicator.current_source;
  const digits = digitsFor(indicator.unit);
  const lines = [];
  if (source.kind === "registry") {
    lines.push(ctx.t("progress.counted", { records: ctx.fmt.number(source.records, 0), period: periodText(ctx, source) }));
    if (source.anonymous_runs) lines.push(ctx.tn("progress.anonymousRuns", source.anonymous_runs, { count: ctx.fmt.number(source.anonymous_runs, 0) }));
    const rates = Object.entries(source.rates || {}).map(([k, v]) => `${k}: ${v.per_eur} (${v.rate_year})`);
    if (rates.length) lines.push(ctx.t("progress.rates", { rates: `${rates.join(", ")} — ${source.rates_source}` }));
  } else if (!source.date) {
    lines.push(ctx.t("progress.noManual"));
  } else {
    const approval = source.self_approved ? ctx.t("progress.selfApproved") : ctx.t("progress.approvedBy", { by: source.approved_by });
    lines.push(`${ctx.t("progress.fromManual", { by: source.entered_by, source: source.source, date: ctx.fmt.date(source.date) })} (${approval})`);
  }
  if (source.unapproved) {
    const u = source.unapproved;
    lines.push(ctx.t("progress.unapproved", { value: ctx.fmt.number(u.value, digits), date: ctx.fmt.date(u.date), source: u.source, by: u.entered_by }));
  }
  return ctx.el(
    "div",
    { class: "small muted kpi-source" },
    lines.map((line) => ctx.el("p", {}, line)),
    source.demo
      ? ctx.el(
          "p",
          { class: "kpi-demo-line" },
          ctx.el("span", { class: "kpi-demo", title: ctx.t("progress.demoNote") }, ctx.t("progress.demo")),
          " ",
          ctx.t("progress.demoValue", { value: ctx.fmt.number(source.demo.value, digits), records: ctx.fmt.number(source.demo.records, 0) }),
        )
      : null,
  );
}

// The counting rule (in the page's language), where the baseline comes from, and the records behind the
// value, fetched when the reader opens them (public kinds by name, restricted kinds as a count).
function ruleBlock(ctx, indicator) {
  const rule = indicator.rule;
  const list = ctx.el("div", { class: "kpi-records-list" });
  const records = ctx.el(
    "details",
    { class: "kpi-records small" },
    ctx.el("summary", {}, ctx.t("progress.openRecords")),
    list,
  );
  records.addEventListener("toggle", async () => {
    if (!records.open || list.dataset.loaded) return;
    const answer = await ctx.api(`/kpis/${indicator.name}/records`);
    if (!ctx.alive()) return;
    list.dataset.loaded = "1";
    if (answer.values) {
      const secretariat = ctx.user?.role === "secretariat";
      const approve = (v) =>
        ctx.el(
          "button",
          {
            type: "button",
            class: "btn btn-secondary kpi-approve",
            onclick: async (event) => {
              event.target.disabled = true;
              try {
                await ctx.api(`/kpis/values/${v.id}/approve`, { method: "POST" });
                list.dispatchEvent(new CustomEvent("kpi-changed", { bubbles: true }));
              } catch (error) {
                event.target.replaceWith(ctx.el("span", { class: "error", role: "alert" }, error.message));
              }
            },
          },
          ctx.t("progress.approve"),
        );
      list.replaceChildren(
        answer.values.length
          ? ctx.el("ul", {}, answer.values.map((v) => ctx.el("li", { class: "kpi-value", "data-state": v.state },
              `${colon(ctx.fmt.date(v.date))} ${ctx.fmt.number(v.value, digitsFor(indicator.unit))} — ${v.source} (${v.entered_by}, ${ctx.t(`progress.state.${v.state}`)}${v.approved_by ? `, ${v.self_approved ? ctx.t("progress.selfApproved") : ctx.t("progress.approvedBy", { by: v.approved_by })}` : ""}) `,
              secretariat && v.state === "unapproved" ? approve(v) : null)))
          : ctx.el("p", {}, ctx.t("progress.noManual")),
      );
    } else if (answer.indicators) {
      list.replaceChildren(ctx.el("ul", {}, answer.indicators.map((i) => ctx.el("li", {}, `${colon(ctx.t(`ind.${i.name}`))} ${ctx.fmt.number(i.current, 1)}`))));
    } else if (!answer.records) {
      list.replaceChildren(ctx.el("p", { class: "kpi-restricted" }, ctx.tn("progress.restrictedCount", answer.count, { count: ctx.fmt.number(answer.count, 0), kind: answer.kind })));
    } else if (answer.records.length === 0) {
      list.replaceChildren(ctx.el("p", {}, ctx.t("progress.noRecords")));
    } else {
      list.replaceChildren(
        ctx.el(
          "ul",
          {},
          answer.records.map((r) =>
            ctx.el(
              "li",
              { class: "kpi-record", "data-id": r.id },
              ctx.el("a", { href: `#/registries?kind=${r.kind}&id=${r.id}` }, r.label),
              ` (${r.year}${r.detail ? `; ${r.detail}` : ""}; ${ctx.t("progress.verifiedBy", { by: r.verified_by || "—" })})`,
            ),
          ),
        ),
      );
    }
  });
  return ctx.el(
    "div",
    { class: "kpi-rule-block" },
    ctx.el("p", { class: "small kpi-rule" }, ctx.el("strong", {}, `${colon(ctx.t("progress.countingRule"))} `), rule.text[ctx.lang] || rule.text.en),
    rule.baseline_source
      ? ctx.el("p", { class: "small muted kpi-baseline-source" }, ctx.el("strong", {}, `${colon(ctx.t("progress.baselineSource"))} `), rule.baseline_source[ctx.lang] || rule.baseline_source.en)
      : null,
    records,
  );
}

function indicatorBlock(ctx, indicator) {
  const name = ctx.t(`ind.${indicator.name}`);
  const unit = unitLabel(ctx, indicator.unit);
  const digits = digitsFor(indicator.unit);
  const points = indicator.history
    .filter((h) => h.value !== null)
    .map((h) => `${h.year} ${ctx.fmt.number(h.value, digits)}`)
    .join(", ");
  const trendKey = indicator.trend ? `progress.trend.${indicator.trend}` : "progress.trend.none";
  const cell = (label, value, cls = "") =>
    ctx.el("div", { class: `kpi-step ${cls}` }, ctx.el("span", { class: "small muted" }, label), ctx.el("span", { class: "num" }, value));
  return ctx.el(
    "section",
    { class: "kpi-indicator", "data-indicator": indicator.name },
    ctx.el("h3", { class: "kpi-name" }, name, " ", ctx.el("span", { class: "unit" }, `(${unit})`)),
    ctx.el(
      "div",
      { class: "kpi-steps" },
      cell(ctx.t("progress.baseline"), indicator.baseline ? `${planValue(ctx, indicator.baseline, indicator.unit)} (${indicator.baseline.year})` : ctx.t("progress.none")),
      cell(ctx.t("progress.current"), ctx.fmt.number(indicator.current, digits), "kpi-current"),
      cell(ctx.t("progress.target2030"), planValue(ctx, indicator.target_2030, indicator.unit)),
      cell(ctx.t("progress.target2050"), planValue(ctx, indicator.target_2050, indicator.unit)),
    ),
    sparkline(ctx, indicator, ctx.t("progress.history", { name, points: points || ctx.t("common.noData") })),
    ctx.el(
      "p",
      { class: "kpi-statuses" },
      statusBadge(ctx, indicator.status["2030"], "progress.status2030"),
      " ",
      statusBadge(ctx, indicator.status["2050"], "progress.status2050"),
      " ",
      ctx.el("span", { class: "kpi-trend small", "data-trend": indicator.trend || "none" }, `${colon(ctx.t("progress.trend"))} ${ctx.t(trendKey)}`),
    ),
    sourceLine(ctx, indicator),
    ruleBlock(ctx, indicator),
  );
}

// The plan's baseline or target of an objective in the page's language: catalogue key plan.<id>.<field>,
// whose English is objectives.yaml's (tests/test_plan_catalogue.py).
function planText(ctx, objective, field) {
  return ctx.t(`plan.${objective.id}.${field}`);
}

function card(ctx, objective) {
  const heading = `${objective.id} — ${ctx.t(`obj.${objective.id}`)}`; // the plan's title in the language
  return ctx.el(
    "article",
    { class: "card kpi-card", "data-objective": objective.id, "data-goal": objective.goal },
    ctx.el("p", { class: "small muted kpi-goal" }, `${objective.goal} · ${ctx.t(`goal.${objective.goal}`)}`),
    ctx.el("h2", { class: "kpi-title" }, heading),
    objective.indicators.map((indicator) => indicatorBlock(ctx, indicator)),
    ctx.el(
      "details",
      { class: "small" },
      ctx.el("summary", {}, ctx.t("progress.planText")),
      ctx.el(
        "dl",
        { class: "details" },
        ctx.el("dt", {}, ctx.t("progress.baseline")), ctx.el("dd", {}, planText(ctx, objective, "baseline_2020")),
        ctx.el("dt", {}, "2030"), ctx.el("dd", {}, planText(ctx, objective, "target_2030")),
        ctx.el("dt", {}, "2050"), ctx.el("dd", {}, planText(ctx, objective, "target_2050")),
      ),
    ),
  );
}

export async function render(root, params, ctx) {
  let goal = GOALS.includes(params.goal) ? params.goal : "";
  let report = null;

  const select = ctx.el(
    "select",
    {
      id: "progress-goal",
      onchange: () => {
        goal = select.value;
        ctx.setParams({ goal });
        draw();
      },
    },
    ctx.el("option", { value: "" }, ctx.t("progress.allGoals")),
    GOALS.map((g) => ctx.el("option", { value: g, selected: g === goal }, `${g} — ${ctx.t(`goal.${g}`)}`)),
  );
  select.value = goal;
  const asOf = ctx.el("p", { class: "small muted progress-as-of" });
  const shown = ctx.el("p", { class: "small muted progress-shown", role: "status" });
  const exports = ctx.el("div", {});
  ctx.exportLinks(exports, { csv: "/kpis/export.csv" });
  exports.append(
    ctx.el("a", { class: "btn btn-secondary report-link", "data-format": "pdf", href: `/api/kpis/report?lang=${ctx.lang}&format=pdf` }, `${ctx.t("progress.report")} (PDF)`),
    " ",
    ctx.el("a", { class: "btn btn-secondary report-link", "data-format": "html", href: `/api/kpis/report?lang=${ctx.lang}`, target: "_blank", rel: "noopener" }, `${ctx.t("progress.report")} (HTML)`),
    " ",
    ctx.el("a", { class: "btn btn-secondary", href: "/api/kpis/open-data.json", target: "_blank", rel: "noopener" }, ctx.t("progress.openData")),
  );
  const grid = ctx.el("div", { class: "grid progress-grid" });
  root.append(
    ctx.el("style", {}, STYLE),
    ctx.el(
      "div",
      { class: "page-header" },
      ctx.el("h1", {}, ctx.t("progress.title")),
      exports,
    ),
    ctx.el("p", {}, ctx.t("progress.intro")),
    ctx.el("p", { class: "small muted" }, ctx.t("progress.rule")),
    ctx.el(
      "div",
      { class: "toolbar" },
      ctx.el("div", { class: "field" }, ctx.el("label", { for: "progress-goal" }, ctx.t("progress.goal")), select),
      shown,
    ),
    asOf,
    grid,
  );

  function draw() {
    if (!report) return;
    const objectives = report.objectives.filter((o) => !goal || o.goal === goal);
    grid.replaceChildren(...objectives.map((o) => card(ctx, o)));
    shown.textContent = ctx.tn("progress.shown", objectives.length, { count: objectives.length });
    asOf.textContent = ctx.t("progress.asOf", { date: ctx.fmt.date(report.as_of) });
  }

  async function load() {
    const answer = await ctx.api("/kpis");
    if (!ctx.alive()) return;
    report = answer;
    draw();
  }

  await load();
  grid.addEventListener("kpi-changed", () => load().catch((error) => console.error(error)));

  let timer = null;
  ctx.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        await load();
        grid.dataset.updated = String(Date.now());
      } catch (error) {
        console.error(error);
      }
    }, RELOAD_DELAY_MS);
  });
  return () => clearTimeout(timer);
}
