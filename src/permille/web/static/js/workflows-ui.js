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

const drawings = new WeakMap();

// Draw a record's part of a page, or draw it again after an action: `build(part)` fills an off-screen
// fragment, shown whole, and only if no later drawing of `root` began meanwhile (an earlier one still
// waiting for its requests would otherwise add its tail to the new one: two discussions, one on top).
// True if this drawing is the one shown.
export async function draw(root, build) {
  const mine = (drawings.get(root) || 0) + 1;
  drawings.set(root, mine);
  const part = document.createDocumentFragment();
  await build(part);
  if (drawings.get(root) !== mine) return false;
  root.replaceChildren(part);
  return true;
}
