// Country page, NDC section (objective A1): what the country's NDC says on agriculture, land and soils
// (bundled assessments, each fact with its source and vintage), its NDC tracker records, and its cropland
// and grassland (permanent meadows and pastures) areas over time from FAOSTAT (chart, 1000 ha). The sources'
// titles and citations are quoted in their own language (English).

import { fillNodes, quotedEnglish } from "../dom.js";
import { colon } from "../i18n.js";

function yesNo(t, value) {
  return value === null || value === undefined ? t("ndc.unknown") : t(value ? "ndc.yes" : "ndc.no");
}

function table(el, id, headers, rows) {
  return el(
    "div",
    { class: "table-wrap" },
    el("table", { class: "data", id }, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows)),
  );
}

function landUseSection(ctx, land, chart) {
  const { t, el, fmt } = ctx;
  if (!land) return [el("h3", {}, t("ndc.landUse")), el("p", { class: "muted", id: "country-land-use-none" }, t("ndc.landUseNone"))];
  const canvas = el("canvas", { id: "country-land-use", role: "img", "aria-label": t("ndc.landUse") });
  const last = land.years.length - 1;
  const series = (field) => land.years.map((y, i) => ({ x: y, y: land[field][i] })).filter((p) => p.y !== null);
  const draw = () =>
    chart(canvas, {
      type: "line",
      data: {
        datasets: [
          { label: t("ndc.cropland"), data: series("cropland_kha"), borderColor: "#b5651d", backgroundColor: "#b5651d", pointRadius: 0, borderWidth: 2 },
          { label: t("ndc.pastures"), data: series("meadows_pastures_kha"), borderColor: "#4f9a4a", backgroundColor: "#4f9a4a", pointRadius: 0, borderWidth: 2 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { type: "linear", title: { display: true, text: t("ndc.year") }, ticks: { precision: 0, callback: (v) => String(v) } },
          y: { beginAtZero: true, title: { display: true, text: t("ndc.areaAxis") }, ticks: { callback: (v) => fmt.number(v, 0) } },
        },
      },
    });
  const latest = t("ndc.latest", { year: String(land.years[last]), cropland: fmt.number(land.cropland_kha[last], 0), pastures: fmt.number(land.meadows_pastures_kha[last], 0) });
  return {
    nodes: [
      el("h3", {}, `${t("ndc.landUse")} (${land.units})`),
      el("div", { class: "chart" }, canvas),
      el("p", { id: "country-land-use-latest" }, latest),
      el("p", { class: "muted source", id: "country-land-use-source" }, fillNodes(t, "ndc.sourceLine", "source", quotedEnglish(`${land.source.title}, ${land.source.vintage}; ${land.source.citation} (${land.source.licence})`))),
    ],
    draw,
  };
}

// Appends the NDC section of country `iso3` to `container`; `chart(canvas, config)` makes a chart that the
// country page destroys on reload.
export async function appendNdcSection(container, iso3, ctx, chart) {
  const { t, el } = ctx;
  const data = await ctx.api(`/ndc/countries/${iso3}`);
  if (!ctx.alive()) return;
  const party = data.party;
  const nodes = [el("h2", {}, t("ndc.title"))];
  if (!party) {
    nodes.push(el("p", { class: "muted", id: "country-ndc-not-party" }, t("ndc.notParty")));
  } else {
    nodes.push(el("p", { class: "muted", id: "country-ndc-party" }, t("ndc.party", { group: party.un_regional_group || party.name })));
    if (!party.covered_by.length) nodes.push(el("p", { class: "notice" }, t("ndc.notCovered")));
    const m = party.mentions;
    nodes.push(
      el("p", {}, t("ndc.mentions")),
      el(
        "ul",
        { id: "country-ndc-mentions" },
        el("li", { "data-mention": "soils" }, `${colon(t("ndc.soils"))} ${yesNo(t, m.soils)}`),
        el("li", { "data-mention": "soil_carbon" }, `${colon(t("ndc.soilCarbon"))} ${yesNo(t, m.soil_carbon)}`),
        el("li", { "data-mention": "peatlands_wetlands" }, `${colon(t("ndc.peat"))} ${yesNo(t, m.peatlands_wetlands)}`),
        el("li", { "data-mention": "wb_soils_subsector" }, `${colon(t("ndc.wbSoils"))} ${yesNo(t, m.wb_soils_subsector)}`),
      ),
      el("p", { class: "muted" }, t("ndc.mentionsNote")),
      el("h3", {}, t("ndc.facts")),
    );
    const facts = party.facts.filter((f) => f.answered);
    const rows = facts.map((f) =>
      el("tr", { "data-source": f.source }, el("td", {}, f.source_title), el("td", {}, f.vintage), el("td", {}, t(`ndc.topic:${f.topic}`)), el("td", { translate: "no" }, f.source === "wb2018" ? f.field : f.label || ""), el("td", { translate: "no" }, f.value)),
    );
    nodes.push(
      rows.length ? table(el, "country-ndc-facts", [t("ndc.source"), t("ndc.vintage"), t("ndc.topic"), t("ndc.question"), t("ndc.content")], rows) : el("p", { class: "muted" }, t("ndc.factsNone")),
      el("ul", { class: "muted source", id: "country-ndc-sources" }, Object.values(party.sources).map((s) => el("li", {}, fillNodes(t, "ndc.sourceLine", "source", quotedEnglish(`${s.title}, ${s.vintage}; ${s.citation || s.url} (${s.licence})`))))),
    );
  }
  if (data.tracker.length) {
    const rows = data.tracker.map((r) =>
      el("tr", { "data-entry": r.id }, el("td", {}, r.ndc_version), el("td", {}, String(r.year)), el("td", {}, yesNo(t, r.refers_soc)), el("td", {}, yesNo(t, r.refers_soil_health)), el("td", {}, yesNo(t, r.refers_peatlands_wetlands)), el("td", {}, r.source ? el("a", { href: r.source, rel: "noopener" }, r.source) : "")),
    );
    nodes.push(el("h3", {}, t("ndc.tracker")), table(el, "country-ndc-tracker", [t("ndc.version"), t("ndc.year"), t("ndc.refersSoc"), t("ndc.refersSoil"), t("ndc.refersPeat"), t("ndc.source")], rows));
  }
  const land = landUseSection(ctx, data.land_use, chart);
  nodes.push(...(Array.isArray(land) ? land : land.nodes));
  container.querySelector("#country-ndc")?.remove();
  container.append(el("section", { class: "card", id: "country-ndc" }, nodes));
  if (!Array.isArray(land)) land.draw();
}
