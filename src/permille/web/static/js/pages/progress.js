// Progress page: the 24 objectives of the strategic plan, one card each, with every indicator's baseline →
// current value → 2030 and 2050 targets, a sparkline of its history, its status against each target (a
// colour AND a text label), its trend and where the value comes from (counted from the registry's records,
// or entered by the Secretariat with a date, a source and a second Secretariat user's approval), its
// counting rule and the records behind the value (opened on demand). Filter by goal (A–F, in the permalink
// #/progress?goal=B); CSV export of every indicator; reloads when a record changes (server-sent events).

const GOALS = ["A", "B", "C", "D", "E", "F"];
const RELOAD_DELAY_MS = 400;
const STATUS_CLASS = {
  achieved: "status-good",
  "on track": "status-good",
  behind: "status-bad",
  "no data": "status-unknown",
  "no data since the baseline": "status-unknown",
  "no target": "status-unknown",
};
const STATUS_KEY = {
  achieved: "progress.status.achieved",
  "on track": "progress.status.onTrack",
  behind: "progress.status.behind",
  "no data": "progress.status.noData",
  "no data since the baseline": "progress.status.noDataSince",
  "no target": "progress.status.noTarget",
};

const MESSAGES = {
  en: {
    "progress.title": "Progress of the Initiative",
    "progress.intro": "The 24 objectives of the strategic plan: for each indicator, its baseline, its current value, and the 2030 and 2050 targets. Values are counted live from the platform's records by the counting rule shown on each card (only records published and verified by the Secretariat, never demonstration data), or entered by the Secretariat with their date and source and approved by a second Secretariat user.",
    "progress.rule": "On track: at or above the straight line from the baseline (0 where the plan gives none) through the 2030 target to the 2050 target, read this year; the lower end of a range counts. Per-year indicators count the current calendar year to date. No data since the baseline: no counted record or approved value dated in or after 2020 (rather than behind).",
    "progress.asOf": "As of {date}",
    "progress.goal": "Goal",
    "progress.allGoals": "All goals",
    "progress.shown": "{count} objectives shown",
    "progress.baseline": "Baseline",
    "progress.current": "Current",
    "progress.target2030": "2030",
    "progress.target2050": "2050",
    "progress.none": "none",
    "progress.status2030": "2030 status",
    "progress.status2050": "2050 status",
    "progress.status.achieved": "achieved",
    "progress.status.onTrack": "on track",
    "progress.status.behind": "behind",
    "progress.status.noData": "no data",
    "progress.status.noTarget": "no target",
    "progress.status.noDataSince": "no data since the baseline",
    "progress.countingRule": "Counting rule",
    "progress.baselineSource": "Where the baseline comes from",
    "progress.counted": "{records} records counted ({period}).",
    "progress.openRecords": "Records behind the value",
    "progress.restrictedCount": "{count} records of a restricted kind ({kind}): their names are not public.",
    "progress.noRecords": "No record counted.",
    "progress.verifiedBy": "verified by {by}",
    "progress.demoValue": "With the demonstration records: {value} ({records} demo records, not counted).",
    "progress.anonymousRuns": "{count} anonymous runs, shown apart, never counted.",
    "progress.unapproved": "Unapproved value {value} of {date} ({source}), entered by {by}: not used until a second Secretariat user approves it.",
    "progress.approvedBy": "approved by {by}",
    "progress.selfApproved": "self-approved (single Secretariat user)",
    "progress.report": "Annual report",
    "progress.openData": "Open data (JSON)",
    "progress.approve": "Approve",
    "progress.state.unapproved": "unapproved",
    "progress.state.approved": "approved",
    "progress.state.demo": "demo",
    "progress.rates": "Exchange rates: {rates}.",
    "progress.trend": "Trend",
    "progress.trend.up": "↑ rising",
    "progress.trend.down": "↓ falling",
    "progress.trend.steady": "→ steady",
    "progress.trend.none": "not enough years",
    "progress.fromRegistry": "Counted from the registry: {note} ({records} records, {period}).",
    "progress.fromManual": "Entered by {by} on the basis of “{source}”, value of {date}.",
    "progress.noManual": "No value entered yet by the Secretariat.",
    "progress.demo": "demo",
    "progress.demoNote": "This value comes from demonstration data.",
    "progress.history": "History of {name}: {points}",
    "progress.planText": "The plan's words",
    "progress.updated": "Progress updated with new data",
    "unit.countries": "countries",
    "unit.projects": "projects",
    "unit.per year": "per year",
    "unit.schemes": "schemes",
    "unit.regions": "regions",
    "unit.version": "version",
    "unit.percent": "%",
    "unit.businesses": "businesses",
    "unit.institutions": "institutions",
    "unit.mechanisms": "mechanisms",
    "unit.partnerships": "partnerships",
    "unit.tools": "tools",
    "unit.collaborations": "collaborations",
    "unit.EUR": "EUR",
    "goal.A": "Inception and conceptualization",
    "goal.B": "Implementation",
    "goal.C": "Promotion",
    "goal.D": "Collaboration",
    "goal.E": "Follow-up (MRV)",
    "goal.F": "Crosscutting actions",
    "ind.parties_with_soc_in_ndc": "UNFCCC Parties whose NDC refers to SOC",
    "ind.parties_member_or_partner": "UNFCCC Parties that are members or partners",
    "ind.projects_selected_and_implemented": "Projects selected or implemented",
    "ind.studies_reviews_per_year": "Studies and reviews per year",
    "ind.regional_meetings_per_year": "Regional online meetings per year",
    "ind.periodical_notes_per_year": "Periodical notes per year",
    "ind.compensation_schemes_reviewed": "Compensation schemes reviewed",
    "ind.regions_using_certified_scheme": "Regions using the certified scheme",
    "ind.reference_framework_version": "Version of the scientific reference framework",
    "ind.countries_with_soil_health_strategy": "Countries with a soil-health strategy",
    "ind.regions_covered_by_practice_database": "Regions covered by the practice database",
    "ind.regions_with_active_helpdesk": "Regions with an active helpdesk",
    "ind.countries_using_20pct_of_tools": "Countries using 20 % of the toolkit",
    "ind.countries_using_40pct_of_tools": "Countries using 40 % of the toolkit",
    "ind.assisted_awareness": "Assisted awareness of the brand",
    "ind.spontaneous_awareness": "Spontaneous awareness of the brand",
    "ind.farmer_associations_contacted_pct": "Farmer associations contacted",
    "ind.global_food_businesses_contacted": "Global food businesses contacted",
    "ind.funding_institutions_reached": "Policy and funding institutions reached",
    "ind.operational_branding_mechanisms": "Branding mechanisms in operation",
    "ind.organisations_active_on_platform_pct": "Organisations active on the platform",
    "ind.regional_network_meetings_per_year": "Regional network meetings per year",
    "ind.regions_with_youth_senior_partnership": "Regions with youth or senior partnerships",
    "ind.signed_global_partnerships": "Partnerships with global networks",
    "ind.monitoring_tools_in_catalogue": "Monitoring tools in the catalogue",
    "ind.countries_with_monitoring_data": "Countries with soil monitoring data",
    "ind.tool_developer_collaborations": "Collaborations with tool developers",
    "ind.countries_with_twin_region_municipalities": "Countries with twinned municipalities",
    "ind.annual_budget_eur": "Annual budget",
    "ind.kpis_with_current_value_pct": "Indicators with a current value",
  },
  fr: {
    "progress.title": "Progrès de l’Initiative",
    "progress.intro": "Les 24 objectifs du plan stratégique : pour chaque indicateur, sa valeur de référence, sa valeur actuelle et les cibles 2030 et 2050. Les valeurs sont comptées en direct dans les registres de la plateforme selon la règle de calcul affichée sur chaque carte (seules les fiches publiées et vérifiées par le Secrétariat, jamais les données de démonstration), ou saisies par le Secrétariat avec leur date et leur source et approuvées par un second utilisateur du Secrétariat.",
    "progress.rule": "En bonne voie : au-dessus ou sur la droite qui va de la valeur de référence (0 si le plan n’en donne pas) à la cible 2030 puis à la cible 2050, lue cette année ; la borne basse d’une fourchette compte. Les indicateurs annuels comptent l’année civile en cours. Pas de données depuis la référence : aucune fiche comptée ni valeur approuvée datée de 2020 ou après (plutôt que « en retard »).",
    "progress.asOf": "Au {date}",
    "progress.goal": "But",
    "progress.allGoals": "Tous les buts",
    "progress.shown": "{count} objectifs affichés",
    "progress.baseline": "Référence",
    "progress.current": "Actuel",
    "progress.target2030": "2030",
    "progress.target2050": "2050",
    "progress.none": "aucune",
    "progress.status2030": "État 2030",
    "progress.status2050": "État 2050",
    "progress.status.achieved": "atteint",
    "progress.status.onTrack": "en bonne voie",
    "progress.status.behind": "en retard",
    "progress.status.noData": "pas de données",
    "progress.status.noTarget": "pas de cible",
    "progress.status.noDataSince": "pas de données depuis la référence",
    "progress.countingRule": "Règle de calcul",
    "progress.baselineSource": "D’où vient la référence",
    "progress.counted": "{records} fiches comptées ({period}).",
    "progress.openRecords": "Fiches derrière la valeur",
    "progress.restrictedCount": "{count} fiches d’un type restreint ({kind}) : leurs noms ne sont pas publics.",
    "progress.noRecords": "Aucune fiche comptée.",
    "progress.verifiedBy": "vérifiée par {by}",
    "progress.demoValue": "Avec les fiches de démonstration : {value} ({records} fiches de démo, non comptées).",
    "progress.anonymousRuns": "{count} calculs anonymes, montrés à part, jamais comptés.",
    "progress.unapproved": "Valeur non approuvée {value} du {date} ({source}), saisie par {by} : non utilisée avant l’approbation d’un second utilisateur du Secrétariat.",
    "progress.approvedBy": "approuvée par {by}",
    "progress.selfApproved": "auto-approuvée (un seul utilisateur du Secrétariat)",
    "progress.report": "Rapport annuel",
    "progress.openData": "Données ouvertes (JSON)",
    "progress.approve": "Approuver",
    "progress.state.unapproved": "non approuvée",
    "progress.state.approved": "approuvée",
    "progress.state.demo": "démo",
    "progress.rates": "Taux de change : {rates}.",
    "progress.trend": "Tendance",
    "progress.trend.up": "↑ en hausse",
    "progress.trend.down": "↓ en baisse",
    "progress.trend.steady": "→ stable",
    "progress.trend.none": "pas assez d’années",
    "progress.fromRegistry": "Compté dans les registres : {note} ({records} enregistrements, {period}).",
    "progress.fromManual": "Saisi par {by} d’après « {source} », valeur du {date}.",
    "progress.noManual": "Aucune valeur saisie par le Secrétariat pour l’instant.",
    "progress.demo": "démo",
    "progress.demoNote": "Cette valeur provient de données de démonstration.",
    "progress.history": "Historique de {name} : {points}",
    "progress.planText": "Le texte du plan",
    "progress.updated": "Progrès mis à jour avec de nouvelles données",
    "unit.countries": "pays",
    "unit.projects": "projets",
    "unit.per year": "par an",
    "unit.schemes": "dispositifs",
    "unit.regions": "régions",
    "unit.version": "version",
    "unit.percent": "%",
    "unit.businesses": "entreprises",
    "unit.institutions": "institutions",
    "unit.mechanisms": "mécanismes",
    "unit.partnerships": "partenariats",
    "unit.tools": "outils",
    "unit.collaborations": "collaborations",
    "unit.EUR": "EUR",
    "goal.A": "Conception",
    "goal.B": "Mise en œuvre",
    "goal.C": "Promotion",
    "goal.D": "Collaboration",
    "goal.E": "Suivi (MRV)",
    "goal.F": "Actions transversales",
    "ind.parties_with_soc_in_ndc": "Parties à la CCNUCC dont la CDN mentionne le COS",
    "ind.parties_member_or_partner": "Parties à la CCNUCC membres ou partenaires",
    "ind.projects_selected_and_implemented": "Projets sélectionnés ou mis en œuvre",
    "ind.studies_reviews_per_year": "Études et synthèses par an",
    "ind.regional_meetings_per_year": "Réunions régionales en ligne par an",
    "ind.periodical_notes_per_year": "Notes périodiques par an",
    "ind.compensation_schemes_reviewed": "Dispositifs de compensation examinés",
    "ind.regions_using_certified_scheme": "Régions utilisant le dispositif certifié",
    "ind.reference_framework_version": "Version du cadre scientifique de référence",
    "ind.countries_with_soil_health_strategy": "Pays dotés d’une stratégie pour la santé des sols",
    "ind.regions_covered_by_practice_database": "Régions couvertes par la base de pratiques",
    "ind.regions_with_active_helpdesk": "Régions dotées d’un service d’appui actif",
    "ind.countries_using_20pct_of_tools": "Pays utilisant 20 % de la boîte à outils",
    "ind.countries_using_40pct_of_tools": "Pays utilisant 40 % de la boîte à outils",
    "ind.assisted_awareness": "Notoriété assistée de la marque",
    "ind.spontaneous_awareness": "Notoriété spontanée de la marque",
    "ind.farmer_associations_contacted_pct": "Organisations agricoles contactées",
    "ind.global_food_businesses_contacted": "Entreprises agroalimentaires mondiales contactées",
    "ind.funding_institutions_reached": "Institutions politiques et bailleurs touchés",
    "ind.operational_branding_mechanisms": "Mécanismes de labellisation en service",
    "ind.organisations_active_on_platform_pct": "Organisations actives sur la plateforme",
    "ind.regional_network_meetings_per_year": "Réunions des réseaux régionaux par an",
    "ind.regions_with_youth_senior_partnership": "Régions avec partenariats jeunes ou seniors",
    "ind.signed_global_partnerships": "Partenariats avec des réseaux mondiaux",
    "ind.monitoring_tools_in_catalogue": "Outils de suivi au catalogue",
    "ind.countries_with_monitoring_data": "Pays avec des données de suivi des sols",
    "ind.tool_developer_collaborations": "Collaborations avec des développeurs d’outils",
    "ind.countries_with_twin_region_municipalities": "Pays avec des communes jumelées",
    "ind.annual_budget_eur": "Budget annuel",
    "ind.kpis_with_current_value_pct": "Indicateurs ayant une valeur actuelle",
  },
  es: {
    "progress.title": "Progreso de la Iniciativa",
    "progress.intro": "Los 24 objetivos del plan estratégico: para cada indicador, su línea de base, su valor actual y las metas de 2030 y 2050. Los valores se cuentan en directo en los registros de la plataforma según la regla de cálculo que muestra cada tarjeta (solo registros publicados y verificados por la Secretaría, nunca datos de demostración), o los introduce la Secretaría con su fecha y su fuente y los aprueba un segundo usuario de la Secretaría.",
    "progress.rule": "En buen camino: sobre o por encima de la recta que va de la línea de base (0 si el plan no la da) a la meta de 2030 y luego a la de 2050, leída este año; cuenta el extremo inferior de un rango. Los indicadores anuales cuentan el año civil en curso. Sin datos desde la línea de base: ningún registro contado ni valor aprobado fechado en 2020 o después (en lugar de «atrasado»).",
    "progress.asOf": "A {date}",
    "progress.goal": "Meta general",
    "progress.allGoals": "Todas las metas",
    "progress.shown": "{count} objetivos mostrados",
    "progress.baseline": "Línea de base",
    "progress.current": "Actual",
    "progress.target2030": "2030",
    "progress.target2050": "2050",
    "progress.none": "ninguna",
    "progress.status2030": "Estado 2030",
    "progress.status2050": "Estado 2050",
    "progress.status.achieved": "alcanzado",
    "progress.status.onTrack": "en buen camino",
    "progress.status.behind": "atrasado",
    "progress.status.noData": "sin datos",
    "progress.status.noTarget": "sin meta",
    "progress.status.noDataSince": "sin datos desde la línea de base",
    "progress.countingRule": "Regla de cálculo",
    "progress.baselineSource": "De dónde viene la línea de base",
    "progress.counted": "{records} registros contados ({period}).",
    "progress.openRecords": "Registros detrás del valor",
    "progress.restrictedCount": "{count} registros de un tipo restringido ({kind}): sus nombres no son públicos.",
    "progress.noRecords": "Ningún registro contado.",
    "progress.verifiedBy": "verificado por {by}",
    "progress.demoValue": "Con los registros de demostración: {value} ({records} registros de demo, no contados).",
    "progress.anonymousRuns": "{count} cálculos anónimos, mostrados aparte, nunca contados.",
    "progress.unapproved": "Valor no aprobado {value} del {date} ({source}), introducido por {by}: no se usa hasta que un segundo usuario de la Secretaría lo apruebe.",
    "progress.approvedBy": "aprobado por {by}",
    "progress.selfApproved": "autoaprobado (un solo usuario de la Secretaría)",
    "progress.report": "Informe anual",
    "progress.openData": "Datos abiertos (JSON)",
    "progress.approve": "Aprobar",
    "progress.state.unapproved": "no aprobado",
    "progress.state.approved": "aprobado",
    "progress.state.demo": "demo",
    "progress.rates": "Tipos de cambio: {rates}.",
    "progress.trend": "Tendencia",
    "progress.trend.up": "↑ en aumento",
    "progress.trend.down": "↓ en descenso",
    "progress.trend.steady": "→ estable",
    "progress.trend.none": "no hay suficientes años",
    "progress.fromRegistry": "Contado en los registros: {note} ({records} registros, {period}).",
    "progress.fromManual": "Introducido por {by} según «{source}», valor del {date}.",
    "progress.noManual": "La Secretaría aún no ha introducido ningún valor.",
    "progress.demo": "demo",
    "progress.demoNote": "Este valor procede de datos de demostración.",
    "progress.history": "Historial de {name}: {points}",
    "progress.planText": "El texto del plan",
    "progress.updated": "Progreso actualizado con nuevos datos",
    "unit.countries": "países",
    "unit.projects": "proyectos",
    "unit.per year": "por año",
    "unit.schemes": "mecanismos",
    "unit.regions": "regiones",
    "unit.version": "versión",
    "unit.percent": "%",
    "unit.businesses": "empresas",
    "unit.institutions": "instituciones",
    "unit.mechanisms": "mecanismos",
    "unit.partnerships": "alianzas",
    "unit.tools": "herramientas",
    "unit.collaborations": "colaboraciones",
    "unit.EUR": "EUR",
    "goal.A": "Concepción",
    "goal.B": "Implementación",
    "goal.C": "Promoción",
    "goal.D": "Colaboración",
    "goal.E": "Seguimiento (MRV)",
    "goal.F": "Acciones transversales",
    "ind.parties_with_soc_in_ndc": "Partes de la CMNUCC cuya CDN menciona el COS",
    "ind.parties_member_or_partner": "Partes de la CMNUCC miembros o socias",
    "ind.projects_selected_and_implemented": "Proyectos seleccionados o ejecutados",
    "ind.studies_reviews_per_year": "Estudios y revisiones por año",
    "ind.regional_meetings_per_year": "Reuniones regionales en línea por año",
    "ind.periodical_notes_per_year": "Notas periódicas por año",
    "ind.compensation_schemes_reviewed": "Mecanismos de compensación examinados",
    "ind.regions_using_certified_scheme": "Regiones que usan el mecanismo certificado",
    "ind.reference_framework_version": "Versión del marco científico de referencia",
    "ind.countries_with_soil_health_strategy": "Países con una estrategia de salud del suelo",
    "ind.regions_covered_by_practice_database": "Regiones cubiertas por la base de prácticas",
    "ind.regions_with_active_helpdesk": "Regiones con un servicio de asistencia activo",
    "ind.countries_using_20pct_of_tools": "Países que usan el 20 % de las herramientas",
    "ind.countries_using_40pct_of_tools": "Países que usan el 40 % de las herramientas",
    "ind.assisted_awareness": "Notoriedad asistida de la marca",
    "ind.spontaneous_awareness": "Notoriedad espontánea de la marca",
    "ind.farmer_associations_contacted_pct": "Asociaciones de agricultores contactadas",
    "ind.global_food_businesses_contacted": "Empresas alimentarias mundiales contactadas",
    "ind.funding_institutions_reached": "Instituciones políticas y financiadoras alcanzadas",
    "ind.operational_branding_mechanisms": "Mecanismos de marca en funcionamiento",
    "ind.organisations_active_on_platform_pct": "Organizaciones activas en la plataforma",
    "ind.regional_network_meetings_per_year": "Reuniones de redes regionales por año",
    "ind.regions_with_youth_senior_partnership": "Regiones con alianzas de jóvenes o mayores",
    "ind.signed_global_partnerships": "Alianzas con redes mundiales",
    "ind.monitoring_tools_in_catalogue": "Herramientas de seguimiento en el catálogo",
    "ind.countries_with_monitoring_data": "Países con datos de seguimiento del suelo",
    "ind.tool_developer_collaborations": "Colaboraciones con desarrolladores de herramientas",
    "ind.countries_with_twin_region_municipalities": "Países con municipios hermanados",
    "ind.annual_budget_eur": "Presupuesto anual",
    "ind.kpis_with_current_value_pct": "Indicadores con un valor actual",
  },
};

