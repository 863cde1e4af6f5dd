// Monitoring map, measured sites: every site with a measured stock as a point (circle marker) with its
// latest 0–30 cm stock — marked "converted" where it comes from a shallower measurement (Rothamsted:
// 0–23 cm) — a tooltip with the measured depth and stock, and a click → the site page.

const layers = new WeakMap();

// Draws (or redraws) the measured sites on the Leaflet `map`.
export async function showMeasuredSites(map, ctx) {
  const { t, el, fmt } = ctx;
  let sites = await ctx.api("/monitoring/sites.geojson");
  if (typeof sites === "string") sites = JSON.parse(sites);
  if (!ctx.alive()) return;
  const previous = layers.get(map);
  if (previous) previous.forEach((layer) => layer.remove());
  const group = L.geoJSON(sites, {
    pointToLayer: (feature, latlng) => {
      const p = feature.properties;
      return L.circleMarker(latlng, {
        radius: 6,
        color: "#ffffff",
        weight: 1.5,
        fillColor: p.converted ? "#c05a00" : "#1a5fb4",
        fillOpacity: 0.95,
        className: `measured-site measured-site-${p.id} ${p.converted ? "converted" : ""}`,
      });
    },
    onEachFeature: (feature, marker) => {
      const p = feature.properties;
      let text = t("msites.tooltip", { name: p.name, date: p.date ? fmt.date(p.date) : "–", stock: fmt.number(p.stock_t_c_ha, 1), sd: fmt.number(p.sd_t_c_ha, 1) });
      if (p.converted) text += ` — ${t("msites.converted", { stock: fmt.number(p.measured_stock_t_c_ha, 1), depth: `${fmt.number(p.measured_depth_cm[0], 0)}–${fmt.number(p.measured_depth_cm[1], 0)}` })}`;
      marker.bindTooltip(text);
      marker.on("click", () => ctx.navigate("site", { id: String(p.id) }));
    },
  }).addTo(map);
  // a phone's map is too narrow for two legends along its bottom: this one goes to the top right
  const legend = L.control({ position: window.matchMedia("(max-width: 640px)").matches ? "topright" : "bottomright" });
  const dot = (colour) => el("span", { style: `display:inline-block;width:.8em;height:.8em;border-radius:50%;background:${colour};margin-right:.4em;vertical-align:middle` });
  legend.onAdd = () =>
    el(
      "div",
      { class: "legend", id: "mon-sites-legend" },
      el("strong", {}, `${t("msites.label")} (${sites.features.length})`),
      el("div", {}, dot("#1a5fb4"), t("msites.legend")),
      el("div", {}, dot("#c05a00"), t("msites.legendConverted")),
    );
  legend.addTo(map);
  layers.set(map, [group, legend]);
}
