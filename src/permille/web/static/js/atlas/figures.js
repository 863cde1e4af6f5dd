// The real atlas's figures of a zone or an area of interest (GET /api/atlas/summary/<zone>, POST
// /api/atlas/area): SOC stock with its 95 % interval by depth and cover, the 4‰ target, the IPCC Tier 1
// estimate beside the mapped stock with the difference explained, the carbon debt and the GSOCseq potential
// of the three scenarios, each with its source line and caveat.

import { colon } from "../i18n.js";

const COVERS = ["all", "cropland", "grassland", "forest", "other"];
const SCENARIOS = ["5", "10", "20"];

export function figuresTable(answer, ctx, id) {
  const { t, el, fmt } = ctx;
  const f = answer.figures;
  const get = (quantity, cover, depth) => ((f[quantity] || {})[cover] || {})[depth] || null;
  const withInterval = (v, digits) => (v ? `${fmt.number(v.estimate, digits)} [${fmt.range(v.low, v.high, digits)}]` : "–");
  const table = (tableId, headers, rows) =>
    el("div", { class: "table-wrap" }, el("table", { class: "data", id: tableId }, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows)));
  const source = (key) => el("p", { class: "muted source", "data-source": key }, `${colon(t("fig.sources"))} ${answer.sources[key]}. ${colon(t("fig.caveats"))} ${answer.caveats[key]}`);

  const stockRows = [];
  for (const depth of ["0-30", "0-100"]) {
    for (const cover of COVERS) {
      const mean = get("stock_mean", cover, depth);
      if (!mean || mean.estimate === null) continue;
      stockRows.push(el("tr", { "data-depth": depth, "data-cover": cover },
        el("td", {}, `${depth} cm`), el("td", {}, t(`fig.cover.${cover}`)),
        el("td", { class: "num" }, withInterval(mean, 1)),
        el("td", { class: "num" }, withInterval(get("stock_total", cover, depth), 0)),
        el("td", { class: "num" }, fmt.number((mean.area_ha || 0) / 1e6, 2))));
    }
  }
  const c = get("target_c", "cropland+grassland", "0-30");
  const co2 = get("target_co2e", "cropland+grassland", "0-30");
  const tier = get("tier1_mean", "all", "0-30");
  const mapped = get("mapped_on_tier1_mean", "all", "0-30");
  const tierRows = COVERS.map((cover) => {
    const a = get("tier1_mean", cover, "0-30");
    const b = get("mapped_on_tier1_mean", cover, "0-30");
    if (!a || a.estimate === null) return null;
    return el("tr", { "data-cover": cover }, el("td", {}, t(`fig.cover.${cover}`)), el("td", { class: "num" }, withInterval(a, 1)),
      el("td", { class: "num" }, fmt.number(b.estimate, 1)), el("td", { class: "num" }, fmt.number(b.estimate - a.estimate, 1)));
  }).filter(Boolean);
  let explain = "";
  if (tier && mapped && tier.estimate !== null) {
    const diff = mapped.estimate - tier.estimate;
    const gaps = COVERS.slice(1).map((cover) => {
      const a = get("tier1_mean", cover, "0-30");
      const b = get("mapped_on_tier1_mean", cover, "0-30");
      return a && b && a.estimate !== null ? { cover, d: b.estimate - a.estimate, w: Math.abs(b.estimate - a.estimate) * a.area_ha } : null;
    }).filter(Boolean).sort((x, y) => y.w - x.w);
    explain = t("fig.tier1Explain", {
      diff: fmt.number(Math.abs(diff), 1), pct: fmt.percent(Math.abs(diff) / tier.estimate, 0), dir: t(diff >= 0 ? "fig.above" : "fig.below"),
      share: fmt.percent(tier.covered_fraction, 0), cover: gaps.length ? t(`fig.cover.${gaps[0].cover}`) : "–", cdiff: gaps.length ? fmt.number(gaps[0].d, 1) : "–",
    });
  }
  const debt = (d) => get(d[0], "all", d[1]);
  const potRows = SCENARIOS.map((s) => el("tr", { "data-scenario": s },
    el("td", {}, t("fig.scenarioName", { pct: s })),
    el("td", { class: "num" }, withInterval(get(`potential_mean_${s}`, "modelled", "0-30"), 2)),
    el("td", { class: "num" }, withInterval(get(`potential_total_${s}`, "modelled", "0-30"), 1)),
    el("td", { class: "num" }, withInterval(get(`potential_rate_total_${s}`, "modelled", "0-30"), 2))));
  return el("div", { class: "stack atlas-figures", id },
    el("h3", {}, t("fig.stock")),
    table(`${id}-stock`, [t("fig.depth"), t("fig.cover"), t("fig.mean"), t("fig.total"), t("fig.area")], stockRows),
    source("stock"),
    el("h3", {}, t("fig.target")),
    el("p", { id: `${id}-target` }, c ? t("fig.targetText", { c: fmt.number(c.estimate, 2), cl: fmt.number(c.low, 2), ch: fmt.number(c.high, 2), co2: fmt.number(co2.estimate, 1), co2l: fmt.number(co2.low, 1), co2h: fmt.number(co2.high, 1) }) : "–"),
    source("target"),
    el("h3", {}, t("fig.tier1")),
    table(`${id}-tier1`, [t("fig.cover"), t("fig.tier1Mean"), t("fig.mapped"), t("fig.difference")], tierRows),
    el("p", { id: `${id}-tier1-explain` }, explain),
    source("tier1"),
    el("h3", {}, t("fig.debt")),
    el("p", { id: `${id}-debt` }, t("fig.debtText", {
      m30: fmt.number(debt(["debt_mean", "0-30"])?.estimate, 1), t30: fmt.number(debt(["debt_total", "0-30"])?.estimate, 0),
      m100: fmt.number(debt(["debt_mean", "0-100"])?.estimate, 1), t100: fmt.number(debt(["debt_total", "0-100"])?.estimate, 0),
    })),
    source("debt"),
    el("h3", {}, t("fig.potential")),
    table(`${id}-potential`, [t("fig.scenario"), t("fig.potMean"), t("fig.potTotal"), t("fig.potRate")], potRows),
    source("potential"),
  );
}
