// Shared messages (en, fr, es) and helpers of the workflow pages: #/calls (calls for projects), #/helpdesk
// (regional helpdesks and their FAQ) and #/inbox (notifications). Field labels and region names come
// from accounts-ui.js.
import * as i18n from "./i18n.js";
import { el } from "./dom.js";
import "./accounts-ui.js";

export const REGIONS = ["Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"];
export const TOPICS = ["practices", "compensation_schemes", "ecosystem_services", "monitoring"];

// A state as a badge in the page's language.
export function stateBadge(state) {
  return el("span", { class: `badge state-${state}`, "data-state": state }, i18n.t(`state.${state}`));
}
