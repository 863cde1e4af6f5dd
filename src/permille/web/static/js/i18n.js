// Messages in English, French and Spanish from the one catalogue (gettext .po files, served per language
// as JSON by GET /api/i18n/<lang>), and number/date formatting for the current language (Intl).
//
//   await load(lang)       fetch the language's catalogue (and English, the fallback) once
//   t(key, vars)           the message of key; "{name}" is replaced by vars.name (numbers formatted for
//                          the language); falls back to English, then to the key (both recorded: missing())
//   tn(key, n, vars)       the plural form of key for the count n (CLDR rules, Intl.PluralRules); {n} is n
//   message(key)           the text of key in the language, or null (no fallback, not recorded)
//   countryName(iso3, fallback)   the country's name in the language (CLDR, the server's one source)
//   languageName(code)     a language's name in the language (CLDR, through Intl.DisplayNames)
//   colon(label)           "label:" before a value, as the language writes it (French: "label :")
//   add({en, fr, es})      a page's own bundle (only until scripts/i18n_from_js.py moves it to the catalogue)

export const LANGUAGES = ["en", "fr", "es"];
const STORAGE_KEY = "permille.lang";
const messages = { en: {}, fr: {}, es: {} };
const countries = { en: {}, fr: {}, es: {} };
const loading = {};
const absent = new Set();
let current = initialLanguage();

function initialLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
  return LANGUAGES.includes(browser) ? browser : "en";
}

function fetchCatalogue(lang) {
  loading[lang] ??= fetch(`/api/i18n/${lang}`)
    .then((response) => {
      if (!response.ok) throw new Error(`/api/i18n/${lang}: ${response.status}`);
      return response.json();
    })
    .then((body) => {
      messages[lang] = { ...body.messages, ...messages[lang] }; // a page's own bundle is newer
      countries[lang] = body.countries;
    })
    .catch((error) => {
      delete loading[lang];
      throw error;
    });
  return loading[lang];
}

export function isLoaded(lang) {
  return Object.keys(countries[lang]).length > 0;
}

export async function load(lang = current) {
  await Promise.all([...new Set(["en", lang])].map(fetchCatalogue));
}

export function add(bundle) {
  for (const [lang, entries] of Object.entries(bundle)) {
    if (!messages[lang]) throw new Error(`unsupported language "${lang}" (use ${LANGUAGES.join(", ")})`);
    Object.assign(messages[lang], entries);
  }
}

export function language() {
  return current;
}

// The reader's choice: kept for their next visit (localStorage), set on the document.
export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unsupported language "${lang}"`);
  current = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

// The language found at start-up, set on the document only: a choice stored meanwhile (another tab) is kept.
export function applyLanguage() {
  document.documentElement.lang = current;
}

// The keys looked up but missing from the catalogue, as "lang:key" (the translation test reads them: missingKeys()).
export function missingKeys() {
  return [...absent].sort();
}

export function message(key) {
  return messages[current][key] ?? null;
}

export function countryName(iso3, fallback = iso3) {
  return countries[current]?.[String(iso3 || "").toUpperCase()] ?? fallback;
}

// "label:" the way the language writes it before a value ("Sources :" in French), from the catalogue.
export function colon(label) {
  return t("common.colon", { label });
}

// A language's name in the page's language (fr → "French", "français", "francés"): CLDR's, through Intl.
export function languageName(code) {
  return new Intl.DisplayNames([current], { type: "language" }).of(code);
}

function entry(key) {
  const found = messages[current][key];
  if (found !== undefined) return found;
  absent.add(`${current}:${key}`);
  return messages.en[key] ?? key;
}

function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (match, name) => {
    if (!(name in vars)) return match;
    const value = vars[name];
    return typeof value === "number" ? fmt.number(value) : String(value);
  });
}

function pluralForm(found, n) {
  if (typeof found === "string") return found;
  return found[new Intl.PluralRules(current).select(n)] ?? found.other;
}

export function t(key, vars = {}) {
  const found = entry(key);
  return fill(typeof found === "string" ? found : pluralForm(found, vars.n ?? 0), vars);
}

export function tn(key, n, vars = {}) {
  return fill(pluralForm(entry(key), n), { n, ...vars });
}

function numberFormat(options) {
  return new Intl.NumberFormat(current, options);
}

function fixed(digits) {
  return digits === undefined
    ? { maximumFractionDigits: 2 }
    : { minimumFractionDigits: digits, maximumFractionDigits: digits };
}

function missing(x) {
  return x === null || x === undefined || Number.isNaN(x);
}

function parseDate(value) {
  if (value instanceof Date) return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
  return new Date(value);
}

// Formatting for the current language; null/undefined/NaN give "–" (an honest "no value").
export const fmt = {
  // number(1234.5) → "1,234.5" (en), "1 234,5" (fr), "1234,5" (es); digits fixes the decimals.
  number(x, digits) {
    return missing(x) ? "–" : numberFormat(fixed(digits)).format(x);
  },
  // percent(0.125) → "12.5%" (en), "12,5 %" (fr): the argument is a FRACTION (Intl convention).
  percent(fraction, digits = 1) {
    return missing(fraction) ? "–" : numberFormat({ style: "percent", ...fixed(digits) }).format(fraction);
  },
  // date("2024-05-01") or a Date → "1 May 2024" in the language (ISO dates are read as UTC days).
  date(value, options = { dateStyle: "medium", timeZone: "UTC" }) {
    if (missing(value) || value === "") return "–";
    return new Intl.DateTimeFormat(current, options).format(parseDate(value));
  },
  // range(10.1, 14.5, 1) → "10.1–14.5": an uncertainty interval.
  range(lo, hi, digits) {
    if (missing(lo) && missing(hi)) return "–";
    return `${fmt.number(lo, digits)}–${fmt.number(hi, digits)}`;
  },
};
