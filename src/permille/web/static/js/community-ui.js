// Shared messages (en, fr, es) and helpers of the member directory (#/directory), the calendar
// (#/calendar) and the twin-regions pilot (#/twins): nav labels, org types, event types, the inbox's
// "reminder" kind. Region names (opt.<region>) come from accounts-ui.js.
import * as i18n from "./i18n.js";
import { el } from "./dom.js";

const MESSAGES = {
  en: {
    "cm.nav.directory": "Directory", "cm.nav.calendar": "Calendar", "cm.nav.twins": "Twin regions",
    "dir.title": "Member directory", "dir.intro": "The member and partner organisations of the 4 per 1000 Initiative, with their published projects and practices.",
    "dir.q": "Name", "dir.membership": "Membership", "dir.type": "Type", "dir.region": "Region", "dir.country": "Country", "dir.any": "all",
    "dir.filter": "Filter", "dir.found": "{n} organisation(s)", "dir.none": "No organisation matches these filters.",
    "dir.map": "Map of the organisations by country (click a country to filter)", "dir.mapCount": "{country}: {n} organisation(s)",
    "dir.counts": "{projects} project(s) · {practices} practice(s)", "dir.website": "Website", "dir.expertise": "Expertise",
    "dir.projects": "Published projects", "dir.practices": "Published practices", "dir.noProjects": "No published project.",
    "dir.noPractices": "No published practice.", "dir.back": "All organisations", "dir.area": "{area} ha",
    "dir.member": "member", "dir.partner": "partner", "dir.demo": "demo",
    "type.country": "Country (government)", "type.farmers_organisation": "Farmers' organisation", "type.research": "Research and training",
    "type.ngo": "NGO", "type.private_sector": "Private sector", "type.funder": "Funder", "type.international_organisation": "International organisation",
    "type.local_authority": "Local authority", "type.other": "Other",
    "cal.title": "Calendar", "cal.intro": "Meetings, webinars, forums and regional events of the Initiative. Signed-in users register; a reminder comes the day before.",
    "cal.subscribe": "Subscribe (iCalendar feed)", "cal.ics": "Add to my calendar (.ics)", "cal.past": "Show past events", "cal.type": "Type",
    "cal.none": "No event.", "cal.register": "Register", "cal.cancel": "Cancel my registration", "cal.registered": "You are registered.",
    "cal.cancelled": "Your registration is cancelled.", "cal.seats": "{left} of {capacity} seats left", "cal.open": "No seat limit",
    "cal.full": "Full", "cal.signIn": "Sign in to register.", "cal.over": "This event has taken place.", "cal.back": "All events",
    "cal.registrations": "Registrations ({n})", "cal.noRegistration": "Nobody has registered yet.",
    "event.meeting": "Meeting", "event.regional_event": "Regional event", "event.webinar": "Webinar", "event.forum": "Forum",
    "tw.title": "Twin regions", "tw.intro": "The pilot of objective F1: pairs of municipalities of the North and the South that act for soil carbon and learn from each other. KPI F1 counts the countries of the pairs whose two municipalities are published and verified (demo pairs never count).",
    "tw.none": "No twin pair yet.", "tw.counted": "counted by KPI F1", "tw.notCounted": "not counted by KPI F1",
    "tw.activities": "Actions and exchanges", "tw.noActivity": "No action or exchange recorded yet.", "tw.add": "Record an action or exchange",
    "tw.kind.action": "action", "tw.kind.exchange": "exchange", "tw.added": "Recorded.", "tw.map": "Map of the twin pairs",
    "tw.population": "{n} inhabitants",
    "f.activity_type": "Kind", "f.date": "Date", "f.description": "Description", "f.municipality_id": "In",
    "kind.reminder": "Reminders of my events",
  },
  fr: {
    "cm.nav.directory": "Annuaire", "cm.nav.calendar": "Agenda", "cm.nav.twins": "Jumelages",
    "dir.title": "Annuaire des membres", "dir.intro": "Les organisations membres et partenaires de l'Initiative 4 pour 1000, avec leurs projets et pratiques publiés.",
    "dir.q": "Nom", "dir.membership": "Adhésion", "dir.type": "Type", "dir.region": "Région", "dir.country": "Pays", "dir.any": "tous",
    "dir.filter": "Filtrer", "dir.found": "{n} organisation(s)", "dir.none": "Aucune organisation ne correspond à ces filtres.",
    "dir.map": "Carte des organisations par pays (cliquer sur un pays pour filtrer)", "dir.mapCount": "{country} : {n} organisation(s)",
    "dir.counts": "{projects} projet(s) · {practices} pratique(s)", "dir.website": "Site web", "dir.expertise": "Expertise",
    "dir.projects": "Projets publiés", "dir.practices": "Pratiques publiées", "dir.noProjects": "Aucun projet publié.",
    "dir.noPractices": "Aucune pratique publiée.", "dir.back": "Toutes les organisations", "dir.area": "{area} ha",
    "dir.member": "membre", "dir.partner": "partenaire", "dir.demo": "démo",
    "type.country": "Pays (gouvernement)", "type.farmers_organisation": "Organisation d'agriculteurs", "type.research": "Recherche et formation",
    "type.ngo": "ONG", "type.private_sector": "Secteur privé", "type.funder": "Bailleur de fonds", "type.international_organisation": "Organisation internationale",
    "type.local_authority": "Collectivité locale", "type.other": "Autre",
    "cal.title": "Agenda", "cal.intro": "Réunions, webinaires, forums et événements régionaux de l'Initiative. Les utilisateurs connectés s'inscrivent ; un rappel arrive la veille.",
    "cal.subscribe": "S'abonner (flux iCalendar)", "cal.ics": "Ajouter à mon agenda (.ics)", "cal.past": "Afficher les événements passés", "cal.type": "Type",
    "cal.none": "Aucun événement.", "cal.register": "S'inscrire", "cal.cancel": "Annuler mon inscription", "cal.registered": "Vous êtes inscrit(e).",
    "cal.cancelled": "Votre inscription est annulée.", "cal.seats": "{left} place(s) libre(s) sur {capacity}", "cal.open": "Sans limite de places",
    "cal.full": "Complet", "cal.signIn": "Connectez-vous pour vous inscrire.", "cal.over": "Cet événement a eu lieu.", "cal.back": "Tous les événements",
    "cal.registrations": "Inscriptions ({n})", "cal.noRegistration": "Personne ne s'est encore inscrit.",
    "event.meeting": "Réunion", "event.regional_event": "Événement régional", "event.webinar": "Webinaire", "event.forum": "Forum",
    "tw.title": "Jumelages", "tw.intro": "Le pilote de l'objectif F1 : des paires de communes du Nord et du Sud qui agissent pour le carbone du sol et apprennent l'une de l'autre. L'indicateur F1 compte les pays des paires dont les deux communes sont publiées et vérifiées (les paires de démonstration ne comptent jamais).",
    "tw.none": "Aucun jumelage pour l'instant.", "tw.counted": "compté par l'indicateur F1", "tw.notCounted": "non compté par l'indicateur F1",
    "tw.activities": "Actions et échanges", "tw.noActivity": "Aucune action ni échange enregistré.", "tw.add": "Enregistrer une action ou un échange",
    "tw.kind.action": "action", "tw.kind.exchange": "échange", "tw.added": "Enregistré.", "tw.map": "Carte des jumelages",
    "tw.population": "{n} habitants",
    "f.activity_type": "Nature", "f.date": "Date", "f.description": "Description", "f.municipality_id": "À",
    "kind.reminder": "Rappels de mes événements",
  },
  es: {
    "cm.nav.directory": "Directorio", "cm.nav.calendar": "Agenda", "cm.nav.twins": "Hermanamientos",
    "dir.title": "Directorio de miembros", "dir.intro": "Las organizaciones miembros y socias de la Iniciativa 4 por 1000, con sus proyectos y prácticas publicados.",
    "dir.q": "Nombre", "dir.membership": "Afiliación", "dir.type": "Tipo", "dir.region": "Región", "dir.country": "País", "dir.any": "todos",
    "dir.filter": "Filtrar", "dir.found": "{n} organización(es)", "dir.none": "Ninguna organización corresponde a estos filtros.",
    "dir.map": "Mapa de las organizaciones por país (haga clic en un país para filtrar)", "dir.mapCount": "{country}: {n} organización(es)",
    "dir.counts": "{projects} proyecto(s) · {practices} práctica(s)", "dir.website": "Sitio web", "dir.expertise": "Experiencia",
    "dir.projects": "Proyectos publicados", "dir.practices": "Prácticas publicadas", "dir.noProjects": "Ningún proyecto publicado.",
    "dir.noPractices": "Ninguna práctica publicada.", "dir.back": "Todas las organizaciones", "dir.area": "{area} ha",
    "dir.member": "miembro", "dir.partner": "socio", "dir.demo": "demo",
    "type.country": "País (gobierno)", "type.farmers_organisation": "Organización de agricultores", "type.research": "Investigación y formación",
    "type.ngo": "ONG", "type.private_sector": "Sector privado", "type.funder": "Financiador", "type.international_organisation": "Organización internacional",
    "type.local_authority": "Autoridad local", "type.other": "Otro",
    "cal.title": "Agenda", "cal.intro": "Reuniones, seminarios web, foros y eventos regionales de la Iniciativa. Los usuarios conectados se inscriben; un recordatorio llega la víspera.",
    "cal.subscribe": "Suscribirse (canal iCalendar)", "cal.ics": "Añadir a mi calendario (.ics)", "cal.past": "Mostrar los eventos pasados", "cal.type": "Tipo",
    "cal.none": "Ningún evento.", "cal.register": "Inscribirme", "cal.cancel": "Cancelar mi inscripción", "cal.registered": "Está inscrito/a.",
    "cal.cancelled": "Su inscripción está cancelada.", "cal.seats": "Quedan {left} de {capacity} plazas", "cal.open": "Sin límite de plazas",
    "cal.full": "Completo", "cal.signIn": "Inicie sesión para inscribirse.", "cal.over": "Este evento ya tuvo lugar.", "cal.back": "Todos los eventos",
    "cal.registrations": "Inscripciones ({n})", "cal.noRegistration": "Nadie se ha inscrito todavía.",
    "event.meeting": "Reunión", "event.regional_event": "Evento regional", "event.webinar": "Seminario web", "event.forum": "Foro",
    "tw.title": "Hermanamientos", "tw.intro": "El piloto del objetivo F1: pares de municipios del Norte y del Sur que actúan por el carbono del suelo y aprenden uno del otro. El indicador F1 cuenta los países de los pares cuyos dos municipios están publicados y verificados (los pares de demostración nunca cuentan).",
    "tw.none": "Ningún hermanamiento todavía.", "tw.counted": "contado por el indicador F1", "tw.notCounted": "no contado por el indicador F1",
    "tw.activities": "Acciones e intercambios", "tw.noActivity": "Ninguna acción ni intercambio registrado.", "tw.add": "Registrar una acción o un intercambio",
    "tw.kind.action": "acción", "tw.kind.exchange": "intercambio", "tw.added": "Registrado.", "tw.map": "Mapa de los hermanamientos",
    "tw.population": "{n} habitantes",
    "f.activity_type": "Naturaleza", "f.date": "Fecha", "f.description": "Descripción", "f.municipality_id": "En",
    "kind.reminder": "Recordatorios de mis eventos",
  },
};
i18n.add(MESSAGES);

export const ORG_TYPES = ["country", "farmers_organisation", "research", "ngo", "private_sector", "funder", "international_organisation", "local_authority", "other"];
export const EVENT_TYPES = ["meeting", "regional_event", "webinar", "forum"];

// A country's name in the page's language (the API gives {en, fr, es}), else its ISO3 code.
export function countryName(country, iso3, lang) {
  return country ? country[lang] || country.en : iso3 || "–";
}

// A small "demo" badge for demonstration records.
export function demoBadge(row, t) {
  return row.demo ? el("span", { class: "badge", "data-state": "demo" }, t("dir.demo")) : null;
}

// The world's countries (the platform's own boundaries, no tile server), fetched once.
let boundaries = null;
export async function worldBoundaries() {
  if (!boundaries) {
    const response = await fetch("/api/monitoring/boundaries.geojson");
    boundaries = response.ok ? await response.json() : { type: "FeatureCollection", features: [] };
  }
  return boundaries;
}