const SVG = "http://www.w3.org/2000/svg";
const STYLE = `
.progress-grid { grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); }
.kpi-card h2 { font-size: 1.05rem; margin: 0.1rem 0 0.5rem; }
.kpi-indicator { border-top: 1px solid var(--line); padding-top: 0.5rem; margin-top: 0.5rem; }
.kpi-name { font-size: 0.95rem; margin: 0 0 0.3rem; }
.kpi-steps { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.25rem; }
@media (max-width: 480px) { .kpi-steps { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.kpi-step { display: flex; flex-direction: column; }
.kpi-step .num { text-align: left; font-size: 1rem; white-space: normal; overflow-wrap: anywhere; }
.kpi-current .num { font-weight: 700; font-size: 1.15rem; }
.kpi-statuses { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; margin: 0.3rem 0; font-size: 0.9rem; }
.kpi-demo { border: 1px solid var(--warn); color: var(--warn); border-radius: 4px; padding: 0 0.3rem; font-size: 0.8rem; }
.sparkline { display: block; max-width: 100%; height: auto; margin-top: 0.3rem; }
`;

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

function digitsFor(unit) {
  return unit === "percent" ? 1 : 0;
}

function unitLabel(ctx, unit) {
  return ctx.t(`unit.${unit}`);
}

