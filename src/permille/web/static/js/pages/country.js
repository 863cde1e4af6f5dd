// Country page: SOC stock and potential under each scenario (fan chart with 95 % bands), measured stocks
// over time (live from the registry's observations), auto-written sentences, caveats and sources, and the
// country's sites (→ site page). Permalink: #/country?iso3=FRA. Updates without reload on change events
// of the country.

const MESSAGES = {
  en: {
    "cty.back": "Monitoring map",
    "cty.region": "Region: {region}",
    "cty.synthetic": "The modelled figures are SYNTHETIC demonstration data.",
    "cty.fan": "SOC stock 0–30 cm under each scenario (mean and 95 % interval)",
    "cty.stockAxis": "SOC stock (t C/ha, 0–30 cm)",
    "cty.year": "Year",
    "cty.scenarios": "Scenarios",
    "cty.scenario": "Scenario",
    "cty.final": "Stock in {year} (t C/ha)",
    "cty.difference": "Gain vs business as usual (t C/ha)",
    "cty.rate": "Rate (t C/ha/yr)",
    "cty.totalGain": "Total gain (Mt C)",
    "cty.stockT0": "Stock in {year}",
    "cty.observed": "Measured stocks over time",
    "cty.observedNone": "No measured 0–30 cm stock yet (SOC and bulk density over 0–30 cm are needed).",
    "cty.nSites": "Sites",
    "cty.mean": "Mean (t C/ha)",
    "cty.interval": "95 % interval",
    "cty.sites": "Sites",
    "cty.sitesNone": "No site registered in this country.",
    "cty.site": "Site",
    "cty.landUse": "Land use",
    "cty.nObs": "Observations",
    "cty.latest": "Latest stock (t C/ha)",
    "cty.caveats": "Caveats",
    "cty.sources": "Sources",
    "cty.summary": "Summary",
    "cty.observedSeries": "Measured mean",
    "cty.bau": "Business as usual",
    "cty.ssm": "+{pct} % carbon input",
  },
  fr: {
    "cty.back": "Carte de suivi",
    "cty.region": "Région : {region}",
    "cty.synthetic": "Les chiffres modélisés sont des données de démonstration SYNTHÉTIQUES.",
    "cty.fan": "Stock de COS 0–30 cm selon chaque scénario (moyenne et intervalle à 95 %)",
    "cty.stockAxis": "Stock de COS (t C/ha, 0–30 cm)",
    "cty.year": "Année",
    "cty.scenarios": "Scénarios",
    "cty.scenario": "Scénario",
    "cty.final": "Stock en {year} (t C/ha)",
    "cty.difference": "Gain vs tendanciel (t C/ha)",
    "cty.rate": "Taux (t C/ha/an)",
    "cty.totalGain": "Gain total (Mt C)",
    "cty.stockT0": "Stock en {year}",
    "cty.observed": "Stocks mesurés au fil du temps",
    "cty.observedNone": "Aucun stock mesuré sur 0–30 cm (il faut le COS et la densité apparente sur 0–30 cm).",
    "cty.nSites": "Sites",
    "cty.mean": "Moyenne (t C/ha)",
    "cty.interval": "Intervalle à 95 %",
    "cty.sites": "Sites",
    "cty.sitesNone": "Aucun site enregistré dans ce pays.",
    "cty.site": "Site",
    "cty.landUse": "Usage des terres",
    "cty.nObs": "Observations",
    "cty.latest": "Dernier stock (t C/ha)",
    "cty.caveats": "Mises en garde",
    "cty.sources": "Sources",
    "cty.summary": "Résumé",
    "cty.observedSeries": "Moyenne mesurée",
    "cty.bau": "Tendanciel",
    "cty.ssm": "+{pct} % d’apports de carbone",
  },
  es: {
    "cty.back": "Mapa de seguimiento",
    "cty.region": "Región: {region}",
    "cty.synthetic": "Las cifras modeladas son datos de demostración SINTÉTICOS.",
    "cty.fan": "Stock de COS 0–30 cm en cada escenario (media e intervalo del 95 %)",
    "cty.stockAxis": "Stock de COS (t C/ha, 0–30 cm)",
    "cty.year": "Año",
    "cty.scenarios": "Escenarios",
    "cty.scenario": "Escenario",
    "cty.final": "Stock en {year} (t C/ha)",
    "cty.difference": "Ganancia vs tendencial (t C/ha)",
    "cty.rate": "Tasa (t C/ha/año)",
    "cty.totalGain": "Ganancia total (Mt C)",
    "cty.stockT0": "Stock en {year}",
    "cty.observed": "Stocks medidos a lo largo del tiempo",
    "cty.observedNone": "Aún no hay stock medido en 0–30 cm (se necesitan COS y densidad aparente en 0–30 cm).",
    "cty.nSites": "Sitios",
    "cty.mean": "Media (t C/ha)",
    "cty.interval": "Intervalo del 95 %",
    "cty.sites": "Sitios",
    "cty.sitesNone": "Ningún sitio registrado en este país.",
    "cty.site": "Sitio",
    "cty.landUse": "Uso del suelo",
    "cty.nObs": "Observaciones",
    "cty.latest": "Último stock (t C/ha)",
    "cty.caveats": "Advertencias",
    "cty.sources": "Fuentes",
    "cty.summary": "Resumen",
    "cty.observedSeries": "Media medida",
    "cty.bau": "Tendencial",
    "cty.ssm": "+{pct} % de aportes de carbono",
  },
};

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
  ctx.i18n.add(MESSAGES);
  const { t, el, fmt } = ctx;
  const iso3 = (params.iso3 || "").toUpperCase();
  const content = el("div", { class: "stack", id: "country-content" });
  root.append(content);
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
        el("td", {}, s.land_use),
        el("td", { class: "num" }, String(s.n_observations)),
        el("td", { class: "num" }, s.latest_stock_t_c_ha === null ? "–" : fmt.number(s.latest_stock_t_c_ha, 1)),
      ),
    );

    content.replaceChildren(
      ...present(
        el("p", {}, el("a", { href: `#/monitoring?region=${encodeURIComponent(data.region)}` }, `← ${t("cty.back")}`)),
        el("div", { class: "page-header" }, el("h1", { id: "country-name" }, data.name), exportsBox),
        el("p", { class: "muted" }, t("cty.region", { region: data.region })),
        data.synthetic ? el("p", { class: "notice" }, t("cty.synthetic")) : null,
        el("section", { class: "card", id: "country-sentences" }, el("h2", {}, t("cty.summary")), (data.sentences[ctx.lang] || data.sentences.en).map((s) => el("p", {}, s))),
        el(
          "div",
          { class: "grid" },
          el("div", { class: "card" }, el("h3", {}, t("cty.stockT0", { year: String(data.start_year) })), el("p", { id: "country-stock" }, `${fmt.number(t0.mean, 1)} t C/ha (${t("cty.interval")} ${fmt.range(t0.mean_low, t0.mean_high, 1)}) — ${fmt.number(t0.total, 0)} Mt C`)),
        ),
        el("h2", {}, t("cty.fan")),
        el("div", { class: "chart" }, fanCanvas),
        el("h2", {}, t("cty.scenarios")),
        table("country-scenarios", [t("cty.scenario"), t("cty.final", { year: String(data.final_year) }), t("cty.difference"), t("cty.rate"), t("cty.totalGain")], scenarioRows),
        el("h2", {}, t("cty.observed")),
        data.observed.length ? el("div", { class: "chart" }, observedCanvas) : el("p", { class: "muted" }, t("cty.observedNone")),
        data.observed.length ? table("country-observed-table", [t("cty.year"), t("cty.nSites"), t("cty.mean"), t("cty.interval")], observedRows) : null,
        el("h2", {}, t("cty.sites")),
        data.sites.length ? table("country-sites", [t("cty.site"), t("cty.landUse"), t("cty.nObs"), t("cty.latest")], siteRows) : el("p", { class: "muted" }, t("cty.sitesNone")),
        el("h2", {}, t("cty.caveats")),
        el("ul", { id: "country-caveats" }, data.caveats.map((c) => el("li", {}, c))),
        el("h2", {}, t("cty.sources")),
        el("ul", {}, data.sources.map((s) => el("li", {}, s))),
      ),
    );

    const datasets = [];
    for (const [key, s] of Object.entries(data.scenarios)) {
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
    chart(fanCanvas, {
      type: "line",
      data: { datasets },
      options: { animation: false, maintainAspectRatio: false, scales: axes(t("cty.stockAxis"), data.scenarios.bau.fan.map((p) => p.year)), plugins: { legend: legendFilter } },
    });
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
    ctx.exportLinks(exportsBox, {
      csv: `/monitoring/countries/${iso3}?format=csv&table=statistics`,
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
