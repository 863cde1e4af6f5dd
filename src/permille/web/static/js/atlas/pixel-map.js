// Pixel map of the real atlas: a layer switch (stock, uncertainty, potential per scenario, debt, land cover,
// soil class, climate zone, clay) drawn as server-rendered PNG overlays (GET /api/atlas/layers/<name>.png,
// no external tiles) with a legend and units; a click gives the values of every layer there with sources
// (GET /api/atlas/point); an area of interest, drawn (click the vertices, then "Finish") or uploaded as
// GeoJSON, gives the same statistics as a country (POST /api/atlas/area), downloadable as CSV or GeoJSON.

import { saveBlob } from "../api.js";
import { sourceText } from "../dom.js";
import { figuresTable } from "./figures.js";
import { colon } from "../i18n.js";

// a layer's title and a class label in the page's language (the server's English as the fallback)
const title = (t, name, fallback) => {
  const text = t(`atl.layer.${name}`);
  return text === `atl.layer.${name}` ? fallback : text;
};
const classLabel = (t, label) => {
  const text = t(`atl.class.${label}`);
  return text === `atl.class.${label}` ? label : text;
};

const pretty = (units) => units.replace("t C ha-1", "t C/ha").replace("class", "");

// renderPixelMap(container, ctx, {bbox, area}) → the map; bbox [w, s, e, n] zooms on a country; area: show the
// area-of-interest tools.
export async function renderPixelMap(container, ctx, { bbox = null, area = true, id = "atlas" } = {}) {
  const { t, el, fmt } = ctx;
  const layers = (await ctx.api("/atlas/layers")).items;
  if (!ctx.alive()) return;
  const select = el("select", { id: `${id}-layer` }, layers.map((l) => el("option", { value: l.name }, title(t, l.name, l.title))));
  const legendBox = el("div", { class: "legend", id: `${id}-legend` });
  const mapBox = el("div", { id: `${id}-map`, class: "map", role: "region", "aria-label": t("atl.map"), style: "background:#eaf1f6" });
  const pointBox = el("div", { id: `${id}-point`, class: "table-wrap" });
  const areaBox = el("div", { id: `${id}-area-result` });
  const areaStatus = el("p", { id: `${id}-area-status`, class: "muted", role: "status" });
  container.append(
    el("h2", {}, t("atl.map")),
    el("div", { class: "toolbar" }, el("label", { class: "field" }, t("atl.layer"), select)),
    legendBox,
    mapBox,
    el("p", { class: "muted" }, t("atl.click")),
    pointBox,
  );
  const map = L.map(mapBox, { minZoom: 1, maxZoom: 9, zoomSnap: 0.5 });
  if (bbox) map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
  else map.setView([20, 10], 1.5);
  map.attributionControl.addAttribution(t("atl.attribution"));
  let overlay = null;

  function showLegend(layer) {
    const items = layer.classes.length
      ? layer.classes.map((c) => el("span", { class: "legend-item" }, el("span", { class: "swatch", style: `display:inline-block;width:0.9em;height:0.9em;background:${c.colour}` }), ` ${classLabel(t, c.label)} `))
      : layer.stops.map((s) => el("span", { class: "legend-item" }, el("span", { class: "swatch", style: `display:inline-block;width:0.9em;height:0.9em;background:${s.colour}` }), ` ${fmt.number(s.value)} `));
    legendBox.replaceChildren(
      el("strong", {}, `${colon(`${title(t, layer.name, layer.title)}${layer.units === "class" ? "" : ` (${pretty(layer.units)})`}`)} `),
      ...items,
      el("p", { class: "muted source" }, `${colon(t("atl.source"))} `, sourceText(layer.source)),
    );
  }

  function draw() {
    const layer = layers.find((l) => l.name === select.value);
    showLegend(layer);
    const query = bbox ? `?bbox=${bbox.map((v) => v.toFixed(4)).join(",")}` : "";
    const url = `/api/atlas/layers/${layer.name}.png${query}`;
    fetch(url).then((response) => {
      const bounds = (response.headers.get("X-Bounds") || "-180,-90,180,90").split(",").map(Number);
      return response.blob().then((blob) => {
        if (!ctx.alive()) return;
        if (overlay) overlay.remove();
        overlay = L.imageOverlay(URL.createObjectURL(blob), [[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { opacity: 0.9 }).addTo(map);
        mapBox.dataset.layer = layer.name;
        mapBox.dataset.ready = "1";
      });
    });
  }
  select.addEventListener("change", draw);
  draw();

  let drawing = null;
  map.on("click", async (event) => {
    if (drawing) {
      drawing.points.push(event.latlng);
      drawing.line.setLatLngs(drawing.points);
      return;
    }
    const { lat, lng } = event.latlng;
    const answer = await ctx.api(`/atlas/point?lat=${lat.toFixed(4)}&lon=${(((lng + 180) % 360 + 360) % 360 - 180).toFixed(4)}`);
    if (!ctx.alive()) return;
    pointBox.replaceChildren(
      el("h3", {}, t("atl.point", { lat: lat.toFixed(3), lon: lng.toFixed(3) })),
      el("table", { class: "data", id: `${id}-point-table` },
        el("thead", {}, el("tr", {}, el("th", {}, t("atl.layer")), el("th", {}, t("atl.value")), el("th", {}, t("atl.source")))),
        el("tbody", {}, answer.values.map((v) => el("tr", { "data-layer": v.layer },
          el("td", {}, title(t, v.layer, v.title)),
          el("td", { class: "num" }, v.value === null ? t("atl.none") : v.label !== null ? classLabel(t, v.label) : `${fmt.number(v.value, 1)} ${pretty(v.units)}`),
          el("td", { class: "muted" }, sourceText(v.source)))))),
    );
  });

  if (!area) return map;
  // --- area of interest
  const fileInput = el("input", { type: "file", accept: ".json,.geojson,application/geo+json", id: `${id}-area-file` });
  const drawButton = el("button", { type: "button", id: `${id}-area-draw` }, t("atl.draw"));
  const finishButton = el("button", { type: "button", id: `${id}-area-finish`, disabled: true }, t("atl.finish"));
  const clearButton = el("button", { type: "button", id: `${id}-area-clear` }, t("atl.clear"));
  container.append(
    el("h2", {}, t("atl.area")),
    el("p", { class: "muted" }, t("atl.areaHelp")),
    el("div", { class: "toolbar" }, drawButton, finishButton, clearButton, el("label", { class: "field" }, t("atl.upload"), fileInput)),
    areaStatus,
    areaBox,
  );
  let shape = null;

  function clear() {
    if (drawing) drawing.line.remove();
    if (shape) shape.remove();
    drawing = null;
    shape = null;
    finishButton.disabled = true;
    areaBox.replaceChildren();
    areaStatus.textContent = "";
  }

  async function compute(geojson) {
    areaStatus.textContent = t("atl.computing");
    areaBox.replaceChildren();
    try {
      const answer = await ctx.api("/atlas/area", { body: geojson });
      if (!ctx.alive()) return;
      areaStatus.textContent = "";
      const download = (format, name) => el("button", {
        type: "button", id: `${id}-area-${format}`,
        onclick: async () => {
          const response = await fetch(`/api/atlas/area?format=${format}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(geojson) });
          saveBlob(name, await response.blob());
        },
      }, t(`atl.${format}`));
      areaBox.replaceChildren(
        el("div", { class: "export-links" }, download("csv", "area_statistics.csv"), download("geojson", "area_statistics.geojson")),
        figuresTable(answer, ctx, `${id}-area`),
      );
    } catch (error) {
      areaStatus.textContent = error.message;
      areaStatus.dataset.error = "1";
    }
  }

  drawButton.addEventListener("click", () => {
    clear();
    drawing = { points: [], line: L.polyline([], { color: "#d62728" }).addTo(map) };
    finishButton.disabled = false;
  });
  finishButton.addEventListener("click", () => {
    if (!drawing || drawing.points.length < 3) {
      areaStatus.textContent = t("atl.needThree");
      return;
    }
    const ring = drawing.points.map((p) => [p.lng, p.lat]);
    ring.push(ring[0]);
    drawing.line.remove();
    shape = L.polygon(drawing.points, { color: "#d62728", fill: false }).addTo(map);
    drawing = null;
    finishButton.disabled = true;
    compute({ type: "Polygon", coordinates: [ring] });
  });
  clearButton.addEventListener("click", clear);
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    clear();
    let geojson;
    try {
      geojson = JSON.parse(await file.text());
    } catch (error) {
      areaStatus.textContent = t("atl.badFile", { error: error.message });
      return;
    }
    try {
      shape = L.geoJSON(geojson, { style: { color: "#d62728", fill: false } }).addTo(map);
      map.fitBounds(shape.getBounds());
    } catch {
      // the server names what is wrong with the geometry
    }
    compute(geojson);
  });
  return map;
}
