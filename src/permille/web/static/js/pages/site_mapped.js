// Site page, "measured vs mapped" section: the site's latest measured stock (0–30 cm; converted from a
// shallower measurement where the answer says so) beside the mapped 0–30 cm stock of its pixel, with the
// difference and both uncertainties; "no mapped layer" when the layer is not bundled.

import { fillNodes, sourceText } from "../dom.js";
import { colon } from "../i18n.js";

// Appends the section for the site answer `data` (GET /monitoring/sites/{id}) to `container`.
export function appendMappedComparison(container, data, ctx) {
  const { t, el, fmt } = ctx;
  const stock = (value, sd) => `${fmt.number(value, 1)} t C/ha${sd === null || sd === undefined ? "" : ` ${t("smap.sd", { sd: fmt.number(sd, 1) })}`}`;
  const latest = data.measured.length ? data.measured[data.measured.length - 1] : null;
  const mapped = data.mapped;
  const lines = [];
  if (latest) {
    const measuredText = stock(latest.stock_t_c_ha, latest.sd_t_c_ha);
    const converted = latest.converted
      ? ` — ${t("smap.converted", { depth: `${fmt.number(latest.measured_depth_cm[0], 0)}–${fmt.number(latest.measured_depth_cm[1], 0)}`, stock: fmt.number(latest.measured_stock_t_c_ha, 1) })}`
      : "";
    lines.push(el("p", { id: "site-map-measured" }, `${colon(t("smap.measured", { date: latest.date ? fmt.date(latest.date) : "–" }))} ${measuredText}${converted}`));
  } else {
    lines.push(el("p", { class: "muted", id: "site-map-measured" }, t("smap.noMeasured")));
  }
  if (!mapped.source) {
    lines.push(el("p", { class: "notice", id: "site-map-none" }, t("smap.noLayer")));
  } else if (!mapped.available) {
    lines.push(el("p", { class: "muted", id: "site-map-none" }, t("smap.noValue")));
  } else {
    lines.push(el("p", { id: "site-map-mapped" }, `${colon(t("smap.mapped", { year: String(mapped.year) }))} ${stock(mapped.stock_t_c_ha, mapped.sd_t_c_ha)}`));
    const c = data.comparison;
    if (c) {
      lines.push(
        el("p", { id: "site-map-difference" }, `${colon(t("smap.difference"))} ${stock(c.difference_t_c_ha, c.difference_sd_t_c_ha)}; ${colon(t("smap.ratio"))} ${fmt.number(c.ratio, 2)}`),
      );
    }
    lines.push(el("p", { class: "small muted" }, mapped.caveat), el("p", { class: "small muted" }, mapped.uncertainty));
    lines.push(el("p", { class: "muted source" }, fillNodes(t, "smap.source", "source", sourceText(mapped.source))));
  }
  container.querySelector("#site-mapped")?.remove();
  container.append(el("section", { class: "card", id: "site-mapped" }, el("h2", {}, t("smap.title")), lines));
}
