// The toolkit's site picker: a point picked on a map (the platform's own country outlines, no tile server) or
// typed, and the calculator's fields filled from the bundled layers (GET /api/toolkit/site-inputs): monthly
// climate, IPCC climate zone, SOC stock, clay, soil class, land cover — each with its source line shown
// beside the field it filled; every field stays editable, and an edited one says so.
//
//   const picker = sitePicker(ctx, { targets, onFill })
//     targets(): [{value, label}] the places a fill may go (the balance's areas), or null for one place
//     onFill(answer, target) → [[control, fieldName], …] the controls it set; their source lines are shown
//   picker.element, picker.destroy()

import { fillNodes, sourceText } from "../dom.js";
import { addOutline, formatNumber, parseNumber } from "../forms.js";
import { language, t } from "../i18n.js";

const COVER_WORDS = {
  en: { cropland: "cropland", grassland: "grassland", forest: "forest", other: "other land" },
  fr: { cropland: "terres cultivées", grassland: "prairie", forest: "forêt", other: "autres terres" },
  es: { cropland: "cultivos", grassland: "pastizal", forest: "bosque", other: "otras tierras" },
};

// The source line of a filled field, in the field's box under it; an edit of the field rewords it.
export function showSource(ctx, control, field) {
  const wrapper = control.closest(".field, label, fieldset") || control;
  const id = `${control.id || control.name}-source`;
  document.getElementById(id)?.remove();
  const shown = Array.isArray(field.value) ? field.value.map((v) => formatNumber(v)).join(" ; ") : formatNumber(field.value);
  const cell = field.cell_deg ? ` (${t("site.cell", { size: formatNumber(Number(field.cell_deg.toFixed(3))) })})` : "";
  const note = ctx.el("p", { class: "muted small tk-source", id, "data-source-for": control.name || control.id }, fillNodes(t, "site.fieldSource", "source", [...sourceText(field.source), cell]));
  if (wrapper === control) control.after(note);
  else wrapper.append(note); // inside the field's box: a grid of fields keeps its columns
  const edited = () => {
    note.replaceChildren(...fillNodes(t, "site.edited", "source", sourceText(field.source), { value: shown }));
    note.dataset.edited = "true";
  };
  control.addEventListener("input", edited, { once: true });
  return note;
}

export function sitePicker(ctx, { targets, onFill }) {
  const { el } = ctx;
  const lat = el("input", { id: "site-lat", name: "site-lat", type: "text", inputmode: "decimal", autocomplete: "off" });
  const lon = el("input", { id: "site-lon", name: "site-lon", type: "text", inputmode: "decimal", autocomplete: "off" });
  const target = el("select", { id: "site-target", name: "site-target" });
  const targetField = el("label", { class: "field", for: target.id, hidden: true }, t("site.target"), target);
  const fill = el("button", { type: "button", class: "btn", "data-action": "site-fill" }, t("site.fill"));
  const status = el("div", { class: "muted small", role: "status", "aria-live": "polite", "data-site-status": "" });
  const box = el("div", { class: "map tk-site-map", role: "application", "aria-label": t("site.intro") });
  const element = el(
    "section",
    { class: "stack tk-site", "aria-labelledby": "site-title" },
    el("h2", { id: "site-title" }, t("site.title")),
    el("p", { class: "muted" }, t("site.intro")),
    el(
      "div",
      { class: "grid" },
      el("label", { class: "field", for: lat.id }, t("site.lat"), lat),
      el("label", { class: "field", for: lon.id }, t("site.lon"), lon),
      targetField,
    ),
    box,
    el("div", { class: "actions" }, fill),
    status,
  );

  const refreshTargets = () => {
    const list = targets ? targets() : null;
    targetField.hidden = !list;
    if (!list) return;
    const current = target.value;
    target.replaceChildren(...list.map((o) => el("option", { value: o.value }, o.label)));
    if (list.some((o) => o.value === current)) target.value = current;
  };

  let map = null;
  let marker = null;
  const point = () => {
    const y = parseNumber(lat.value).value;
    const x = parseNumber(lon.value).value;
    return typeof x === "number" && typeof y === "number" ? { lat: y, lon: x } : null;
  };
  const place = () => {
    const p = point();
    if (!map || !p || Math.abs(p.lat) > 90 || Math.abs(p.lon) > 180) return;
    if (!marker) marker = window.L.circleMarker([p.lat, p.lon], { radius: 7, color: "#5b3a1e", weight: 2 }).addTo(map);
    else marker.setLatLng([p.lat, p.lon]);
  };
  if (typeof window.L !== "undefined") {
    map = window.L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 10 }).setView([20, 10], 1);
    map.on("click", (event) => {
      const x = ((((event.latlng.lng + 180) % 360) + 360) % 360) - 180;
      lat.value = formatNumber(Number(event.latlng.lat.toFixed(4)));
      lon.value = formatNumber(Number(x.toFixed(4)));
      place();
    });
    addOutline(map);
    setTimeout(() => map.invalidateSize(), 0);
  } else {
    box.hidden = true;
  }
  lat.addEventListener("change", place);
  lon.addEventListener("change", place);
  element.addEventListener("focusin", refreshTargets);
  element.addEventListener("pointerenter", refreshTargets);

  fill.addEventListener("click", async () => {
    refreshTargets();
    const p = point();
    status.className = "muted small";
    if (!p) {
      status.className = "error";
      status.textContent = t("site.noPoint");
      return;
    }
    status.textContent = t("site.filling");
    fill.disabled = true;
    try {
      const answer = await ctx.api(`/toolkit/site-inputs?lat=${p.lat}&lon=${p.lon}`);
      if (!ctx.alive()) return;
      const done = onFill(answer, target.value) || [];
      const names = [...new Set(done.map(([, name]) => t(`site.field.${name}`)))];
      const lines = [el("p", {}, t("site.filled", { lat: formatNumber(p.lat), lon: formatNumber(p.lon), fields: names.join(", ") }))];
      const cover = answer.fields.land_cover;
      if (cover) lines.push(el("p", {}, t("site.landCover", { cover: (COVER_WORDS[language()] || COVER_WORDS.en)[cover.value] || cover.value, igbp: cover.igbp })));
      if (answer.fields.soil_class?.value === "organic") lines.push(el("p", { class: "notice" }, t("site.organic")));
      if (answer.missing.length) lines.push(el("p", {}, t("site.missing", { fields: answer.missing.map((m) => t(`site.field.${m.field}`)).join(", ") })));
      status.replaceChildren(...lines);
      status.dataset.filled = String(done.length);
    } catch (error) {
      status.className = "error";
      const where = error.details?.[0]?.loc?.[0];
      status.textContent = where === "location" ? t("site.outsideLand") : where === "latitude" || where === "longitude" ? t("site.outOfRange") : error.message;
    } finally {
      fill.disabled = false;
    }
  });
  refreshTargets();
  return {
    element,
    refreshTargets,
    destroy() {
      map?.remove();
    },
  };
}
