/*
 * The web shell of permille: header and navigation, language switch, optional sign-in, hash router.
 *
 * URLs are "#/<page>?<param>=<value>&…"; the params ARE the permalink: loading the URL restores the view.
 * Pages are ES modules loaded lazily from js/pages/<page>.js (monitoring is the default page) that export
 *
 *     export function render(root, params, ctx) { …; return () => { /* optional cleanup on leave *\/ }; }
 *
 * render may be async (return a Promise of the cleanup). params are strings (URL query values).
 * Leaflet (window.L) and Chart.js (window.Chart) are loaded globally by index.html (vendored, offline).
 * The page re-renders (cleanup, then render) when the hash changes, the language changes or the user
 * signs in or out. ctx is:
 *
 *   api(path, {method, body, form})  fetch /api<path> (a path starting /api/ is kept) with the sign-in
 *                                    token → parsed JSON (text when the answer is not JSON); throws an Error
 *                                    whose message is the API's error message (.status, .code, .details).
 *                                    body → JSON; form (FormData or object) → multipart. POST when a body
 *                                    or form is given, else GET, unless method says otherwise.
 *   t(key, vars)                     message in the current language ("{name}" ← vars.name) from the one
 *                                    catalogue (src/permille/locale, docs/translating.md); falls back to
 *                                    English, then to the key. Shared keys: common.*, shell.*.
 *   tn(key, n, vars)                 the plural form of key for the count n ("{n} countries").
 *   i18n.add({en: {…}, fr: {…}, es: {…}})   a page's own bundle, until scripts/i18n_from_js.py moves it
 *                                    into the catalogue (call it first in render).
 *   lang                             "en" | "fr" | "es".
 *   fmt.number(x, digits)            Intl number for the language: fr 1234.5 → "1 234,5"; "–" when missing.
 *   fmt.percent(fraction, digits=1)  0.125 → "12.5%" (the argument is a fraction, Intl convention).
 *   fmt.date(value, options)         ISO date string or Date → date in the language.
 *   fmt.range(lo, hi, digits)        uncertainty interval "10.1–14.5".
 *   navigate(page, params)           go to another page (a new history entry).
 *   setParams(params)                merge params into the permalink without re-rendering (null, undefined
 *                                    or "" remove a param); call it whenever the view changes.
 *   params()                         the current params (after setParams).
 *   onChange(callback)               callback({kind, action, id, country_iso3}) on each server-sent change
 *                                    event (GET /api/events); unsubscribed automatically on leave.
 *   exportLinks(container, {csv: url, geojson: url, …})   (re)fill container with download buttons for
 *                                    what the view shows (the URLs carry the view's filters); the files are
 *                                    fetched with the sign-in token. Call again when the filters change.
 *   download(filename, text, mime)   save text produced in the browser as a file.
 *   el(tag, attrs, ...children)      element builder (see dom.js).
 *   user                             the signed-in user (GET /api/me) or null.
 *   alive()                          false once the user has left the page (ignore late answers).
 *
 * Once render has returned (its Promise resolved), the page root carries data-state="ready" ("error" when
 * it threw): browser tests wait for main .page[data-state="ready"].
 * CSS classes for pages are listed at the top of css/app.css.
 */
import { renderAccountNav } from "./account-nav.js";
import "./workflows-ui.js"; // the workflow pages' messages (calls, helpdesk, inbox) and nav labels
import "./community-ui.js"; // the directory, calendar and twin-regions pages' messages and nav labels
import { api, apiUrl, downloadUrl, saveBlob, setToken, token } from "./api.js";
import { el } from "./dom.js";
import { subscribe } from "./events.js";
import * as i18n from "./i18n.js";

const DEFAULT_PAGE = "monitoring";
const PAGE_NAME = /^[a-z][a-z0-9-]*$/;

const main = document.getElementById("main");
const liveStatus = document.getElementById("live-status");
let user = null;
let current = null; // {page, params, cleanup, active, unsubscribers}
let generation = 0;

// ---------------------------------------------------------------- routing

function parseHash() {
  const hash = location.hash.startsWith("#/") ? location.hash.slice(2) : "";
  const [path, query = ""] = hash.split("?");
  const params = Object.fromEntries(new URLSearchParams(query));
  return { page: path || DEFAULT_PAGE, params };
}

function hashOf(page, params) {
  const entries = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "");
  const query = new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString();
  return `#/${page}${query ? `?${query}` : ""}`;
}

function navigate(page, params = {}) {
  const hash = hashOf(page, params);
  if (hash === location.hash) route();
  else location.hash = hash;
}

