// Monitoring page: a map of SOC stock or sequestration potential by country (Leaflet, the bundled country
// polygons on a plain background — no tiles from the internet), an uncertainty toggle, a legend with units,
// a region selector (global → region) and a click on a country → its page. Permalink:
// #/monitoring?layer=diff_ssm_20&show=uncertainty&region=Europe. Re-fetches on change events.

import { colon, countryName } from "../i18n.js";
import { showMeasuredSites } from "./monitoring_sites.js";

const LAYERS = ["soc_t0", "diff_ssm_20", "diff_ssm_10", "rate_ssm_20", "rate_bau"];
const REGIONS = ["Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"];
const COLOURS = ["#f6eedf", "#e6d3a8", "#cfae6e", "#a98545", "#7a5a2a", "#4f3a1a", "#2b1f0e"];
const UNCERTAINTY_COLOURS = ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"];
const NO_VALUE = "#d9d9d9";

let boundaries = null; // the GeoJSON, fetched once per session

function breaks(values, n) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return [];
  return Array.from({ length: n - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / n)]);
}

// "t C ha-1 yr-1" → "t C/ha/yr"
function pretty(unit) {
  return unit.replace(" ha-1", "/ha").replace(" yr-1", "/yr");
}

function binOf(value, edges) {
  let i = 0;
  while (i < edges.length && value >= edges[i]) i += 1;
  return i;
}

