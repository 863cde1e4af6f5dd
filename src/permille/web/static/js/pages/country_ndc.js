// Country page, NDC section (objective A1): what the country's NDC says on agriculture, land and soils
// (bundled assessments, each fact with its source and vintage), its NDC tracker records, and its cropland
// and grassland (permanent meadows and pastures) areas over time from FAOSTAT (chart, 1000 ha).

const MESSAGES = {
  en: {
    "ndc.title": "NDC: agriculture, land and soils",
    "ndc.party": "UNFCCC Party · {group}",
    "ndc.notParty": "Not a UNFCCC Party: no NDC.",
    "ndc.notCovered": "No bundled assessment covers this Party's NDC.",
    "ndc.mentions": "Does the NDC content mention…",
    "ndc.mentionsNote": "Read from the texts of the assessments below (2018 and 2022, first and updated NDCs), not from the latest NDC.",
    "ndc.soils": "soils",
    "ndc.soilCarbon": "soil carbon",
    "ndc.peat": "peatlands or wetlands",
    "ndc.wbSoils": "a World Bank “Soils” / “Land and soil management” entry",
    "ndc.yes": "yes",
    "ndc.no": "no",
    "ndc.unknown": "not assessed",
    "ndc.facts": "What the assessments say",
    "ndc.factsNone": "No agriculture, land or soil content coded.",
    "ndc.source": "Source",
    "ndc.vintage": "Vintage",
    "ndc.topic": "Topic",
    "ndc.question": "Question or coding",
    "ndc.content": "Content",
    "ndc.tracker": "NDC tracker records",
    "ndc.version": "NDC version",
    "ndc.year": "Year",
    "ndc.refersSoc": "SOC",
    "ndc.refersSoil": "Soil health",
    "ndc.refersPeat": "Peatlands/wetlands",
    "ndc.landUse": "Cropland and grassland area",
    "ndc.cropland": "Cropland",
    "ndc.pastures": "Permanent meadows and pastures",
    "ndc.areaAxis": "Area (1000 ha)",
    "ndc.latest": "{year}: cropland {cropland} kha, permanent meadows and pastures {pastures} kha.",
    "ndc.landUseNone": "FAOSTAT has no land-use series for this country.",
    "ndc.sourceLine": "Source: {source}",
  },
  fr: {
    "ndc.title": "CDN : agriculture, terres et sols",
    "ndc.party": "Partie à la CCNUCC · {group}",
    "ndc.notParty": "Pas une Partie à la CCNUCC : pas de CDN.",
    "ndc.notCovered": "Aucune évaluation fournie ne couvre la CDN de cette Partie.",
    "ndc.mentions": "Le contenu de la CDN mentionne-t-il…",
    "ndc.mentionsNote": "Lu dans les textes des évaluations ci-dessous (2018 et 2022, CDN initiales et actualisées), pas dans la dernière CDN.",
    "ndc.soils": "les sols",
    "ndc.soilCarbon": "le carbone du sol",
    "ndc.peat": "les tourbières ou zones humides",
    "ndc.wbSoils": "une entrée Banque mondiale « Soils » / « Land and soil management »",
    "ndc.yes": "oui",
    "ndc.no": "non",
    "ndc.unknown": "non évalué",
    "ndc.facts": "Ce que disent les évaluations",
    "ndc.factsNone": "Aucun contenu codé sur l’agriculture, les terres ou les sols.",
    "ndc.source": "Source",
    "ndc.vintage": "Millésime",
    "ndc.topic": "Thème",
    "ndc.question": "Question ou codage",
    "ndc.content": "Contenu",
    "ndc.tracker": "Fiches du suivi des CDN",
    "ndc.version": "Version de la CDN",
    "ndc.year": "Année",
    "ndc.refersSoc": "COS",
    "ndc.refersSoil": "Santé des sols",
    "ndc.refersPeat": "Tourbières/zones humides",
    "ndc.landUse": "Surfaces cultivées et prairies",
    "ndc.cropland": "Terres cultivées",
    "ndc.pastures": "Prairies et pâturages permanents",
    "ndc.areaAxis": "Surface (1000 ha)",
    "ndc.latest": "{year} : terres cultivées {cropland} kha, prairies et pâturages permanents {pastures} kha.",
    "ndc.landUseNone": "FAOSTAT n’a pas de série d’utilisation des terres pour ce pays.",
    "ndc.sourceLine": "Source : {source}",
  },
  es: {
    "ndc.title": "CDN: agricultura, tierras y suelos",
    "ndc.party": "Parte de la CMNUCC · {group}",
    "ndc.notParty": "No es Parte de la CMNUCC: no hay CDN.",
    "ndc.notCovered": "Ninguna evaluación incluida cubre la CDN de esta Parte.",
    "ndc.mentions": "¿Menciona el contenido de la CDN…",
    "ndc.mentionsNote": "Leído en los textos de las evaluaciones siguientes (2018 y 2022, CDN iniciales y actualizadas), no en la última CDN.",
    "ndc.soils": "los suelos",
    "ndc.soilCarbon": "el carbono del suelo",
    "ndc.peat": "las turberas o humedales",
    "ndc.wbSoils": "una entrada del Banco Mundial «Soils» / «Land and soil management»",
    "ndc.yes": "sí",
    "ndc.no": "no",
    "ndc.unknown": "no evaluado",
    "ndc.facts": "Lo que dicen las evaluaciones",
    "ndc.factsNone": "Ningún contenido codificado sobre agricultura, tierras o suelos.",
    "ndc.source": "Fuente",
    "ndc.vintage": "Edición",
    "ndc.topic": "Tema",
    "ndc.question": "Pregunta o codificación",
    "ndc.content": "Contenido",
    "ndc.tracker": "Fichas del seguimiento de las CDN",
    "ndc.version": "Versión de la CDN",
    "ndc.year": "Año",
    "ndc.refersSoc": "COS",
    "ndc.refersSoil": "Salud del suelo",
    "ndc.refersPeat": "Turberas/humedales",
    "ndc.landUse": "Superficie de cultivos y pastizales",
    "ndc.cropland": "Tierras de cultivo",
    "ndc.pastures": "Praderas y pastos permanentes",
    "ndc.areaAxis": "Superficie (1000 ha)",
    "ndc.latest": "{year}: tierras de cultivo {cropland} kha, praderas y pastos permanentes {pastures} kha.",
    "ndc.landUseNone": "FAOSTAT no tiene series de uso de la tierra para este país.",
    "ndc.sourceLine": "Fuente: {source}",
  },
};

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
      el("p", { class: "muted source", id: "country-land-use-source" }, t("ndc.sourceLine", { source: `${land.source.title}, ${land.source.vintage}; ${land.source.citation} (${land.source.licence})` })),
    ],
    draw,
  };
}

