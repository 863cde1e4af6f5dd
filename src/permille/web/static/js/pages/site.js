// Site page: observations by depth and date, measured 0–30 cm stocks against a RothC nowcast with its
// 95 % band, and the practices timeline of nearby projects. Permalink: #/site?id=3. Updates without
// reload on change events of its country.

import { appendMappedComparison } from "./site_mapped.js";

// Units as the pages write them: a carbon stock is stored in the canonical "Mg/ha" and read as t C/ha.
const UNIT_WORDS = { "Mg/ha": "t C/ha" };

const MESSAGES = {
  en: {
    "site.back": "{country} page",
    "site.where": "{lat}°, {lon}° — {landUse}",
    "site.observations": "Observations by depth",
    "site.none": "No observation yet.",
    "site.date": "Date",
    "site.depth": "Depth (cm)",
    "site.property": "Property",
    "site.value": "Value",
    "site.unit": "Unit",
    "site.uncertainty": "±",
    "site.nowcast": "Measured stock and RothC nowcast (0–30 cm)",
    "site.nowcastNone": "No nowcast: {reason}.",
    "site.missing.stock": "the site has no dated 0–30 cm stock (SOC and bulk density) yet",
    "site.missing.clay": "no clay content has been measured at the site and no real clay layer is loaded (RothC needs clay)",
    "site.missing.climate": "the site lies outside the land cells of the bundled ERA5 climatology",
    "site.nowcastNote": "{model}. Climate: {climate}. Clay {clay} % ({claySource}). Band: {interval}.",
    "site.stockAxis": "SOC stock (t C/ha, 0–30 cm)",
    "site.year": "Year",
    "site.nowcastSeries": "RothC nowcast",
    "site.measuredSeries": "Measured",
    "site.practices": "Practices timeline (projects within 25 km)",
    "site.practicesNone": "No project near this site.",
    "site.since": "since {year}",
    "site.undated": "start not given",
    "site.longTerm": "Measured vs modelled SOC (long-term experiment, 0–23 cm)",
    "site.longTermAxis": "SOC stock (t C/ha, 0–23 cm)",
    "site.longTermModel": "RothC-26.3",
    "site.longTermBand": "95 % band",
    "site.longTermMeasured": "Measured (e-RA)",
    "site.longTermStart": "Starting stock",
    "site.longTermNote": "{model}. Start: {start}. Plant input {input} t C/ha/yr (95 %: {inputLow}–{inputHigh}), {inputBasis}. Manure {fym} t C/ha/yr ({fymBasis}). Clay {clay} % ({claySource}). IOM {iom} t C/ha ({iomBasis}). Band: {interval}.",
    "site.validation": "Validation statistics ({method})",
    "site.statistic": "Statistic",
    "site.statValue": "Value",
    "site.formula": "Formula",
    "site.stat.n": "Measurements (n)",
    "site.stat.bias": "Bias (t C/ha)",
    "site.stat.bias_interval": "Bias 90 % interval (t C/ha)",
    "site.stat.rmse": "RMSE (t C/ha)",
    "site.stat.rrmse_pct": "Relative RMSE (%)",
    "site.stat.efficiency": "Modelling efficiency EF",
    "site.stat.r": "Correlation r",
    "site.stat.bias_test": "Bias test (t test, α = {alpha})",
    "site.biasPasses": "passes (p = {p})",
    "site.biasFails": "fails (p = {p})",
    "site.source": "Source: {sources}",
    "site.setup": "Set-up of the run, each choice with its source",
    "site.setupChoice": "Choice",
    "site.setupSource": "Source",
    "site.setup.start": "Starting stock",
    "site.setup.pre": "Before the experiment",
    "site.setup.clay": "Clay",
    "site.setup.calendar": "Crop calendar",
    "site.setup.manure": "Farmyard manure",
    "site.setup.plant_input": "Plant carbon input",
    "site.setup.fallows": "Fallows",
    "site.setup.iom": "Inert organic matter",
    "site.setup.weather": "Weather",
    "site.notFitted": "Not a fit: {reason}",
  },
  fr: {
    "site.back": "Page {country}",
    "site.where": "{lat}°, {lon}° — {landUse}",
    "site.observations": "Observations par profondeur",
    "site.none": "Aucune observation.",
    "site.date": "Date",
    "site.depth": "Profondeur (cm)",
    "site.property": "Propriété",
    "site.value": "Valeur",
    "site.unit": "Unité",
    "site.uncertainty": "±",
    "site.nowcast": "Stock mesuré et estimation RothC actuelle (0–30 cm)",
    "site.nowcastNone": "Pas d’estimation : {reason}.",
    "site.missing.stock": "le site n’a pas encore de stock daté sur 0–30 cm (COS et densité apparente)",
    "site.missing.clay": "aucune teneur en argile n’a été mesurée sur le site et aucune couche réelle d’argile n’est chargée (RothC en a besoin)",
    "site.missing.climate": "le site est hors des cellules terrestres de la climatologie ERA5 fournie",
    "site.nowcastNote": "{model}. Climat : {climate}. Argile {clay} % ({claySource}). Bande : {interval}.",
    "site.stockAxis": "Stock de COS (t C/ha, 0–30 cm)",
    "site.year": "Année",
    "site.nowcastSeries": "Estimation RothC",
    "site.measuredSeries": "Mesuré",
    "site.practices": "Chronologie des pratiques (projets à moins de 25 km)",
    "site.practicesNone": "Aucun projet près de ce site.",
    "site.since": "depuis {year}",
    "site.undated": "début non précisé",
    "site.longTerm": "COS mesuré et modélisé (essai de longue durée, 0–23 cm)",
    "site.longTermAxis": "Stock de COS (t C/ha, 0–23 cm)",
    "site.longTermModel": "RothC-26.3",
    "site.longTermBand": "bande à 95 %",
    "site.longTermMeasured": "Mesuré (e-RA)",
    "site.longTermStart": "Stock initial",
    "site.longTermNote": "{model}. Départ : {start}. Apport végétal {input} t C/ha/an (95 % : {inputLow}–{inputHigh}), {inputBasis}. Fumier {fym} t C/ha/an ({fymBasis}). Argile {clay} % ({claySource}). MOI {iom} t C/ha ({iomBasis}). Bande : {interval}.",
    "site.validation": "Statistiques de validation ({method})",
    "site.statistic": "Statistique",
    "site.statValue": "Valeur",
    "site.formula": "Formule",
    "site.stat.n": "Mesures (n)",
    "site.stat.bias": "Biais (t C/ha)",
    "site.stat.bias_interval": "Intervalle à 90 % du biais (t C/ha)",
    "site.stat.rmse": "REQM (t C/ha)",
    "site.stat.rrmse_pct": "REQM relative (%)",
    "site.stat.efficiency": "Efficience du modèle EF",
    "site.stat.r": "Corrélation r",
    "site.stat.bias_test": "Test du biais (test t, α = {alpha})",
    "site.biasPasses": "réussi (p = {p})",
    "site.biasFails": "échoué (p = {p})",
    "site.source": "Source : {sources}",
    "site.setup": "Paramétrage du calcul, chaque choix avec sa source",
    "site.setupChoice": "Choix",
    "site.setupSource": "Source",
    "site.setup.start": "Stock initial",
    "site.setup.pre": "Avant l'essai",
    "site.setup.clay": "Argile",
    "site.setup.calendar": "Calendrier cultural",
    "site.setup.manure": "Fumier",
    "site.setup.plant_input": "Apport de carbone végétal",
    "site.setup.fallows": "Jachères",
    "site.setup.iom": "Matière organique inerte",
    "site.setup.weather": "Météo",
    "site.notFitted": "Pas d'ajustement : {reason}",
  },
  es: {
    "site.back": "Página de {country}",
    "site.where": "{lat}°, {lon}° — {landUse}",
    "site.observations": "Observaciones por profundidad",
    "site.none": "Aún no hay observaciones.",
    "site.date": "Fecha",
    "site.depth": "Profundidad (cm)",
    "site.property": "Propiedad",
    "site.value": "Valor",
    "site.unit": "Unidad",
    "site.uncertainty": "±",
    "site.nowcast": "Stock medido y estimación RothC actual (0–30 cm)",
    "site.nowcastNone": "Sin estimación: {reason}.",
    "site.missing.stock": "el sitio aún no tiene un stock fechado en 0–30 cm (COS y densidad aparente)",
    "site.missing.clay": "no se ha medido el contenido de arcilla en el sitio y no hay una capa real de arcilla cargada (RothC la necesita)",
    "site.missing.climate": "el sitio está fuera de las celdas terrestres de la climatología ERA5 incluida",
    "site.nowcastNote": "{model}. Clima: {climate}. Arcilla {clay} % ({claySource}). Banda: {interval}.",
    "site.stockAxis": "Stock de COS (t C/ha, 0–30 cm)",
    "site.year": "Año",
    "site.nowcastSeries": "Estimación RothC",
    "site.measuredSeries": "Medido",
    "site.practices": "Cronología de prácticas (proyectos a menos de 25 km)",
    "site.practicesNone": "Ningún proyecto cerca de este sitio.",
    "site.since": "desde {year}",
    "site.undated": "inicio no indicado",
    "site.longTerm": "COS medido y modelado (ensayo de larga duración, 0–23 cm)",
    "site.longTermAxis": "Stock de COS (t C/ha, 0–23 cm)",
    "site.longTermModel": "RothC-26.3",
    "site.longTermBand": "banda del 95 %",
    "site.longTermMeasured": "Medido (e-RA)",
    "site.longTermStart": "Stock inicial",
    "site.longTermNote": "{model}. Inicio: {start}. Aporte vegetal {input} t C/ha/año (95 %: {inputLow}–{inputHigh}), {inputBasis}. Estiércol {fym} t C/ha/año ({fymBasis}). Arcilla {clay} % ({claySource}). MOI {iom} t C/ha ({iomBasis}). Banda: {interval}.",
    "site.validation": "Estadísticas de validación ({method})",
    "site.statistic": "Estadística",
    "site.statValue": "Valor",
    "site.formula": "Fórmula",
    "site.stat.n": "Mediciones (n)",
    "site.stat.bias": "Sesgo (t C/ha)",
    "site.stat.bias_interval": "Intervalo del 90 % del sesgo (t C/ha)",
    "site.stat.rmse": "RECM (t C/ha)",
    "site.stat.rrmse_pct": "RECM relativa (%)",
    "site.stat.efficiency": "Eficiencia del modelo EF",
    "site.stat.r": "Correlación r",
    "site.stat.bias_test": "Prueba del sesgo (prueba t, α = {alpha})",
    "site.biasPasses": "superada (p = {p})",
    "site.biasFails": "no superada (p = {p})",
    "site.source": "Fuente: {sources}",
    "site.setup": "Configuración del cálculo, cada elección con su fuente",
    "site.setupChoice": "Elección",
    "site.setupSource": "Fuente",
    "site.setup.start": "Stock inicial",
    "site.setup.pre": "Antes del ensayo",
    "site.setup.clay": "Arcilla",
    "site.setup.calendar": "Calendario de cultivo",
    "site.setup.manure": "Estiércol",
    "site.setup.plant_input": "Aporte de carbono vegetal",
    "site.setup.fallows": "Barbechos",
    "site.setup.iom": "Materia orgánica inerte",
    "site.setup.weather": "Clima",
    "site.notFitted": "Sin ajuste: {reason}",
  },
};