export async function render(root, params, ctx) {
  const { t, el, fmt } = ctx;
  const layer = LAYERS.includes(params.layer) ? params.layer : "soc_t0";
  const show = params.show === "uncertainty" ? "uncertainty" : "mean";
  const region = REGIONS.includes(params.region) ? params.region : "";

  const layerSelect = el("select", { id: "mon-layer" });
  const showSelect = el("select", { id: "mon-show" });
  const regionSelect = el("select", { id: "mon-region" });
  const exportsBox = el("div", { class: "export-links" });
  const summary = el("p", { id: "mon-summary", class: "card" });
  const status = el("div", { id: "mon-status" });
  const source = el("p", { id: "mon-source", class: "muted" });
  const caveat = el("p", { id: "mon-caveat", class: "muted" }); // what the modelled numbers are (e.g. the start year's map)
  const mapBox = el("div", { id: "mon-map", class: "map", role: "region", style: "background:#eaf1f6" });
  const countryList = el("div", { class: "table-wrap" });
  const countriesHeading = el("h2", {}, t("mon.countries"));
  const atlasBox = el("section", { class: "stack", id: "atlas-section" });
  root.append(
    el("div", { class: "page-header" }, el("h1", {}, t("mon.title")), exportsBox),
    el("p", { class: "muted" }, t("mon.intro")),
    status,
    el(
      "div",
      { class: "toolbar" },
      el("label", { class: "field" }, t("mon.layer"), layerSelect),
      el("label", { class: "field" }, t("mon.show"), showSelect),
      el("label", { class: "field" }, t("mon.region"), regionSelect),
    ),
    summary,
    mapBox,
    source,
    caveat,
    countriesHeading,
    countryList,
  );
  // the real atlas's pixel layers, point values and areas of interest (js/atlas/pixel-map.js), before the list
  root.insertBefore(atlasBox, countriesHeading);
  import("../atlas/pixel-map.js").then((m) => m.renderPixelMap(atlasBox, ctx));

  if (!boundaries) boundaries = await ctx.api("/monitoring/boundaries.geojson");
  if (typeof boundaries === "string") boundaries = JSON.parse(boundaries);
  const map = L.map(mapBox, { worldCopyJump: true, minZoom: 1, maxZoom: 7, zoomSnap: 0.5 }).setView([20, 10], 1.5);
  map.attributionControl.addAttribution(t("mon.attribution"));
  let shapes = null;
  let legend = null;

  // Without a zone dataset (the default on a fresh install) the map shows the measured stocks by country.
  async function loadMeasured(status_) {
    const measured = await ctx.api("/monitoring/measured");
    const items = measured.items.map((m) => ({
      zone: m.zone, name: countryName(m.zone, m.name), region: m.region, mean: m.mean_t_c_ha, mean_low: m.low_t_c_ha,
      mean_high: m.high_t_c_ha, sd_mean: (m.high_t_c_ha - m.low_t_c_ha) / 3.919928, n_sites: m.n_sites,
      latest_year: m.latest_year,
    }));
    return { measured: true, year: null, units: measured.units, items, source: measured.source, missing: status_.missing };
  }

  async function load() {
    const status_ = await ctx.api("/monitoring/global");
    if (!ctx.alive()) return;
    let countries, regions, world;
    if (status_.dataset === null) {
      countries = await loadMeasured(status_);
    } else {
      [countries, regions, world] = await Promise.all([
        ctx.api(`/monitoring/zones?level=country&layer=${layer}`),
        ctx.api(`/monitoring/zones?level=region&layer=${layer}`),
        ctx.api(`/monitoring/zones?level=global&layer=${layer}`),
      ]);
    }
    if (!ctx.alive()) return;
    const measured = Boolean(countries.measured);
    const demo = !measured && countries.dataset.synthetic;
    const tag = demo ? ` (${t("mon.demoLabel")})` : "";
    const year = countries.year;
    const label = measured ? t("mon.layer.measured") : t(`mon.layer.${layer}`);
    const unit = pretty(countries.units.mean);
    const totalUnit = measured ? "" : pretty(countries.units.total);
    status.replaceChildren(
      ...(measured
        ? [...countries.missing.map((m) => el("p", { class: "notice", "data-missing": m.variable }, m.message)), el("p", { class: "muted" }, t("mon.realOnly"))]
        : demo
          ? [el("p", { class: "notice", id: "mon-synthetic" }, t("mon.synthetic"))]
          : []),
    );
    source.textContent = t("mon.source", { source: measured ? countries.source : countries.dataset.source });
    caveat.textContent = measured || !countries.caveat ? "" : `${colon(t("cty.caveats"))} ${countries.caveat}`;
    layerSelect.disabled = measured;
    for (const [select, options, value] of [
      [layerSelect, measured ? [["measured", label]] : LAYERS.map((k) => [k, t(`mon.layer.${k}`)]), measured ? "measured" : layer],
      [showSelect, ["mean", "uncertainty"].map((k) => [k, t(`mon.show.${k}`)]), show],
      [regionSelect, [["", t("mon.world")], ...REGIONS.map((r) => [r, t(`opt.${r}`)])], region],
    ]) {
      select.replaceChildren(...options.map(([v, text]) => el("option", { value: v, selected: v === value }, text)));
    }
    mapBox.setAttribute("aria-label", t("mon.mapLabel", { layer: label }));

    const byIso = Object.fromEntries(countries.items.map((item) => [item.zone, item]));
    const key = show === "uncertainty" ? "sd_mean" : "mean";
    const edges = [...new Set(breaks(countries.items.map((item) => item[key]), COLOURS.length))];
    const palette = (show === "uncertainty" ? UNCERTAINTY_COLOURS : COLOURS).slice(0, edges.length + 1);
    const noValue = measured ? t("mon.noMeasured") : t("mon.noValue");
    const colourOf = (item) => (item && Number.isFinite(item[key]) ? palette[binOf(item[key], edges)] : NO_VALUE);
    const describe = (item, name) =>
      item && item.mean !== null
        ? `${name}: ${fmt.number(item.mean, 2)} ± ${fmt.number(item.sd_mean, 2)} ${unit} (${t("mon.interval")} ${fmt.range(item.mean_low, item.mean_high, 2)})${tag}`
        : `${name}: ${noValue}`;

    if (shapes) shapes.remove();
    shapes = L.geoJSON(boundaries, {
      style: (feature) => {
        const iso3 = feature.properties.iso3;
        const dim = region && feature.properties.region !== region;
        return {
          className: `country country-${iso3 || "none"}`,
          color: "#6b6b6b",
          weight: 0.5,
          fillColor: colourOf(byIso[iso3]),
          fillOpacity: dim ? 0.25 : 0.9,
        };
      },
      onEachFeature: (feature, path) => {
        const iso3 = feature.properties.iso3;
        path.bindTooltip(describe(byIso[iso3], countryName(iso3, feature.properties.name)), { sticky: true });
        if (iso3 && (measured || byIso[iso3])) path.on("click", () => ctx.navigate("country", { iso3 }));
      },
    }).addTo(map);
    if (region) {
      const bounds = L.geoJSON({ ...boundaries, features: boundaries.features.filter((f) => f.properties.region === region) }).getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 4 });
    }

    if (legend) legend.remove();
    legend = L.control({ position: "bottomleft" });
    legend.onAdd = () => {
      const ranges = (edges.length ? palette : []).map((colour, i) => {
        const lo = i === 0 ? null : edges[i - 1];
        const hi = i === edges.length ? null : edges[i];
        const text = lo === null ? `< ${fmt.number(hi, 2)}` : hi === null ? `≥ ${fmt.number(lo, 2)}` : fmt.range(lo, hi, 2);
        return el("div", {}, el("span", { style: `display:inline-block;width:1em;height:1em;background:${colour};margin-right:.4em;vertical-align:middle` }), text);
      });
      return el(
        "div",
        { class: "legend", id: "mon-legend" },
        el("strong", {}, `${label} — ${t(`mon.show.${show}`)}${tag}`),
        el("div", { class: "muted" }, unit),
        ranges,
        el("div", {}, el("span", { style: `display:inline-block;width:1em;height:1em;background:${NO_VALUE};margin-right:.4em` }), noValue),
      );
    };
    legend.addTo(map);
    await showMeasuredSites(map, ctx);

    const rows = countries.items
      .filter((item) => (!region || item.region === region) && item.mean !== null)
      .sort((a, b) => countryName(a.zone, a.name).localeCompare(countryName(b.zone, b.name)));
    if (measured) {
      const sites = rows.reduce((n, item) => n + item.n_sites, 0);
      const mean = rows.length ? rows.reduce((s, item) => s + item.mean, 0) / rows.length : null;
      summary.textContent = rows.length
        ? `${colon(region ? t(`opt.${region}`) : t("mon.world"))} ${ctx.tn("mon.summaryMeasured", rows.length, { sites, mean: fmt.number(mean, 1) })}`
        : `${colon(region ? t(`opt.${region}`) : t("mon.world"))} ${t("mon.noneMeasured")}`;
      countryList.replaceChildren(
        el(
          "table",
          { class: "data", id: "mon-countries" },
          el("thead", {}, el("tr", {}, [t("mon.country"), t("mon.region"), t("mon.sites"), `${t("mon.mean")} (${unit})`, t("mon.interval"), t("mon.latestYear")].map((h) => el("th", {}, h)))),
          el(
            "tbody",
            {},
            rows.map((item) =>
              el(
                "tr",
                { "data-iso3": item.zone },
                el("td", {}, el("a", { href: `#/country?iso3=${item.zone}` }, countryName(item.zone, item.name))),
                el("td", {}, item.region ? t(`opt.${item.region}`) : "–"),
                el("td", { class: "num" }, String(item.n_sites)),
                el("td", { class: "num" }, fmt.number(item.mean, 1)),
                el("td", { class: "num" }, fmt.range(item.mean_low, item.mean_high, 1)),
                el("td", { class: "num" }, item.latest_year === null ? "–" : String(item.latest_year)),
              ),
            ),
          ),
        ),
      );
      ctx.exportLinks(exportsBox, { csv: "/monitoring/measured?format=csv" });
      return;
    }
    const zone = region ? regions.items.find((r) => r.zone === region) : world.items[0];
    summary.textContent = t("mon.summary", {
      name: region ? t(`opt.${region}`) : t("mon.world"),
      year: String(year),
      mean: fmt.number(zone.mean, 2),
      unit,
      range: fmt.range(zone.mean_low, zone.mean_high, 2),
      total: fmt.number(zone.total, 0),
      totalUnit,
    }) + tag;
    countryList.replaceChildren(
      el(
        "table",
        { class: "data", id: "mon-countries" },
        el("thead", {}, el("tr", {}, [t("mon.country"), t("mon.region"), `${t("mon.mean")} (${unit})${tag}`, t("mon.interval"), `${t("mon.total")} (${totalUnit})${tag}`].map((h) => el("th", {}, h)))),
        el(
          "tbody",
          {},
          rows.map((item) =>
            el(
              "tr",
              { "data-iso3": item.zone },
              el("td", {}, el("a", { href: `#/country?iso3=${item.zone}` }, countryName(item.zone, item.name))),
              el("td", {}, item.region ? t(`opt.${item.region}`) : "–"),
              el("td", { class: "num" }, fmt.number(item.mean, 2)),
              el("td", { class: "num" }, fmt.range(item.mean_low, item.mean_high, 2)),
              el("td", { class: "num" }, fmt.number(item.total, 1)),
            ),
          ),
        ),
      ),
    );
    ctx.exportLinks(exportsBox, {
      csv: `/monitoring/zones?level=country&layer=${layer}&format=csv`,
      geojson: `/monitoring/zones.geojson?layer=${layer}`,
    });
  }

  layerSelect.addEventListener("change", () => ctx.navigate("monitoring", { ...ctx.params(), layer: layerSelect.value }));
  showSelect.addEventListener("change", () => ctx.navigate("monitoring", { ...ctx.params(), show: showSelect.value }));
  regionSelect.addEventListener("change", () => ctx.navigate("monitoring", { ...ctx.params(), region: regionSelect.value }));
  await load();
  ctx.onChange(() => load());
  return () => map.remove();
}
