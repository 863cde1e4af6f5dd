// #/directory: the member directory. Filters (name, membership, type, region, country) are the permalink's
// params; a map of the countries with organisations (the platform's own boundaries, no tile server:
// shaded by how many organisations; a click filters by the country) and the list. ?organisation=<id>: an
// organisation's page (type, country, region, website, expertise, published projects and practices).
import { field, form, t } from "../accounts-ui.js";
import { ORG_TYPES, countryName, demoBadge, worldBoundaries } from "../community-ui.js";
import { REGIONS } from "../workflows-ui.js";
import { countryName as nameOfCountry, tn } from "../i18n.js";

const FILTERS = ["q", "membership", "org_type", "region", "country_iso3"];

export async function render(root, params, ctx) {
  if (params.organisation) return organisation(root, ctx, params.organisation);
  const { el } = ctx;
  const all = await ctx.api("/directory/organisations");
  const countries = new Map(all.filter((o) => o.country_iso3).map((o) => [o.country_iso3, countryName(o.country, o.country_iso3, ctx.lang)]));
  const any = ["", t("dir.any")];
  const filters = form({
    fields: [
      field({ name: "q", label: t("dir.q"), value: params.q }),
      field({ name: "membership", label: t("dir.membership"), type: "select", options: [any, ["member", t("dir.member")], ["partner", t("dir.partner")]], value: params.membership }),
      field({ name: "org_type", label: t("dir.type"), type: "select", options: [any, ...ORG_TYPES.map((v) => [v, t(`type.${v}`)])], value: params.org_type }),
      field({ name: "region", label: t("dir.region"), type: "select", options: [any, ...REGIONS], value: params.region }),
      field({ name: "country_iso3", label: t("dir.country"), type: "select", options: [any, ...[...countries].sort((a, b) => a[1].localeCompare(b[1]))], value: params.country_iso3 }),
    ],
    submit: t("dir.filter"),
    onSubmit: async (v) => show(v),
  });
  filters.classList.add("directory-filters");
  const count = el("p", { class: "muted", role: "status", "aria-live": "polite" });
  const list = el("ul", { class: "grid directory-list" });
  const mapBox = el("div", { class: "map directory-map", role: "img", "aria-label": t("dir.map") });
  root.append(
    el("h1", { tabindex: "-1" }, t("dir.title")),
    el("p", {}, t("dir.intro")),
    filters,
    el("p", { class: "small muted" }, t("dir.map")),
    mapBox,
    count,
    list,
  );
  const map = await drawMap(ctx, mapBox, (iso3) => {
    filters.querySelector('[name="country_iso3"]').value = iso3;
    filters.requestSubmit();
  });

  async function show(v) {
    const chosen = Object.fromEntries(FILTERS.map((k) => [k, v[k] || ""]));
    ctx.setParams(chosen);
    const query = new URLSearchParams(Object.entries(chosen).filter(([, value]) => value));
    const found = await ctx.api(`/directory/organisations?${query}`);
    if (!ctx.alive()) return;
    count.textContent = tn("dir.found", found.length);
    list.replaceChildren(...(found.length ? found.map((o) => card(ctx, o)) : [el("li", { class: "muted" }, t("dir.none"))]));
    map?.shade(found);
  }
  await show(params);
  return () => map?.remove();
}

function card(ctx, o) {
  const { el } = ctx;
  return el(
    "li",
    { class: "card stack", "data-organisation": o.id },
    el("h3", {}, el("a", { href: `#/directory?organisation=${o.id}` }, o.name), " ", demoBadge(o, t)),
    el("p", { class: "small" }, `${t(`type.${o.org_type}`)} · ${t(`dir.${o.membership}`)}`),
    el("p", { class: "small muted" }, [countryName(o.country, o.country_iso3, ctx.lang), o.region ? t(`opt.${o.region}`) : null].filter(Boolean).join(" · ")),
    el("p", { class: "small" }, `${tn("dir.projects", o.projects)} · ${tn("dir.practices", o.practices)}`),
  );
}