// Appends the NDC section of country `iso3` to `container`; `chart(canvas, config)` makes a chart that the
// country page destroys on reload.
export async function appendNdcSection(container, iso3, ctx, chart) {
  ctx.i18n.add(MESSAGES);
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
        el("li", { "data-mention": "soils" }, `${t("ndc.soils")}: ${yesNo(t, m.soils)}`),
        el("li", { "data-mention": "soil_carbon" }, `${t("ndc.soilCarbon")}: ${yesNo(t, m.soil_carbon)}`),
        el("li", { "data-mention": "peatlands_wetlands" }, `${t("ndc.peat")}: ${yesNo(t, m.peatlands_wetlands)}`),
        el("li", { "data-mention": "wb_soils_subsector" }, `${t("ndc.wbSoils")}: ${yesNo(t, m.wb_soils_subsector)}`),
      ),
      el("p", { class: "muted" }, t("ndc.mentionsNote")),
      el("h3", {}, t("ndc.facts")),
    );
    const facts = party.facts.filter((f) => f.answered);
    const rows = facts.map((f) =>
      el("tr", { "data-source": f.source }, el("td", {}, f.source_title), el("td", {}, f.vintage), el("td", {}, f.topic), el("td", {}, f.source === "wb2018" ? f.field : f.label || ""), el("td", {}, f.value)),
    );
    nodes.push(
      rows.length ? table(el, "country-ndc-facts", [t("ndc.source"), t("ndc.vintage"), t("ndc.topic"), t("ndc.question"), t("ndc.content")], rows) : el("p", { class: "muted" }, t("ndc.factsNone")),
      el("ul", { class: "muted source", id: "country-ndc-sources" }, Object.values(party.sources).map((s) => el("li", {}, t("ndc.sourceLine", { source: `${s.title}, ${s.vintage}; ${s.citation || s.url} (${s.licence})` })))),
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