// "5–10" for a range, "13" for a number, "none" without one.
// A value or range of the plan. Millions are written short ("2M–5M", "10 M–20 M"): the plan's round
// targets lose nothing, and F2's budget targets in euros fit their column on a desktop and a phone.
function planValue(ctx, spec, unit) {
  if (!spec) return ctx.t("progress.none");
  const digits = digitsFor(unit);
  const values = "value" in spec ? [spec.value] : [spec.min, spec.max];
  const short = values.every((v) => Math.abs(v) >= 1e6);
  const one = (v) => (short ? new Intl.NumberFormat(ctx.lang, { notation: "compact", maximumFractionDigits: 1 }).format(v) : ctx.fmt.number(v, digits));
  return values.map(one).join("–");
}

function lowerEnd(spec) {
  if (!spec) return null;
  return "value" in spec ? spec.value : spec.min;
}

// A sparkline of the history with the straight path from the baseline to the 2030 target (dashed).
function sparkline(ctx, indicator, label) {
  const width = 220;
  const height = 48;
  const pad = 4;
  const points = indicator.history.filter((h) => h.value !== null && h.value !== undefined);
  const baseline = indicator.baseline;
  const target = lowerEnd(indicator.target_2030) ?? lowerEnd(indicator.target_2050);
  const targetYear = lowerEnd(indicator.target_2030) !== null ? 2030 : 2050;
  // the dashed path starts at the baseline, or at 0 in 2020 where the plan gives none (as the status rule)
  const start = baseline ? [baseline.year, lowerEnd(baseline)] : [2020, 0];
  const years = points.map((p) => p.year);
  const values = points.map((p) => p.value);
  if (target !== null) years.push(start[0], targetYear);
  if (target !== null) values.push(start[1], target);
  else if (baseline) {
    years.push(start[0]);
    values.push(start[1]);
  }
  const figure = svg("svg", {
    class: "sparkline",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": label,
  });
  if (years.length === 0) return figure;
  const x0 = Math.min(...years);
  const x1 = Math.max(...years, x0 + 1);
  const yMax = Math.max(...values, 1);
  const x = (year) => pad + ((year - x0) / Math.max(x1 - x0, 1)) * (width - 2 * pad);
  const y = (value) => height - pad - (value / yMax) * (height - 2 * pad);
  if (target !== null) {
    figure.append(
      svg("line", {
        x1: x(start[0]), y1: y(start[1]), x2: x(targetYear), y2: y(target),
        class: "sparkline-path", stroke: "#9a9080", "stroke-dasharray": "3 3", "stroke-width": 1,
      }),
      svg("circle", { cx: x(targetYear), cy: y(target), r: 3, fill: "none", stroke: "#9a9080" }),
    );
  }
  if (points.length > 0) {
    const line = points.map((p) => `${x(p.year).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
    figure.append(svg("polyline", { points: line, fill: "none", stroke: "#2f6b3a", "stroke-width": 2 }));
    const last = points[points.length - 1];
    figure.append(svg("circle", { cx: x(last.year), cy: y(last.value), r: 3, fill: "#2f6b3a" }));
  }
  return figure;
}

function statusBadge(ctx, status, labelKey) {
  return ctx.el(
    "span",
    { class: `kpi-status ${STATUS_CLASS[status] || "status-unknown"}`, "data-status": status },
    `${ctx.t(labelKey)}: `,
    ctx.el("strong", {}, ctx.t(STATUS_KEY[status] || "progress.status.noData")),
  );
}

function sourceLine(ctx, indicator) {
  const source = indicator.current_source;
  const digits = digitsFor(indicator.unit);
  const lines = [];
  if (source.kind === "registry") {
    lines.push(ctx.t("progress.counted", { records: ctx.fmt.number(source.records, 0), period: source.period }));
    if (source.anonymous_runs) lines.push(ctx.t("progress.anonymousRuns", { count: ctx.fmt.number(source.anonymous_runs, 0) }));
    const rates = Object.entries(source.rates || {}).map(([k, v]) => `${k}: ${v.per_eur} (${v.rate_year})`);
    if (rates.length) lines.push(ctx.t("progress.rates", { rates: `${rates.join(", ")} — ${source.rates_source}` }));
  } else if (!source.date) {
    lines.push(ctx.t("progress.noManual"));
  } else {
    const approval = source.self_approved ? ctx.t("progress.selfApproved") : ctx.t("progress.approvedBy", { by: source.approved_by });
    lines.push(`${ctx.t("progress.fromManual", { by: source.entered_by, source: source.source, date: ctx.fmt.date(source.date) })} (${approval})`);
  }
  if (source.unapproved) {
    const u = source.unapproved;
    lines.push(ctx.t("progress.unapproved", { value: ctx.fmt.number(u.value, digits), date: ctx.fmt.date(u.date), source: u.source, by: u.entered_by }));
  }
  return ctx.el(
    "div",
    { class: "small muted kpi-source" },
    lines.map((line) => ctx.el("p", {}, line)),
    source.demo
      ? ctx.el(
          "p",
          { class: "kpi-demo-line" },
          ctx.el("span", { class: "kpi-demo", title: ctx.t("progress.demoNote") }, ctx.t("progress.demo")),
          " ",
          ctx.t("progress.demoValue", { value: ctx.fmt.number(source.demo.value, digits), records: ctx.fmt.number(source.demo.records, 0) }),
        )
      : null,
  );
}

// The counting rule (in the page's language), where the baseline comes from, and the records behind the
// value, fetched when the reader opens them (public kinds by name, restricted kinds as a count).
function ruleBlock(ctx, indicator) {
  const rule = indicator.rule;
  const list = ctx.el("div", { class: "kpi-records-list" });
  const records = ctx.el(
    "details",
    { class: "kpi-records small" },
    ctx.el("summary", {}, ctx.t("progress.openRecords")),
    list,
  );
  records.addEventListener("toggle", async () => {
    if (!records.open || list.dataset.loaded) return;
    const answer = await ctx.api(`/kpis/${indicator.name}/records`);
    if (!ctx.alive()) return;
    list.dataset.loaded = "1";
    if (answer.values) {
      const secretariat = ctx.user?.role === "secretariat";
      const approve = (v) =>
        ctx.el(
          "button",
          {
            type: "button",
            class: "btn btn-secondary kpi-approve",
            onclick: async (event) => {
              event.target.disabled = true;
              try {
                await ctx.api(`/kpis/values/${v.id}/approve`, { method: "POST" });
                list.dispatchEvent(new CustomEvent("kpi-changed", { bubbles: true }));
              } catch (error) {
                event.target.replaceWith(ctx.el("span", { class: "error", role: "alert" }, error.message));
              }
            },
          },
          ctx.t("progress.approve"),
        );
      list.replaceChildren(
        answer.values.length
          ? ctx.el("ul", {}, answer.values.map((v) => ctx.el("li", { class: "kpi-value", "data-state": v.state },
              `${ctx.fmt.date(v.date)}: ${ctx.fmt.number(v.value, digitsFor(indicator.unit))} — ${v.source} (${v.entered_by}, ${ctx.t(`progress.state.${v.state}`)}${v.approved_by ? `, ${v.self_approved ? ctx.t("progress.selfApproved") : ctx.t("progress.approvedBy", { by: v.approved_by })}` : ""}) `,
              secretariat && v.state === "unapproved" ? approve(v) : null)))
          : ctx.el("p", {}, ctx.t("progress.noManual")),
      );
    } else if (answer.indicators) {
      list.replaceChildren(ctx.el("ul", {}, answer.indicators.map((i) => ctx.el("li", {}, `${ctx.t(`ind.${i.name}`)}: ${ctx.fmt.number(i.current, 1)}`))));
    } else if (!answer.records) {
      list.replaceChildren(ctx.el("p", { class: "kpi-restricted" }, ctx.t("progress.restrictedCount", { count: ctx.fmt.number(answer.count, 0), kind: answer.kind })));
    } else if (answer.records.length === 0) {
      list.replaceChildren(ctx.el("p", {}, ctx.t("progress.noRecords")));
    } else {
      list.replaceChildren(
        ctx.el(
          "ul",
          {},
          answer.records.map((r) =>
            ctx.el(
              "li",
              { class: "kpi-record", "data-id": r.id },
              ctx.el("a", { href: `#/registries?kind=${r.kind}&id=${r.id}` }, r.label),
              ` (${r.year}${r.detail ? `; ${r.detail}` : ""}; ${ctx.t("progress.verifiedBy", { by: r.verified_by || "—" })})`,
            ),
          ),
        ),
      );
    }
  });
  return ctx.el(
    "div",
    { class: "kpi-rule-block" },
    ctx.el("p", { class: "small kpi-rule" }, ctx.el("strong", {}, `${ctx.t("progress.countingRule")}: `), rule.text[ctx.lang] || rule.text.en),
    rule.baseline_source
      ? ctx.el("p", { class: "small muted kpi-baseline-source" }, ctx.el("strong", {}, `${ctx.t("progress.baselineSource")}: `), rule.baseline_source[ctx.lang] || rule.baseline_source.en)
      : null,
    records,
  );
}

