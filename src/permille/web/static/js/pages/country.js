// Country page: SOC stock and potential under each scenario (fan chart with 95 % bands), measured stocks
// over time (live from the registry's observations), auto-written sentences, caveats and sources, and the
// country's sites (→ site page). Permalink: #/country?iso3=FRA. Updates without reload on change events
// of the country.

import { fillNodes, sourceText } from "../dom.js";
import { choiceLabel } from "../forms.js";
import { countryName } from "../i18n.js";
import { appendNdcSection } from "./country_ndc.js";

const SCENARIO_COLOURS = { bau: "#6b6b6b", ssm_5: "#8fbf6a", ssm_10: "#4f9a4a", ssm_20: "#2f6b3a" };

function scenarioName(t, key) {
  return key === "bau" ? t("cty.bau") : t("cty.ssm", { pct: key.replace("ssm_", "").replace("p", ".") });
}

function band(colour, alpha) {
  const n = parseInt(colour.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// The children that are nodes or text (nested arrays flattened; null, undefined and false left out).
function present(...children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false);
}

export async function render(root, params, ctx) {
  const { t, el, fmt } = ctx;
  const iso3 = (params.iso3 || "").toUpperCase();
  const content = el("div", { class: "stack", id: "country-content" });
  root.append(content);
  // the real atlas's figures and the country's pixel map (js/atlas/country-atlas.js), shown after the summary
  const atlasBox = el("section", { class: "stack", id: "country-atlas-section" });
  root.append(atlasBox);
  import("../atlas/country-atlas.js").then((m) => m.renderCountryAtlas(atlasBox, iso3, ctx));
  const charts = [];

  function table(id, headers, rows) {
    return el(
      "div",
      { class: "table-wrap" },
      el("table", { class: "data", id }, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows)),
    );
  }

  function chart(canvas, config) {
    charts.push(new Chart(canvas, config));
  }

  async function load() {
    const data = await ctx.api(`/monitoring/countries/${iso3}`);
    if (!ctx.alive()) return;
    for (const c of charts.splice(0)) c.destroy();
    const t0 = data.stock_t0;
    const modelled = t0 !== null;
    const tag = data.synthetic ? ` (${t("cty.demoLabel")})` : "";
    const sourceLine = (text, id) => el("p", { class: "muted source", id }, fillNodes(t, "cty.source", "source", sourceText(text)));
    const tier1Rows = data.tier1.items.map((r) =>
      el(
        "tr",
        { "data-zone": r.climate_zone, "data-soil": r.soil_class },
        el("td", {}, t(`balance.climate_zone:${r.climate_zone}`)),
        el("td", { class: "num" }, fmt.percent(r.land_fraction, 0)),
        el("td", {}, t(`balance.soil_class:${r.soil_class}`)),
        el("td", { class: "num" }, `${fmt.number(r.socref_t_c_ha, 0)} (${fmt.range(r.low_t_c_ha, r.high_t_c_ha, 0)})`),
      ),
    );
    const exportsBox = el("div", { class: "export-links" });
    const fanCanvas = el("canvas", { id: "country-fan", role: "img", "aria-label": t("cty.fan") });
    const observedCanvas = el("canvas", { id: "country-observed", role: "img", "aria-label": t("cty.observed") });

    const scenarioRows = Object.entries(data.scenarios).map(([key, s]) =>
      el(
        "tr",
        { "data-scenario": key },
        el("td", {}, scenarioName(t, key)),
        el("td", { class: "num" }, `${fmt.number(s.final.mean, 1)} (${fmt.range(s.final.mean_low, s.final.mean_high, 1)})`),
        el("td", { class: "num" }, s.difference ? `${fmt.number(s.difference.mean, 2)} (${fmt.range(s.difference.mean_low, s.difference.mean_high, 2)})` : "–"),
        el("td", { class: "num" }, `${fmt.number(s.rate.mean, 3)} (${fmt.range(s.rate.mean_low, s.rate.mean_high, 3)})`),
        el("td", { class: "num" }, s.difference ? `${fmt.number(s.difference.total, 1)} (${fmt.range(s.difference.total_low, s.difference.total_high, 1)})` : "–"),
      ),
    );
    const observedRows = data.observed.map((o) =>
      el(
        "tr",
        { "data-year": o.year },
        el("td", {}, String(o.year)),
        el("td", { class: "num" }, String(o.n_sites)),
        el("td", { class: "num" }, fmt.number(o.mean_t_c_ha, 1)),
        el("td", { class: "num" }, fmt.range(o.low_t_c_ha, o.high_t_c_ha, 1)),
      ),
    );
    const siteRows = data.sites.map((s) =>
      el(
        "tr",
        { "data-site": s.id },
        el("td", {}, el("a", { href: `#/site?id=${s.id}` }, s.name)),
        el("td", {}, choiceLabel("sites", "land_use", s.land_use)),
        el("td", { class: "num" }, String(s.n_observations)),
        el("td", { class: "num" }, s.latest_stock_t_c_ha === null ? "–" : fmt.number(s.latest_stock_t_c_ha, 1)),
      ),
    );

    content.replaceChildren(
      ...present(
        el("p", {}, el("a", { href: `#/monitoring?region=${encodeURIComponent(data.region)}` }, `← ${t("cty.back")}`)),
        el("div", { class: "page-header" }, el("h1", { id: "country-name" }, countryName(iso3, data.name)), exportsBox),
        el("p", { class: "muted" }, t("cty.region", { region: t(`opt.${data.region}`) })),
        data.synthetic ? el("p", { class: "notice", id: "country-synthetic" }, t("cty.synthetic")) : null,
        data.missing.length ? el("section", { class: "card", id: "country-missing" }, el("h2", {}, t("cty.missing")), data.missing.map((m) => el("p", { class: "notice", "data-missing": m.variable }, m.message))) : null,
        el("section", { class: "card", id: "country-sentences" }, el("h2", {}, t("cty.summary")), (data.sentences[ctx.lang] || data.sentences.en).map((s) => el("p", {}, s))),
        atlasBox, // the real atlas first: the country's numbers from the bundled layers
        modelled
          ? [
              el(
                "div",
                { class: "grid" },
                el("div", { class: "card" }, el("h3", {}, t("cty.stockT0", { year: String(data.start_year) })), el("p", { id: "country-stock" }, `${fmt.number(t0.mean, 1)} t C/ha (${t("cty.interval")} ${fmt.range(t0.mean_low, t0.mean_high, 1)}) — ${fmt.number(t0.total, 0)} Mt C${tag}`)),
              ),
              el("h2", {}, t("cty.fan") + tag),
              el("div", { class: "chart" }, fanCanvas),
              el("h2", {}, t("cty.scenarios") + tag),
              table("country-scenarios", [t("cty.scenario"), t("cty.final", { year: String(data.final_year) }), t("cty.difference"), t("cty.rate"), t("cty.totalGain")], scenarioRows),
              sourceLine(data.dataset.source, "country-modelled-source"),
            ]
          : null,
        el("h2", {}, t("cty.observed")),
        data.observed.length ? el("div", { class: "chart" }, observedCanvas) : el("p", { class: "muted" }, t("cty.observedNone")),
        data.observed.length ? table("country-observed-table", [t("cty.year"), t("cty.nSites"), t("cty.mean"), t("cty.interval")], observedRows) : null,
        data.observed.length ? sourceLine(data.observed_source, "country-observed-source") : null,
        el("h2", {}, t("cty.tier1")),
        el("p", { class: "muted" }, t("cty.tier1Intro")),
        tier1Rows.length ? table("country-tier1", [t("cty.climateZone"), t("cty.landShare"), t("cty.soilClass"), `${t("cty.socref")} (${t("cty.interval")})`], tier1Rows) : el("p", { class: "muted" }, t("cty.tier1None")),
        sourceLine(`${data.tier1.source}; ${data.tier1.climate_zone_source}`, "country-tier1-source"),
        el("h2", {}, t("cty.sites")),
        data.sites.length ? table("country-sites", [t("cty.site"), t("cty.landUse"), t("cty.nObs"), t("cty.latest")], siteRows) : el("p", { class: "muted" }, t("cty.sitesNone")),
        el("h2", {}, t("cty.caveats")),
        el("ul", { id: "country-caveats" }, data.caveats.map((c) => el("li", {}, sourceText(c)))),
        el("h2", {}, t("cty.sources")),
        el("ul", {}, data.sources.map((s) => el("li", {}, sourceText(s)))),
      ),
    );

    const datasets = [];
    for (const [key, s] of modelled ? Object.entries(data.scenarios) : []) {
      const colour = SCENARIO_COLOURS[key] || "#1a5fb4";
      const points = (field) => s.fan.map((p) => ({ x: p.year, y: p[field] }));
      datasets.push(
        { label: `${scenarioName(t, key)} 2.5 %`, data: points("low"), borderWidth: 0, pointRadius: 0, fill: false },
        { label: `${scenarioName(t, key)} 97.5 %`, data: points("high"), borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: band(colour, 0.15) },
        { label: scenarioName(t, key), data: points("mean"), borderColor: colour, backgroundColor: colour, pointRadius: 0, borderWidth: 2 },
      );
    }
    const axes = (yLabel, years) => ({
      x: {
        type: "linear",
        suggestedMin: Math.min(...years) - (years.length < 3 ? 1 : 0),
        suggestedMax: Math.max(...years) + (years.length < 3 ? 1 : 0),
        title: { display: true, text: t("cty.year") },
        ticks: { stepSize: 1, precision: 0, callback: (v) => String(v) },
      },
      y: { title: { display: true, text: yLabel }, ticks: { callback: (v) => fmt.number(v, 1) } },
    });
    const legendFilter = { labels: { filter: (item) => !/ (2\.5|97\.5) %$/.test(item.text) } };
    if (modelled) {
      chart(fanCanvas, {
        type: "line",
        data: { datasets },
        options: { animation: false, maintainAspectRatio: false, scales: axes(t("cty.stockAxis"), data.scenarios.bau.fan.map((p) => p.year)), plugins: { legend: legendFilter } },
      });
    }
    if (data.observed.length) {
      const series = (field) => data.observed.map((o) => ({ x: o.year, y: o[field] }));
      chart(observedCanvas, {
        type: "line",
        data: {
          datasets: [
            { label: "2.5 %", data: series("low_t_c_ha"), borderWidth: 0, pointRadius: 0, fill: false },
            { label: "97.5 %", data: series("high_t_c_ha"), borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: band("#5b3a1e", 0.15) },
            { label: t("cty.observedSeries"), data: series("mean_t_c_ha"), borderColor: "#5b3a1e", backgroundColor: "#5b3a1e", pointRadius: 4 },
          ],
        },
        options: { animation: false, maintainAspectRatio: false, scales: axes(t("cty.stockAxis"), data.observed.map((o) => o.year)), plugins: { legend: { labels: { filter: (item) => !item.text.endsWith(" %") } } } },
      });
    }
    await appendNdcSection(content, iso3, ctx, chart);
    ctx.exportLinks(exportsBox, {
      ...(modelled ? { csv: `/monitoring/countries/${iso3}?format=csv&table=statistics` } : {}),
      "tier1.csv": `/monitoring/countries/${iso3}?format=csv&table=tier1`,
      "observations.csv": `/monitoring/countries/${iso3}?format=csv&table=observations`,
      "sites.csv": `/monitoring/countries/${iso3}?format=csv&table=sites`,
    });
    content.dataset.updated = String(Date.now());
  }

  await load();
  ctx.onChange((change) => {
    if (!change.country_iso3 || change.country_iso3 === iso3) load();
  });
  return () => charts.forEach((c) => c.destroy());
}
