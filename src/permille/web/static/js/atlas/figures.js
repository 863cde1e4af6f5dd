// The real atlas's figures of a zone or an area of interest (GET /api/atlas/summary/<zone>, POST
// /api/atlas/area): SOC stock with its 95 % interval by depth and cover, the 4‰ target, the IPCC Tier 1
// estimate beside the mapped stock with the difference explained, the carbon debt and the GSOCseq potential
// of the three scenarios, each with its source line and caveat.

const MESSAGES = {
  en: {
    "fig.stock": "SOC stock (Sanderman et al. 2017, 2010)",
    "fig.depth": "Depth",
    "fig.cover": "Cover",
    "fig.mean": "Mean (t C/ha) [95 %]",
    "fig.total": "Total (Mt C) [95 %]",
    "fig.area": "Area (Mha)",
    "fig.cover.all": "all land",
    "fig.cover.cropland": "cropland",
    "fig.cover.grassland": "grassland",
    "fig.cover.forest": "forest",
    "fig.cover.other": "other",
    "fig.target": "4‰ target",
    "fig.targetText": "0.4 % per year of the agricultural (cropland + grassland) 0–30 cm stock: {c} Mt C/yr [{cl}–{ch}] = {co2} Mt CO2e/yr [{co2l}–{co2h}].",
    "fig.tier1": "IPCC Tier 1 estimate beside the mapped stock (0–30 cm)",
    "fig.tier1Mean": "Tier 1 (t C/ha) [95 %]",
    "fig.mapped": "Mapped (t C/ha)",
    "fig.difference": "Mapped − Tier 1",
    "fig.tier1Explain": "The mapped stock is {diff} t C/ha ({pct}) {dir} the Tier 1 estimate over the same {share} of the land. Tier 1 gives one default SOCref per climate zone and soil class (Zobler 1°) times the land-use factors; the map is a machine-learning model of measured profiles, so it carries local variation that Tier 1 cannot. The largest gap is on {cover} ({cdiff} t C/ha).",
    "fig.above": "above",
    "fig.below": "below",
    "fig.debt": "Carbon debt (no land use − 2010)",
    "fig.debtText": "0–30 cm: {m30} t C/ha, {t30} Mt C; 0–100 cm: {m100} t C/ha, {t100} Mt C.",
    "fig.potential": "Sequestration potential, GSOCseq (SSM − BAU after 20 years, 0–30 cm)",
    "fig.scenario": "Scenario",
    "fig.scenarioName": "+{pct} % carbon input",
    "fig.potMean": "Gain (t C/ha) [95 %]",
    "fig.potTotal": "Gain (Mt C) [95 %]",
    "fig.potRate": "Rate (Mt C/yr) [95 %]",
    "fig.sources": "Sources",
    "fig.caveats": "Caveats",
  },
  fr: {
    "fig.stock": "Stock de COS (Sanderman et al. 2017, 2010)",
    "fig.depth": "Profondeur",
    "fig.cover": "Couvert",
    "fig.mean": "Moyenne (t C/ha) [95 %]",
    "fig.total": "Total (Mt C) [95 %]",
    "fig.area": "Surface (Mha)",
    "fig.cover.all": "toutes terres",
    "fig.cover.cropland": "cultures",
    "fig.cover.grassland": "prairies",
    "fig.cover.forest": "forêts",
    "fig.cover.other": "autres",
    "fig.target": "Objectif 4‰",
    "fig.targetText": "0,4 % par an du stock 0–30 cm des terres agricoles (cultures + prairies) : {c} Mt C/an [{cl}–{ch}] = {co2} Mt CO2e/an [{co2l}–{co2h}].",
    "fig.tier1": "Estimation GIEC Tier 1 à côté du stock cartographié (0–30 cm)",
    "fig.tier1Mean": "Tier 1 (t C/ha) [95 %]",
    "fig.mapped": "Cartographié (t C/ha)",
    "fig.difference": "Cartographié − Tier 1",
    "fig.tier1Explain": "Le stock cartographié est {diff} t C/ha ({pct}) {dir} de l'estimation Tier 1 sur les mêmes {share} des terres. Le Tier 1 donne un SOCref par défaut par zone climatique et classe de sol (Zobler 1°) multiplié par les facteurs d'usage ; la carte est un modèle d'apprentissage automatique de profils mesurés et porte une variation locale que le Tier 1 ne peut pas rendre. Le plus grand écart concerne : {cover} ({cdiff} t C/ha).",
    "fig.above": "au-dessus",
    "fig.below": "en dessous",
    "fig.debt": "Dette de carbone (sans usage − 2010)",
    "fig.debtText": "0–30 cm : {m30} t C/ha, {t30} Mt C ; 0–100 cm : {m100} t C/ha, {t100} Mt C.",
    "fig.potential": "Potentiel de séquestration, GSOCseq (GDS − tendanciel après 20 ans, 0–30 cm)",
    "fig.scenario": "Scénario",
    "fig.scenarioName": "+{pct} % d'apport de carbone",
    "fig.potMean": "Gain (t C/ha) [95 %]",
    "fig.potTotal": "Gain (Mt C) [95 %]",
    "fig.potRate": "Taux (Mt C/an) [95 %]",
    "fig.sources": "Sources",
    "fig.caveats": "Mises en garde",
  },
  es: {
    "fig.stock": "Stock de COS (Sanderman et al. 2017, 2010)",
    "fig.depth": "Profundidad",
    "fig.cover": "Cobertura",
    "fig.mean": "Media (t C/ha) [95 %]",
    "fig.total": "Total (Mt C) [95 %]",
    "fig.area": "Superficie (Mha)",
    "fig.cover.all": "toda la tierra",
    "fig.cover.cropland": "cultivos",
    "fig.cover.grassland": "pastizales",
    "fig.cover.forest": "bosques",
    "fig.cover.other": "otros",
    "fig.target": "Meta 4‰",
    "fig.targetText": "0,4 % anual del stock 0–30 cm de las tierras agrícolas (cultivos + pastizales): {c} Mt C/año [{cl}–{ch}] = {co2} Mt CO2e/año [{co2l}–{co2h}].",
    "fig.tier1": "Estimación IPCC Tier 1 junto al stock cartografiado (0–30 cm)",
    "fig.tier1Mean": "Tier 1 (t C/ha) [95 %]",
    "fig.mapped": "Cartografiado (t C/ha)",
    "fig.difference": "Cartografiado − Tier 1",
    "fig.tier1Explain": "El stock cartografiado está {diff} t C/ha ({pct}) {dir} de la estimación Tier 1 sobre el mismo {share} de la tierra. El Tier 1 da un SOCref por defecto por zona climática y clase de suelo (Zobler 1°) por los factores de uso; el mapa es un modelo de aprendizaje automático de perfiles medidos y recoge variación local que el Tier 1 no puede. La mayor diferencia está en: {cover} ({cdiff} t C/ha).",
    "fig.above": "por encima",
    "fig.below": "por debajo",
    "fig.debt": "Deuda de carbono (sin uso − 2010)",
    "fig.debtText": "0–30 cm: {m30} t C/ha, {t30} Mt C; 0–100 cm: {m100} t C/ha, {t100} Mt C.",
    "fig.potential": "Potencial de secuestro, GSOCseq (MSS − tendencial tras 20 años, 0–30 cm)",
    "fig.scenario": "Escenario",
    "fig.scenarioName": "+{pct} % de aporte de carbono",
    "fig.potMean": "Ganancia (t C/ha) [95 %]",
    "fig.potTotal": "Ganancia (Mt C) [95 %]",
    "fig.potRate": "Tasa (Mt C/año) [95 %]",
    "fig.sources": "Fuentes",
    "fig.caveats": "Advertencias",
  },
};

const COVERS = ["all", "cropland", "grassland", "forest", "other"];
const SCENARIOS = ["5", "10", "20"];

export function figuresTable(answer, ctx, id) {
  ctx.i18n.add(MESSAGES);
  const { t, el, fmt } = ctx;
  const f = answer.figures;
  const get = (quantity, cover, depth) => ((f[quantity] || {})[cover] || {})[depth] || null;
  const withInterval = (v, digits) => (v ? `${fmt.number(v.estimate, digits)} [${fmt.range(v.low, v.high, digits)}]` : "–");
  const table = (tableId, headers, rows) =>
    el("div", { class: "table-wrap" }, el("table", { class: "data", id: tableId }, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows)));
  const source = (key) => el("p", { class: "muted source", "data-source": key }, `${t("fig.sources")}: ${answer.sources[key]}. ${t("fig.caveats")}: ${answer.caveats[key]}`);

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