function setParams(params) {
  if (!current) return;
  const merged = { ...current.params, ...params };
  for (const [key, value] of Object.entries(merged)) {
    if (value === null || value === undefined || value === "") delete merged[key];
    else merged[key] = String(value);
  }
  current.params = merged;
  history.replaceState(null, "", hashOf(current.page, merged));
}

function leave() {
  if (!current) return;
  current.active = false;
  for (const unsubscribe of current.unsubscribers) unsubscribe();
  if (typeof current.cleanup === "function") {
    try {
      current.cleanup();
    } catch (error) {
      console.error(error);
    }
  }
  current = null;
}

function markNav(page) {
  for (const link of document.querySelectorAll(".site-nav a[data-page]")) {
    if (link.dataset.page === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  for (const group of document.querySelectorAll(".nav-group")) {
    group.classList.toggle("current", Boolean(group.querySelector('a[aria-current="page"]')));
  }
  setTitle();
}

async function route({ focus = false } = {}) {
  const { page, params } = parseHash();
  leave();
  const mine = ++generation;
  const state = { page, params, cleanup: null, active: true, unsubscribers: [] };
  current = state;
  markNav(page);
  main.replaceChildren();
  const root = el("div", { class: "page", "data-page": page });
  main.append(root);
  if (focus) main.focus({ preventScroll: true });
  if (!PAGE_NAME.test(page)) {
    root.append(el("p", { class: "error" }, i18n.t("shell.notFound", { page })));
    return;
  }
  root.append(el("p", { class: "muted loading" }, i18n.t("common.loading")));
  let module;
  try {
    module = await import(`./pages/${page}.js`);
  } catch (error) {
    if (mine !== generation) return;
    root.replaceChildren(el("p", { class: "error" }, i18n.t("shell.loadFailed", { message: error.message })));
    root.dataset.state = "error";
    throw error;
  }
  if (mine !== generation) return;
  root.replaceChildren();
  let cleanup;
  try {
    cleanup = await module.render(root, { ...params }, makeContext(state));
  } catch (error) {
    if (!state.active) return; // left (another page, a sign-out) while rendering
    // say why, rather than leave the page blank (a record that does not exist, a refused request)
    root.querySelector(":scope > .loading")?.remove();
    root.append(el("p", { class: "error", role: "alert" }, i18n.t("shell.loadFailed", { message: error.message })));
    root.dataset.state = "error";
    throw error;
  }
  if (state.active) {
    state.cleanup = cleanup;
    root.dataset.state = "ready";
  } else if (typeof cleanup === "function") cleanup();
}

// ---------------------------------------------------------------- page context

// A CSV download asks for its header row in the page's language (Accept-Language), with units (the API's
// default: machine names).
function inLanguage(format, url) {
  return format.endsWith("csv") ? `${url}${url.includes("?") ? "&" : "?"}header=labels` : url;
}

function exportLinks(container, urls) {
  const buttons = Object.entries(urls)
    .filter(([, url]) => url)
    .map(([format, given]) => {
      const url = inLanguage(format, given);
      // "csv", "geojson": the page's table; "<name>.csv": another table, named by its message export.<name>
      const [name, type] = format.includes(".") ? format.split(".") : [null, format];
      const label = type === "geojson" ? "GeoJSON" : type.toUpperCase();
      return el(
        "button",
        {
          type: "button",
          class: "btn btn-secondary export",
          "data-format": format,
          "data-url": apiUrl(url),
          onclick: async () => {
            try {
              await downloadUrl(url);
            } catch (error) {
              announce(i18n.t("common.downloadFailed", { message: error.message }));
            }
          },
        },
        name ? i18n.t(`export.${name}`, { format: label }) : i18n.t("common.download", { format: label }),
      );
    });
  container.replaceChildren(...buttons);
  container.classList.add("export-links");
  return container;
}

function download(filename, text, mime = "text/plain") {
  saveBlob(filename, new Blob([text], { type: `${mime};charset=utf-8` }));
}

// A page's requests go out only while it is shown: a render still running after the reader left it (another
// page, a sign-out) must not ask with the new reader's token, nor show what it gets. Its request never
// answers (the left page's code simply stops there, with no error to report).
function pageApi(state) {
  return (path, options) => (state.active ? api(path, options) : new Promise(() => {}));
}

function makeContext(state) {
  return {
    api: pageApi(state),
    t: i18n.t,
    tn: i18n.tn,
    i18n: { add: i18n.add },
    lang: i18n.language(),
    fmt: i18n.fmt,
    navigate,
    setParams,
    params: () => ({ ...state.params }),
    onChange(callback) {
      const unsubscribe = subscribe((change) => {
        if (state.active) callback(change);
      });
      state.unsubscribers.push(unsubscribe);
      return unsubscribe;
    },
    exportLinks,
    download,
    el,
    user,
    alive: () => state.active,
  };
}

function announce(message) {
  liveStatus.textContent = message;
}

// ---------------------------------------------------------------- language

function applyStaticMessages() {
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = i18n.t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", i18n.t(node.dataset.i18nAriaLabel));
  }
  setTitle();
}

function setTitle() {
  const section = document.querySelector(".site-nav [aria-current]")?.textContent;
  document.title = section ? `${section} — ${i18n.t("shell.brand")}` : i18n.t("shell.brand");
}

const languageSelect = document.getElementById("lang-select");
languageSelect.addEventListener("change", async () => {
  const lang = languageSelect.value;
  if (!i18n.isLoaded(lang)) {
    main.querySelector(".page")?.removeAttribute("data-state"); // not ready until re-rendered in the language
    await i18n.load(lang);
  }
  i18n.setLanguage(lang);
  applyStaticMessages();
  announce(""); // the last announcement was in the other language
  route();
});

// ---------------------------------------------------------------- sign-in

const dialog = document.getElementById("signin-dialog");
const form = document.getElementById("signin-form");
const signinError = document.getElementById("signin-error");
const signinButton = document.getElementById("signin-button");
const signoutButton = document.getElementById("signout-button");
const userName = document.getElementById("user-name");

function showUser() {
  signinButton.hidden = Boolean(user);
  signoutButton.hidden = !user;
  userName.hidden = !user;
  userName.textContent = user ? user.name || user.email : "";
  renderAccountNav(user, i18n.t);
}

async function loadUser() {
  if (!token()) {
    user = null;
    return;
  }
  try {
    user = await api("/me");
  } catch {
    setToken(null); // expired or revoked
    user = null;
  }
}

signinButton.addEventListener("click", () => {
  signinError.hidden = true;
  dialog.showModal();
});
document.getElementById("signin-cancel").addEventListener("click", () => dialog.close());
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  try {
    const answer = await api("/auth/token", { body: { email: data.get("email"), password: data.get("password") } });
    setToken(answer.access_token);
    await loadUser();
    form.reset();
    dialog.close();
    showUser();
    if (user) announce(i18n.t("auth.signedIn", { name: user.name || user.email, role: i18n.t(`opt.${user.role}`) }));
    route();
  } catch (error) {
    signinError.textContent = error.message;
    signinError.hidden = false;
  }
});
signoutButton.addEventListener("click", () => {
  setToken(null);
  user = null;
  showUser();
  announce(i18n.t("auth.signedOut"));
  route();
});