// The countries shaded by how many of the listed organisations they hold; shade(list) redraws.
async function drawMap(ctx, box, onCountry) {
  const L = window.L;
  if (!L) return null;
  const world = await worldBoundaries();
  const map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 7, zoomSnap: 0.5, zoomAnimation: false, fadeAnimation: false }).setView([15, 10], 1.5);
  let counts = new Map();
  const names = new Map();
  const style = (feature) => {
    const n = counts.get(feature.properties.iso3) || 0;
    const fill = n === 0 ? "#efe9dd" : n === 1 ? "#a9cf9a" : n <= 3 ? "#6aa75a" : "#2f6b3a";
    return { color: "#8a7f70", weight: 0.6, fillColor: fill, fillOpacity: 1 };
  };
  const shapes = L.geoJSON(world, {
    style,
    onEachFeature: (feature, layer) => {
      layer.on("click", () => counts.get(feature.properties.iso3) && onCountry(feature.properties.iso3));
      layer.bindTooltip(() => tn("dir.mapCount", counts.get(feature.properties.iso3) || 0, { country: names.get(feature.properties.iso3) || feature.properties.name }), { sticky: true });
    },
  }).addTo(map);
  setTimeout(() => map.invalidateSize(), 0);
  return {
    shade(list) {
      counts = new Map();
      for (const o of list) if (o.country_iso3) {
        counts.set(o.country_iso3, (counts.get(o.country_iso3) || 0) + 1);
        names.set(o.country_iso3, countryName(o.country, o.country_iso3, ctx.lang));
      }
      shapes.setStyle(style);
      box.dataset.countries = [...counts.keys()].sort().join(" "); // what the map shows, for tests and tools
    },
    remove: () => map.remove(),
  };
}

async function organisation(root, ctx, id) {
  const { el } = ctx;
  const o = await ctx.api(`/directory/organisations/${id}`);
  const where = [countryName(o.country, o.country_iso3, ctx.lang), o.region ? t(`opt.${o.region}`) : null].filter(Boolean).join(" · ");
  const fmtArea = (ha) => t("dir.area", { area: ctx.fmt.number(ha, 0) });
  root.append(
    el("p", {}, el("a", { href: "#/directory" }, `← ${t("dir.back")}`)),
    el("h1", { tabindex: "-1" }, o.name, " ", demoBadge(o, t)),
    el("dl", { class: "details" },
      el("div", {}, el("dt", {}, t("dir.type")), el("dd", {}, t(`type.${o.org_type}`))),
      el("div", {}, el("dt", {}, t("dir.membership")), el("dd", {}, t(`dir.${o.membership}`))),
      el("div", {}, el("dt", {}, t("dir.country")), el("dd", {}, where || "–")),
      o.website ? el("div", {}, el("dt", {}, t("dir.website")), el("dd", {}, el("a", { href: o.website, rel: "noopener noreferrer" }, o.website))) : null,
      el("div", { "data-field": "expertise" }, el("dt", {}, t("dir.expertise")), el("dd", {}, o.expertise.length ? o.expertise.map((x) => t(`opt.${x}`) === `opt.${x}` ? x : t(`opt.${x}`)).join(", ") : "–")),
    ),
    el("h2", {}, tn("dir.projects", o.project_list.length)),
    o.project_list.length
      ? el("ul", { class: "stack org-projects" }, o.project_list.map((p) => el("li", {}, el("a", { href: `#/records?kind=projects&id=${p.id}` }, p.name), el("span", { class: "small muted" }, ` · ${nameOfCountry(p.country_iso3)} · ${fmtArea(p.area_ha)}`))))
      : el("p", { class: "muted" }, t("dir.noProjects")),
    el("h2", {}, tn("dir.practices", o.practice_list.length)),
    o.practice_list.length
      ? el("ul", { class: "stack org-practices" }, o.practice_list.map((p) => el("li", {}, el("a", { href: `#/records?kind=practices&id=${p.id}` }, p.name), p.category ? el("span", { class: "small muted" }, ` · ${p.category}`) : null)))
      : el("p", { class: "muted" }, t("dir.noPractices")),
  );
}