function indicatorBlock(ctx, indicator) {
  const name = ctx.t(`ind.${indicator.name}`);
  const unit = unitLabel(ctx, indicator.unit);
  const digits = digitsFor(indicator.unit);
  const points = indicator.history
    .filter((h) => h.value !== null)
    .map((h) => `${h.year} ${ctx.fmt.number(h.value, digits)}`)
    .join(", ");
  const trendKey = indicator.trend ? `progress.trend.${indicator.trend}` : "progress.trend.none";
  const cell = (label, value, cls = "") =>
    ctx.el("div", { class: `kpi-step ${cls}` }, ctx.el("span", { class: "small muted" }, label), ctx.el("span", { class: "num" }, value));
  return ctx.el(
    "section",
    { class: "kpi-indicator", "data-indicator": indicator.name },
    ctx.el("h3", { class: "kpi-name" }, name, " ", ctx.el("span", { class: "unit" }, `(${unit})`)),
    ctx.el(
      "div",
      { class: "kpi-steps" },
      cell(ctx.t("progress.baseline"), indicator.baseline ? `${planValue(ctx, indicator.baseline, indicator.unit)} (${indicator.baseline.year})` : ctx.t("progress.none")),
      cell(ctx.t("progress.current"), ctx.fmt.number(indicator.current, digits), "kpi-current"),
      cell(ctx.t("progress.target2030"), planValue(ctx, indicator.target_2030, indicator.unit)),
      cell(ctx.t("progress.target2050"), planValue(ctx, indicator.target_2050, indicator.unit)),
    ),
    sparkline(ctx, indicator, ctx.t("progress.history", { name, points: points || ctx.t("common.noData") })),
    ctx.el(
      "p",
      { class: "kpi-statuses" },
      statusBadge(ctx, indicator.status["2030"], "progress.status2030"),
      " ",
      statusBadge(ctx, indicator.status["2050"], "progress.status2050"),
      " ",
      ctx.el("span", { class: "kpi-trend small", "data-trend": indicator.trend || "none" }, `${ctx.t("progress.trend")}: ${ctx.t(trendKey)}`),
    ),
    sourceLine(ctx, indicator),
    ruleBlock(ctx, indicator),
  );
}

