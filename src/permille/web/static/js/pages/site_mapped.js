// Site page, "measured vs mapped" section: the site's latest measured stock (0–30 cm; converted from a
// shallower measurement where the answer says so) beside the mapped 0–30 cm stock of its pixel, with the
// difference and both uncertainties; "no mapped layer" when the layer is not bundled.

const MESSAGES = {
  en: {
    "smap.title": "Measured vs mapped stock (0–30 cm)",
    "smap.measured": "Latest measured stock ({date})",
    "smap.converted": "converted from {depth} cm: {stock} t C/ha measured",
    "smap.mapped": "Mapped stock of the site's pixel ({year})",
    "smap.difference": "Measured − mapped",
    "smap.ratio": "Measured / mapped",
    "smap.noMeasured": "No measured stock at this site yet.",
    "smap.noLayer": "No mapped layer: the Sanderman et al. (2017) SOC stock layer (0–30 cm) is not bundled in this installation.",
    "smap.noValue": "The mapped layer has no value at this site.",
    "smap.source": "Source: {source}",
    "smap.sd": "± {sd} (1 SD)",
  },
  fr: {
    "smap.title": "Stock mesuré vs cartographié (0–30 cm)",
    "smap.measured": "Dernier stock mesuré ({date})",
    "smap.converted": "converti depuis {depth} cm : {stock} t C/ha mesurés",
    "smap.mapped": "Stock cartographié du pixel du site ({year})",
    "smap.difference": "Mesuré − cartographié",
    "smap.ratio": "Mesuré / cartographié",
    "smap.noMeasured": "Pas encore de stock mesuré sur ce site.",
    "smap.noLayer": "Pas de couche cartographiée : la couche de stock de COS de Sanderman et al. (2017) (0–30 cm) n’est pas fournie dans cette installation.",
    "smap.noValue": "La couche cartographiée n’a pas de valeur sur ce site.",
    "smap.source": "Source : {source}",
    "smap.sd": "± {sd} (1 écart-type)",
  },
  es: {
    "smap.title": "Stock medido vs cartografiado (0–30 cm)",
    "smap.measured": "Último stock medido ({date})",
    "smap.converted": "convertido desde {depth} cm: {stock} t C/ha medidos",
    "smap.mapped": "Stock cartografiado del píxel del sitio ({year})",
    "smap.difference": "Medido − cartografiado",
    "smap.ratio": "Medido / cartografiado",
    "smap.noMeasured": "Aún no hay stock medido en este sitio.",
    "smap.noLayer": "No hay capa cartografiada: la capa de stock de COS de Sanderman et al. (2017) (0–30 cm) no está incluida en esta instalación.",
    "smap.noValue": "La capa cartografiada no tiene valor en este sitio.",
    "smap.source": "Fuente: {source}",
    "smap.sd": "± {sd} (1 DE)",
  },
};

// Appends the section for the site answer `data` (GET /monitoring/sites/{id}) to `container`.
export function appendMappedComparison(container, data, ctx) {
  ctx.i18n.add(MESSAGES);
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
    lines.push(el("p", { id: "site-map-measured" }, `${t("smap.measured", { date: latest.date ? fmt.date(latest.date) : "–" })}: ${measuredText}${converted}`));
  } else {
    lines.push(el("p", { class: "muted", id: "site-map-measured" }, t("smap.noMeasured")));
  }
  if (!mapped.source) {
    lines.push(el("p", { class: "notice", id: "site-map-none" }, t("smap.noLayer")));
  } else if (!mapped.available) {
    lines.push(el("p", { class: "muted", id: "site-map-none" }, t("smap.noValue")));
  } else {
    lines.push(el("p", { id: "site-map-mapped" }, `${t("smap.mapped", { year: String(mapped.year) })}: ${stock(mapped.stock_t_c_ha, mapped.sd_t_c_ha)}`));
    const c = data.comparison;
    if (c) {
      lines.push(
        el("p", { id: "site-map-difference" }, `${t("smap.difference")}: ${stock(c.difference_t_c_ha, c.difference_sd_t_c_ha)}; ${t("smap.ratio")}: ${fmt.number(c.ratio, 2)}`),
      );
    }
    lines.push(el("p", { class: "small muted" }, mapped.caveat), el("p", { class: "small muted" }, mapped.uncertainty));
    lines.push(el("p", { class: "muted source" }, t("smap.source", { source: mapped.source })));
  }
  container.querySelector("#site-mapped")?.remove();
  container.append(el("section", { class: "card", id: "site-mapped" }, el("h2", {}, t("smap.title")), lines));
}
