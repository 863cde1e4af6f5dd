// #/twins: the twin-regions pilot (objective F1). A map of the pairs (the two municipalities joined by a
// line, on the platform's own boundaries) and each pair with its actions and exchanges and whether KPI F1
// counts it; a pair not published (shown to its organisation and the Secretariat only) is marked so. The
// Secretariat, and members or partners of the organisation of one of the two municipalities, record an
// action or exchange.
import { field, form, notice, t } from "../accounts-ui.js";
import { countryName, demoBadge, worldBoundaries } from "../community-ui.js";

export async function render(root, _params, ctx) {
  const { el } = ctx;
  const pairs = await ctx.api("/twins");
  const mapBox = el("div", { class: "map twins-map", role: "img", "aria-label": t("tw.map") });
  root.append(el("h1", { tabindex: "-1" }, t("tw.title")), el("p", {}, t("tw.intro")), mapBox);
  const list = el("ul", { class: "stack twins-list" });
  for (const pair of pairs) list.append(pairCard(ctx, pair));
  root.append(pairs.length ? list : el("p", { class: "muted" }, t("tw.none")));
  const map = await drawMap(ctx, mapBox, pairs);
  return () => map?.remove();
}

function place(ctx, m) {
  return `${m.name} (${countryName(m.country, m.country_iso3, ctx.lang)})`;
}

function pairCard(ctx, pair) {
  const { el } = ctx;
  const [a, b] = pair.municipalities;
  const status = el("div", { role: "status", "aria-live": "polite" });
  const activities = el("ul", { class: "stack activities" });
  const fill = (rows) => activities.replaceChildren(...(rows.length ? rows.map((x) => el("li", { "data-activity": x.id },
    el("strong", {}, x.title), el("span", { class: "small muted" }, ` · ${ctx.fmt.date(x.date)} · ${t(`tw.kind.${x.activity_type}`)} · ${place(ctx, x.municipality_id === a.id ? a : b)}`),
    x.description ? el("p", { class: "small" }, x.description) : null)) : [el("li", { class: "muted" }, t("tw.noActivity"))]));
  fill(pair.activities);
  const node = el(
    "li",
    { class: "card stack", "data-pair": pair.id },
    el("h2", {}, `${place(ctx, a)} ↔ ${place(ctx, b)}`, " ", demoBadge(a, t)),
    pair.published ? null : el("p", { class: "small" }, el("span", { class: "badge", "data-state": "unpublished" }, t("tw.unpublished"))),
    el("p", { class: pair.counted ? "status-good small" : "status-unknown small" }, pair.counted ? t("tw.counted") : t("tw.notCounted")),
    el("p", { class: "small muted" }, [a, b].filter((m) => m.population).map((m) => `${m.name}: ${t("tw.population", { n: ctx.fmt.number(m.population, 0) })}`).join(" · ")),
    el("h3", {}, t("tw.activities")),
    activities,
  );
  const user = ctx.user;
  const mayWrite = user && (user.role === "secretariat" || (["member", "partner"].includes(user.role) && [a.organisation_id, b.organisation_id].includes(user.organisation_id)));
  if (!mayWrite) return node;
  const kept = [...pair.activities];
  node.append(el("details", {}, el("summary", {}, t("tw.add")), status, form({
    fields: [
      field({ name: "municipality_id", type: "select", options: [[a.id, a.name], [b.id, b.name]], required: true }),
      field({ name: "activity_type", type: "select", options: [["exchange", t("tw.kind.exchange")], ["action", t("tw.kind.action")]], required: true }),
      field({ name: "date", type: "date", required: true }),
      field({ name: "title", required: true }),
      field({ name: "description", type: "textarea" }),
    ],
    submit: t("tw.add"),
    onSubmit: async (v, formNode) => {
      const municipality = Number(v.municipality_id);
      const made = await ctx.api("/twins/activities", { body: { ...v, municipality_id: municipality, partner_id: municipality === a.id ? b.id : a.id } });
      kept.unshift(made);
      kept.sort((x, y) => y.date.localeCompare(x.date));
      fill(kept);
      formNode.reset();
      status.replaceChildren(notice(t("tw.added")));
    },
  })));
  return node;
}

async function drawMap(ctx, box, pairs) {
  const L = window.L;
  if (!L) return null;
  const world = await worldBoundaries();
  const map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 9, zoomSnap: 0.5, zoomAnimation: false, fadeAnimation: false }).setView([20, 5], 2);
  L.geoJSON(world, { style: { color: "#8a7f70", weight: 0.6, fillColor: "#efe9dd", fillOpacity: 1 }, interactive: false }).addTo(map);
  const points = [];
  for (const pair of pairs) {
    const [a, b] = pair.municipalities;
    L.polyline([[a.lat, a.lon], [b.lat, b.lon]], { color: pair.counted ? "#2f6b3a" : "#9a6700", weight: 2, dashArray: pair.counted ? null : "4 4" }).addTo(map);
    for (const m of [a, b]) {
      L.circleMarker([m.lat, m.lon], { radius: 6, color: "#5b3a1e", fillOpacity: 0.9 }).bindTooltip(place(ctx, m)).addTo(map);
      points.push([m.lat, m.lon]);
    }
  }
  if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 5 });
  setTimeout(() => map.invalidateSize(), 0);
  box.dataset.pairs = String(pairs.length);
  return map;
}
