// Site page: observations by depth and date, measured 0–30 cm stocks against a RothC nowcast with its
// 95 % band, and the practices timeline of nearby projects. Permalink: #/site?id=3. Updates without
// reload on change events of its country.

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
    "site.nowcastNone": "No nowcast: the site has no dated 0–30 cm stock (SOC and bulk density) yet.",
    "site.nowcastNote": "{model}. Climate: {climate}. Clay {clay} % ({claySource}). Band: {interval}.",
    "site.stockAxis": "SOC stock (t C/ha, 0–30 cm)",
    "site.year": "Year",
    "site.nowcastSeries": "RothC nowcast",
    "site.measuredSeries": "Measured",
    "site.practices": "Practices timeline (projects within 25 km)",
    "site.practicesNone": "No project near this site.",
    "site.since": "since {year}",
    "site.undated": "start not given",
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
    "site.nowcastNone": "Pas d’estimation : le site n’a pas encore de stock daté sur 0–30 cm (COS et densité apparente).",
    "site.nowcastNote": "{model}. Climat : {climate}. Argile {clay} % ({claySource}). Bande : {interval}.",
    "site.stockAxis": "Stock de COS (t C/ha, 0–30 cm)",
    "site.year": "Année",
    "site.nowcastSeries": "Estimation RothC",
    "site.measuredSeries": "Mesuré",
    "site.practices": "Chronologie des pratiques (projets à moins de 25 km)",
    "site.practicesNone": "Aucun projet près de ce site.",
    "site.since": "depuis {year}",
    "site.undated": "début non précisé",
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
    "site.nowcastNone": "Sin estimación: el sitio aún no tiene un stock fechado en 0–30 cm (COS y densidad aparente).",
    "site.nowcastNote": "{model}. Clima: {climate}. Arcilla {clay} % ({claySource}). Banda: {interval}.",
    "site.stockAxis": "Stock de COS (t C/ha, 0–30 cm)",
    "site.year": "Año",
    "site.nowcastSeries": "Estimación RothC",
    "site.measuredSeries": "Medido",
    "site.practices": "Cronología de prácticas (proyectos a menos de 25 km)",
    "site.practicesNone": "Ningún proyecto cerca de este sitio.",
    "site.since": "desde {year}",
    "site.undated": "inicio no indicado",
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

export async function render(root, params, ctx) {
  ctx.i18n.add(MESSAGES);
  const { t, el, fmt } = ctx;
  const id = Number.parseInt(params.id, 10);
  const content = el("div", { class: "stack", id: "site-content" });
  root.append(content);
  let chart = null;
  let country = null;

  async function load() {
    const data = await ctx.api(`/monitoring/sites/${id}`);
    if (!ctx.alive()) return;
    country = data.country_iso3;
    if (chart) chart.destroy();
    chart = null;
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
        el("td", {}, o.unit),
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
          : el("p", { class: "muted" }, t("site.nowcastNone")),
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
  return () => chart && chart.destroy();
}