// "2019-05-01" → 2019.33 (decimal year of the date)
function decimalYear(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return d.getUTCFullYear() + (d - start) / (Date.UTC(d.getUTCFullYear() + 1, 0, 1) - start);
}

// The children that are nodes or text (nested arrays flattened; null, undefined and false left out).
function present(...children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false);
}

// The long-term experiment section: measured (points) vs RothC (line + 95 % band), the validation
// statistics with their formulas, and the source line. Returns [nodes, draw] (draw() makes the chart).
function longTermSection(lt, ctx) {
  const { t, el, fmt } = ctx;
  const m = lt.modelled;
  const canvas = el("canvas", { id: "site-longterm", role: "img", "aria-label": t("site.longTerm") });
  const nodes = [el("h2", {}, t("site.longTerm"))];
  if (m) {
    const s = lt.validation.statistics;
    const f = lt.validation.formulas;
    const rows = [
      ["n", fmt.number(s.n, 0), ""],
      ["bias", fmt.number(s.bias, 2), f.bias],
      ["bias_interval", `${fmt.number(s.bias_low, 2)} – ${fmt.number(s.bias_high, 2)}`, ""],
      ["rmse", fmt.number(s.rmse, 2), f.rmse],
      ["rrmse_pct", fmt.number(s.rrmse_pct, 1), f.rrmse_pct],
      ["efficiency", fmt.number(s.efficiency, 2), f.efficiency],
      ["r", fmt.number(s.r, 2), f.r],
      ["bias_test", t(s.passes_bias_test ? "site.biasPasses" : "site.biasFails", { p: fmt.number(s.p, 2) }), "mean(P − O) = 0"],
    ];
    nodes.push(
      el("div", { class: "chart" }, canvas),
      el(
        "p",
        { class: "small muted", id: "site-longterm-note" },
        t("site.longTermNote", {
          model: m.model, start: m.start, input: fmt.number(m.plant_input_t_c_ha_yr, 2),
          inputLow: fmt.number(m.plant_input_interval_t_c_ha_yr[0], 2), inputHigh: fmt.number(m.plant_input_interval_t_c_ha_yr[1], 2),
          inputBasis: m.plant_input_basis, fym: fmt.number(m.fym_t_c_ha_yr, 1), fymBasis: m.fym_basis,
          clay: fmt.number(m.clay_pct, 1), claySource: m.clay_source, iom: fmt.number(m.iom_t_c_ha, 2), iomBasis: m.iom_basis,
          interval: m.interval,
        }),
      ),
      m.fit ? el("p", { class: "notice", id: "site-longterm-fit" }, t("site.notFitted", { reason: m.fit })) : null,
      el("h3", {}, t("site.validation", { method: lt.validation.method })),
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "data", id: "site-validation" },
          el("thead", {}, el("tr", {}, ["site.statistic", "site.statValue", "site.formula"].map((k) => el("th", {}, t(k))))),
          el(
            "tbody",
            {},
            rows.map(([key, value, formula]) =>
              el("tr", { "data-statistic": key }, el("td", {}, t(`site.stat.${key}`, { alpha: fmt.number(s.alpha, 2) })), el("td", { class: "num" }, value), el("td", { class: "small" }, formula)),
            ),
          ),
        ),
      ),
    );
  } else {
    nodes.push(el("p", { class: "muted" }, lt.note));
  }
  nodes.push(
    el("h3", {}, t("site.setup")),
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { class: "data", id: "site-setup" },
        el("thead", {}, el("tr", {}, ["site.setupChoice", "site.statValue", "site.setupSource"].map((k) => el("th", {}, t(k))))),
        el("tbody", {}, lt.setup.map((r) => el("tr", { "data-setup": r.key }, el("td", {}, t(`site.setup.${r.key}`)), el("td", {}, r.value), el("td", { class: "small" }, r.source)))),
      ),
    ),
  );
  nodes.push(el("p", { class: "small muted", id: "site-longterm-source" }, t("site.source", { sources: lt.sources.join(" · ") })));
  function draw() {
    if (!m) return null;
    const line = (field) => m.points.map((p) => ({ x: p.year, y: p[field] }));
    const measured = (role) => lt.measured.filter((p) => role(p.role)).map((p) => ({ x: p.year, y: p.soc_t_c_ha }));
    return new Chart(canvas, {
      type: "line",
      data: {
        datasets: [
          { label: "2.5 %", data: line("low_t_c_ha"), borderWidth: 0, pointRadius: 0, fill: false },
          { label: t("site.longTermBand"), data: line("high_t_c_ha"), borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(47, 107, 58, 0.18)" },
          { label: t("site.longTermModel"), data: line("soc_t_c_ha"), borderColor: "#2f6b3a", pointRadius: 0, borderWidth: 2 },
          { label: t("site.longTermMeasured"), type: "scatter", data: measured((r) => r !== "starting stock"), backgroundColor: "#5b3a1e", pointRadius: 5 },
          { label: t("site.longTermStart"), type: "scatter", data: measured((r) => r === "starting stock"), backgroundColor: "#ffffff", borderColor: "#5b3a1e", borderWidth: 2, pointRadius: 5 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { type: "linear", title: { display: true, text: t("site.year") }, ticks: { callback: (v) => String(v) } },
          y: { title: { display: true, text: t("site.longTermAxis") }, ticks: { callback: (v) => fmt.number(v, 0) } },
        },
        plugins: { legend: { labels: { filter: (item) => item.text !== "2.5 %" } } },
      },
    });
  }
  return [nodes, draw];
}

export async function render(root, params, ctx) {
  ctx.i18n.add(MESSAGES);
  const { t, el, fmt } = ctx;
  const id = Number.parseInt(params.id, 10);
  const content = el("div", { class: "stack", id: "site-content" });
  root.append(content);
  let chart = null;
  let longTermChart = null;
  let country = null;

  async function load() {
    const [data, longTerm] = await Promise.all([ctx.api(`/monitoring/sites/${id}`), ctx.api(`/monitoring/sites/${id}/long-term`)]);
    if (!ctx.alive()) return;
    country = data.country_iso3;
    if (chart) chart.destroy();
    if (longTermChart) longTermChart.destroy();
    chart = null;
    longTermChart = null;
    const [longTermNodes, drawLongTerm] = longTerm.available ? longTermSection(longTerm, ctx) : [[], () => null];
    const exportsBox = el("div", { class: "export-links" });
    const canvas = el("canvas", { id: "site-nowcast", role: "img", "aria-label": t("site.nowcast") });
    const rows = data.observations.map((o) =>
      el(
        "tr",
        { "data-observation": o.id },
        el("td", {}, o.date ? fmt.date(o.date) : "–"),
        el("td", { class: "num" }, `${fmt.number(o.upper_cm, 0)}–${fmt.number(o.lower_cm, 0)}`),
        el("td", {}, o.property),
        el("td", { class: "num" }, fmt.number(o.value, 3)),
        el("td", {}, UNIT_WORDS[o.unit] ?? o.unit),
        el("td", { class: "num" }, o.uncertainty === null ? "–" : fmt.number(o.uncertainty, 3)),
      ),
    );
    const practices = data.practices.map((p) =>
      el(
        "li",
        { "data-project": p.project_id },
        el("strong", {}, p.start_year ? t("site.since", { year: String(p.start_year) }) : t("site.undated")),
        ` — ${p.name} (${p.stage}, ${fmt.number(p.distance_km, 1)} km): `,
        (p.practices || []).map((x) => (typeof x === "string" ? x : x.name || JSON.stringify(x))).join(", "),
      ),
    );
    const nowcast = data.nowcast;
    content.replaceChildren(
      ...present(
        el("p", {}, el("a", { href: `#/country?iso3=${data.country_iso3}` }, `← ${t("site.back", { country: data.country_iso3 })}`)),
        el("div", { class: "page-header" }, el("h1", { id: "site-name" }, data.name), exportsBox),
        el("p", { class: "muted" }, t("site.where", { lat: fmt.number(data.lat, 3), lon: fmt.number(data.lon, 3), landUse: data.land_use })),
        data.description ? el("p", {}, data.description) : null,
        longTermNodes,
        el("h2", {}, t("site.nowcast")),
        nowcast
          ? [
              el("div", { class: "chart" }, canvas),
              el(
                "p",
                { class: "small muted", id: "site-nowcast-note" },
                t("site.nowcastNote", { model: nowcast.model, climate: nowcast.climate, clay: fmt.number(nowcast.clay_pct, 1), claySource: nowcast.clay_source, interval: nowcast.interval }),
              ),
            ]
          : el("p", { class: "muted", id: "site-nowcast-missing" }, t("site.nowcastNone", { reason: t(`site.missing.${data.nowcast_missing?.input || "stock"}`) })),
        el("h2", {}, t("site.observations")),
        rows.length
          ? el(
              "div",
              { class: "table-wrap" },
              el(
                "table",
                { class: "data", id: "site-observations" },
                el("thead", {}, el("tr", {}, ["site.date", "site.depth", "site.property", "site.value", "site.unit", "site.uncertainty"].map((k) => el("th", {}, t(k))))),
                el("tbody", {}, rows),
              ),
            )
          : el("p", { class: "muted" }, t("site.none")),
        el("h2", {}, t("site.practices")),
        practices.length ? el("ul", { id: "site-practices" }, practices) : el("p", { class: "muted" }, t("site.practicesNone")),
      ),
    );
    appendMappedComparison(content, data, ctx);
    longTermChart = drawLongTerm();
    if (nowcast) {
      const series = (field) => nowcast.points.map((p) => ({ x: decimalYear(p.date), y: p[field] }));
      chart = new Chart(canvas, {
        type: "line",
        data: {
          datasets: [
            { label: "2.5 %", data: series("low_t_c_ha"), borderWidth: 0, pointRadius: 0, fill: false },
            { label: "97.5 %", data: series("high_t_c_ha"), borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(47, 107, 58, 0.15)" },
            { label: t("site.nowcastSeries"), data: series("soc_t_c_ha"), borderColor: "#2f6b3a", pointRadius: 0, borderWidth: 2 },
            {
              label: t("site.measuredSeries"),
              type: "scatter",
              data: data.measured.filter((m) => m.date).map((m) => ({ x: decimalYear(m.date), y: m.stock_t_c_ha })),
              backgroundColor: "#5b3a1e",
              pointRadius: 5,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: {
            x: { type: "linear", title: { display: true, text: t("site.year") }, ticks: { callback: (v) => String(Math.round(v * 10) / 10) } },
            y: { title: { display: true, text: t("site.stockAxis") }, ticks: { callback: (v) => fmt.number(v, 1) } },
          },
          plugins: { legend: { labels: { filter: (item) => !item.text.endsWith(" %") } } },
        },
      });
    }
    ctx.exportLinks(exportsBox, { csv: `/monitoring/sites/${id}?format=csv` });
    content.dataset.updated = String(Date.now());
  }

  await load();
  ctx.onChange((change) => {
    if (!change.country_iso3 || change.country_iso3 === country) load();
  });
  return () => {
    if (chart) chart.destroy();
    if (longTermChart) longTermChart.destroy();
  };
}