function card(ctx, objective) {
  const heading = `${objective.id} — ${objective.title}`;
  return ctx.el(
    "article",
    { class: "card kpi-card", "data-objective": objective.id, "data-goal": objective.goal },
    ctx.el("p", { class: "small muted kpi-goal" }, `${objective.goal} · ${ctx.t(`goal.${objective.goal}`)}`),
    ctx.el("h2", { class: "kpi-title", lang: "en" }, heading),
    objective.indicators.map((indicator) => indicatorBlock(ctx, indicator)),
    ctx.el(
      "details",
      { class: "small" },
      ctx.el("summary", {}, ctx.t("progress.planText")),
      ctx.el(
        "dl",
        { class: "details", lang: "en" },
        ctx.el("dt", {}, ctx.t("progress.baseline")), ctx.el("dd", {}, objective.baseline_2020),
        ctx.el("dt", {}, "2030"), ctx.el("dd", {}, objective.target_2030),
        ctx.el("dt", {}, "2050"), ctx.el("dd", {}, objective.target_2050),
      ),
    ),
  );
}

export async function render(root, params, ctx) {
  ctx.i18n.add(MESSAGES);
  let goal = GOALS.includes(params.goal) ? params.goal : "";
  let report = null;

  const select = ctx.el(
    "select",
    {
      id: "progress-goal",
      onchange: () => {
        goal = select.value;
        ctx.setParams({ goal });
        draw();
      },
    },
    ctx.el("option", { value: "" }, ctx.t("progress.allGoals")),
    GOALS.map((g) => ctx.el("option", { value: g, selected: g === goal }, `${g} — ${ctx.t(`goal.${g}`)}`)),
  );
  select.value = goal;
  const asOf = ctx.el("p", { class: "small muted progress-as-of" });
  const shown = ctx.el("p", { class: "small muted progress-shown", role: "status" });
  const exports = ctx.el("div", {});
  ctx.exportLinks(exports, { csv: "/kpis/export.csv" });
  exports.append(
    ctx.el("a", { class: "btn btn-secondary report-link", "data-format": "pdf", href: `/api/kpis/report?lang=${ctx.lang}&format=pdf` }, `${ctx.t("progress.report")} (PDF)`),
    " ",
    ctx.el("a", { class: "btn btn-secondary report-link", "data-format": "html", href: `/api/kpis/report?lang=${ctx.lang}`, target: "_blank", rel: "noopener" }, `${ctx.t("progress.report")} (HTML)`),
    " ",
    ctx.el("a", { class: "btn btn-secondary", href: "/api/kpis/open-data.json", target: "_blank", rel: "noopener" }, ctx.t("progress.openData")),
  );
  const grid = ctx.el("div", { class: "grid progress-grid" });
  root.append(
    ctx.el("style", {}, STYLE),
    ctx.el(
      "div",
      { class: "page-header" },
      ctx.el("h1", {}, ctx.t("progress.title")),
      exports,
    ),
    ctx.el("p", {}, ctx.t("progress.intro")),
    ctx.el("p", { class: "small muted" }, ctx.t("progress.rule")),
    ctx.el(
      "div",
      { class: "toolbar" },
      ctx.el("div", { class: "field" }, ctx.el("label", { for: "progress-goal" }, ctx.t("progress.goal")), select),
      shown,
    ),
    asOf,
    grid,
  );

  function draw() {
    if (!report) return;
    const objectives = report.objectives.filter((o) => !goal || o.goal === goal);
    grid.replaceChildren(...objectives.map((o) => card(ctx, o)));
    shown.textContent = ctx.t("progress.shown", { count: objectives.length });
    asOf.textContent = ctx.t("progress.asOf", { date: ctx.fmt.date(report.as_of) });
  }

  async function load() {
    const answer = await ctx.api("/kpis");
    if (!ctx.alive()) return;
    report = answer;
    draw();
  }

  await load();
  grid.addEventListener("kpi-changed", () => load().catch((error) => console.error(error)));

  let timer = null;
  ctx.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        await load();
        grid.dataset.updated = String(Date.now());
      } catch (error) {
        console.error(error);
      }
    }, RELOAD_DELAY_MS);
  });
  return () => clearTimeout(timer);
}
