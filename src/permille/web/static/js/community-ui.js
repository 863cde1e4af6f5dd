// Shared messages (en, fr, es) and helpers of the member directory (#/directory), the calendar
// (#/calendar) and the twin-regions pilot (#/twins): nav labels, org types, event types, the inbox's
// "reminder" kind. Region names (opt.<region>) come from accounts-ui.js.
import * as i18n from "./i18n.js";
import { el } from "./dom.js";

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
