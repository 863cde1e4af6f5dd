// Messages in English, French and Spanish, and number/date formatting for the current language (Intl).
// Pages add their own messages with add({en: {...}, fr: {...}, es: {...}}); a key missing in the
// current language falls back to English, then to the key itself. "{name}" in a message is replaced
// by vars.name (numbers in vars are formatted for the language).

export const LANGUAGES = ["en", "fr", "es"];
const STORAGE_KEY = "permille.lang";
const messages = { en: {}, fr: {}, es: {} };
let current = initialLanguage();

function initialLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
  return LANGUAGES.includes(browser) ? browser : "en";
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

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unsupported language "${lang}"`);
  current = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

export function t(key, vars = {}) {
  const text = messages[current][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => {
    if (!(name in vars)) return match;
    const value = vars[name];
    return typeof value === "number" ? fmt.number(value) : String(value);
  });
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
