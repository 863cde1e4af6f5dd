// Site page: observations by depth and date, measured 0–30 cm stocks against a RothC nowcast with its
// 95 % band, and the practices timeline of nearby projects. Permalink: #/site?id=3. Updates without
// reload on change events of its country.

import { choiceLabel } from "../forms.js";
import { countryName } from "../i18n.js";
import { appendMappedComparison } from "./site_mapped.js";

// Units as the pages write them: a carbon stock is stored in the canonical "Mg/ha" and read as t C/ha.
const UNIT_WORDS = { "Mg/ha": "t C/ha" };

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

// `text` as nodes, each of the answer's `quotations` in it (citations and data-file notes the server quotes
// in English) in a lang="en" span.
function quoting(el, text, quotations = []) {
  let nodes = [String(text ?? "")];
  for (const q of quotations) {
    nodes = nodes.flatMap((n) => (typeof n === "string" ? n.split(q).flatMap((part, i) => (i ? [el("span", { lang: "en" }, q), part] : [part])) : [n]));
  }
  return nodes.filter((n) => n !== "");
}

// The long-term experiment section: measured (points) vs RothC (line + 95 % band), the validation
// statistics with their formulas, and the source line. Returns [nodes, draw] (draw() makes the chart).
function longTermSection(lt, ctx) {
  const { t, el, fmt } = ctx;
  const m = lt.modelled;
  const quoted = (text) => quoting(el, text, lt.quotations);
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
        quoted(t("site.longTermNote", {
          model: m.model, start: m.start, input: fmt.number(m.plant_input_t_c_ha_yr, 2),
          inputLow: fmt.number(m.plant_input_interval_t_c_ha_yr[0], 2), inputHigh: fmt.number(m.plant_input_interval_t_c_ha_yr[1], 2),
          inputBasis: m.plant_input_basis, fym: fmt.number(m.fym_t_c_ha_yr, 1), fymBasis: m.fym_basis,
          clay: fmt.number(m.clay_pct, 1), claySource: m.clay_source, iom: fmt.number(m.iom_t_c_ha, 2), iomBasis: m.iom_basis,
          interval: m.interval,
        })),
      ),
      m.fit ? el("p", { class: "notice", id: "site-longterm-fit" }, quoted(t("site.notFitted", { reason: m.fit }))) : null,
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
        el("tbody", {}, lt.setup.map((r) => el("tr", { "data-setup": r.key }, el("td", {}, t(`site.setup.${r.key}`)), el("td", {}, quoted(r.value)), el("td", { class: "small" }, quoted(r.source))))),
      ),
    ),
  );
  nodes.push(el("p", { class: "small muted", id: "site-longterm-source" }, quoted(t("site.source", { sources: lt.sources.join(" · ") }))));
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
    // a measured value with the decimals it was recorded with (30.7, not 30.700), at most 3
    const recorded = (x) => (x === null || x === undefined ? "–" : fmt.number(x, Math.min(3, (String(x).split(".")[1] || "").length)));
    const rows = data.observations.map((o) =>
      el(
        "tr",
        { "data-observation": o.id },
        el("td", {}, o.date ? fmt.date(o.date) : "–"),
        el("td", { class: "num" }, `${fmt.number(o.upper_cm, 0)}–${fmt.number(o.lower_cm, 0)}`),
        el("td", {}, choiceLabel("observations", "property", o.property)),
        el("td", { class: "num" }, recorded(o.value)),
        el("td", {}, UNIT_WORDS[o.unit] ?? o.unit),
        el("td", { class: "num" }, recorded(o.uncertainty)),
      ),
    );
    const practices = data.practices.map((p) =>
      el(
        "li",
        { "data-project": p.project_id },
        el("strong", {}, p.start_year ? t("site.since", { year: String(p.start_year) }) : t("site.undated")),
        ` — ${p.name} (${choiceLabel("projects", "stage", p.stage)}, ${fmt.number(p.distance_km, 1)} km): `,
        (p.practices || []).map((x) => (typeof x === "string" ? x : x.name || JSON.stringify(x))).join(", "),
      ),
    );
    const nowcast = data.nowcast;
    content.replaceChildren(
      ...present(
        el("p", {}, el("a", { href: `#/country?iso3=${data.country_iso3}` }, `← ${t("site.back", { country: countryName(data.country_iso3) })}`)),
        el("div", { class: "page-header" }, el("h1", { id: "site-name" }, data.name), exportsBox),
        el("p", { class: "muted" }, t("site.where", { lat: fmt.number(data.lat, 3), lon: fmt.number(data.lon, 3), landUse: choiceLabel("sites", "land_use", data.land_use) })),
        data.description ? el("p", {}, quoting(el, data.description, data.quotations)) : null,
        longTermNodes,
        el("h2", {}, t("site.nowcast")),
        nowcast
          ? [
              el("div", { class: "chart" }, canvas),
              el(
                "p",
                { class: "small muted", id: "site-nowcast-note" },
                quoting(el, t("site.nowcastNote", { model: nowcast.model, climate: nowcast.climate, clay: fmt.number(nowcast.clay_pct, 1), claySource: nowcast.clay_source, interval: nowcast.interval }), data.quotations),
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