// ---------------------------------------------------------------- start

document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault(); // the hash belongs to the router
  main.focus();
});
// On a phone the menu opens under "Menu" and closes when a page is chosen.
const header = document.querySelector(".site-header");
const menuToggle = header.querySelector(".nav-toggle");
function openMenu(open) {
  header.classList.toggle("menu-open", open);
  menuToggle.setAttribute("aria-expanded", String(open));
}
menuToggle.addEventListener("click", () => openMenu(!header.classList.contains("menu-open")));

// A group of links in the header (a disclosure: the button shows or hides its list): it closes when a link is
// chosen, on Escape (focus back on its button) and on a click elsewhere. Folded open in the phone menu (CSS).
const groupToggles = [...header.querySelectorAll(".nav-group-toggle")];
function openGroup(toggle, open) {
  toggle.setAttribute("aria-expanded", String(open));
}
for (const toggle of groupToggles) {
  toggle.addEventListener("click", () => openGroup(toggle, toggle.getAttribute("aria-expanded") !== "true"));
}
document.addEventListener("click", (event) => {
  for (const toggle of groupToggles) if (!toggle.parentElement.contains(event.target)) openGroup(toggle, false);
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const toggle of groupToggles.filter((x) => x.getAttribute("aria-expanded") === "true")) {
    openGroup(toggle, false);
    toggle.focus();
  }
});

window.addEventListener("hashchange", () => {
  openMenu(false);
  for (const toggle of groupToggles) openGroup(toggle, false);
  if (location.hash === "" || location.hash.startsWith("#/")) route({ focus: true });
});

async function start() {
  await i18n.load(i18n.language());
  i18n.applyLanguage();
  for (const lang of i18n.LANGUAGES) i18n.load(lang).catch(console.warn); // a language switch without waiting
  languageSelect.value = i18n.language();
  applyStaticMessages();
  await loadUser();
  showUser();
  await route();
}

start();
