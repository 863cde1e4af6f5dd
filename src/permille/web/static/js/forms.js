// The one form renderer of the record pages: a form built from the JSON Schema of a record kind's Create (or
// Update) model, as GET /api/kinds/{kind} gives it, with labels, help texts and choices from ONE message
// catalogue (the messages of keys "<kind>.<field>", "*.<field>", "<kind>.<field>.help",
// "<kind>.<field>:<value>" in permille/locale, see i18n.js), in the page's language.
//
//   await loadCatalogue()                       the catalogue loaded (call before rendering)
//   const form = renderForm(container, schema, {kind, values, onSubmit, omit, optional, submitLabel})
//     omit: top-level fields left out; optional: required fields that may be left empty (an edit's
//     write-only password); onSubmit({data, problems}, form) may be async: the button waits for it;
//     choices: {field: [[value, label]]} a select of choices the schema cannot list (an organisation);
//     autocomplete: {field: token}; confirm: a password field asked twice (confirm_password, never sent)
//   The account pages' forms (apply, invite, password, profile…) are rendered the same way from the
//   schemas of GET /api/forms/{name}, labelled "<form>.<field>" in the same catalogue.
//     form.values()       → {data, problems}: the request body (empty optional fields left out or null)
//                            and the problems found while reading it (an unreadable number, bad JSON)
//     form.showErrors(details)  show the API's 422 details ({loc, message, type}) next to their fields,
//                            named by their labels, with a summary; the first bad field gets the focus;
//                            nothing typed is touched
//     form.clearErrors(), form.element, form.control(path)
//   parseNumber(text, lang) → {value} | {error}: "45,5" in fr/es is 45.5; in en "1,234.5" is 1234.5 and
//                            "45,5" is an error (never 455)
//   formatNumber(x, lang)  → "45,5" (fr/es), "45.5" (en): how a number is put back into a field
//   label(kind, path), choiceLabel(kind, path, value), help(kind, path): catalogue look-ups
//
// Numbers are typed in text inputs (inputmode decimal) and read here: a browser's number input reads
// "45,5" by the browser's locale, not the page's (Chromium in English drops the comma: 455).

import { el } from "./dom.js";
import { language, load, message, t, tn } from "./i18n.js";

// The API's validation types shown in the page's language (other messages are shown as the API wrote them).
const TYPE_MESSAGES = {
  missing: "forms.required",
  float_parsing: "forms.notNumber",
  float_type: "forms.notNumber",
  int_parsing: "forms.notInteger",
  int_from_float: "forms.notInteger",
  string_pattern_mismatch: "forms.pattern",
  string_too_short: "forms.tooShort",
  string_too_long: "forms.tooLong",
  greater_than: "forms.gt",
  greater_than_equal: "forms.ge",
  less_than: "forms.lt",
  less_than_equal: "forms.le",
  literal_error: "forms.choice",
  enum: "forms.choice",
  date_parsing: "forms.notDate",
  date_from_datetime_parsing: "forms.notDate",
};

export async function loadCatalogue() {
  await load(language());
}

function lookup(key) {
  return message(key);
}

function pathOf(path) {
  return (Array.isArray(path) ? path : String(path).split(".")).map(String);
}

// A field path without the map keys of a dict (assessments.scores.human_rights.score → scores.score).
function fieldKey(path, mapKeys) {
  return pathOf(path).filter((part, i) => !(mapKeys && i > 0 && mapKeys.has(pathOf(path).slice(0, i).join("."))));
}

// A path without its list positions (areas.0.name → areas.name): one catalogue entry serves every row.
const INDEX = /^\d+$/;
const named = (path) => pathOf(path).filter((part) => !INDEX.test(part));

export function label(kind, path) {
  const parts = named(path);
  const name = parts.join(".");
  return lookup(`${kind}.${name}`) ?? lookup(`${kind}.${parts.at(-1)}`) ?? lookup(`*.${name}`) ?? lookup(`*.${parts.at(-1)}`) ?? parts.at(-1);
}

export function help(kind, path) {
  const parts = named(path);
  const name = parts.join(".");
  return lookup(`${kind}.${name}.help`) ?? lookup(`${kind}.${parts.at(-1)}.help`) ?? lookup(`*.${name}.help`);
}

export function choiceLabel(kind, path, value) {
  const parts = named(path);
  const name = parts.join(".");
  return lookup(`${kind}.${name}:${value}`) ?? lookup(`${kind}.${parts.at(-1)}:${value}`) ?? lookup(`*.${name}:${value}`) ?? String(value);
}

export function kindLabel(kind) {
  return lookup(`kind.${kind}`) ?? kind;
}

// ---------------------------------------------------------------- numbers in the page's language

const SPACES = /[\s\u00a0\u202f]/g;

export function parseNumber(text, lang = language()) {
  const raw = String(text).trim().replace(/\u2212/g, "-").replace(SPACES, "");
  if (raw === "") return { value: null };
  const m = /^([+-]?)([0-9.,]*)(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (!m || !/\d/.test(m[2])) return { error: "notNumber" };
  let body = m[2];
  const commas = (body.match(/,/g) || []).length;
  const dots = (body.match(/\./g) || []).length;
  const grouped = (intPart, sep) => new RegExp(`^\\d{1,3}(\\${sep}\\d{3})+$`).test(intPart);
  if (lang === "en") {
    // "." decimal, "," only as a thousands separator in groups of three
    if (dots > 1) return { error: "notNumber" };
    const [intPart, frac] = body.split(".");
    if (commas) {
      if (!grouped(intPart, ",")) return { error: "notNumber" };
      body = intPart.replace(/,/g, "") + (frac !== undefined ? `.${frac}` : "");
    }
  } else if (commas && dots) {
    // both: the last one is the decimal mark, the other groups thousands (1.234,5 or 1,234.5)
    const decimal = body.lastIndexOf(",") > body.lastIndexOf(".") ? "," : ".";
    const group = decimal === "," ? "." : ",";
    const [intPart, frac, extra] = body.split(decimal);
    if (extra !== undefined || !grouped(intPart, group)) return { error: "notNumber" };
    body = `${intPart.split(group).join("")}.${frac}`;
  } else if (commas > 1 || dots > 1) {
    return { error: "notNumber" };
  } else if (lang === "es" && dots && /^[1-9]\d{0,2}\.\d{3}$/.test(body)) {
    return { error: "notNumber" }; // "12.345": thousands or decimals? (Spanish groups with a point)
  } else {
    body = body.replace(",", "."); // one mark, comma or point: the decimal mark
  }
  const value = Number(`${m[1]}${body}${m[3] !== undefined ? `e${m[3]}` : ""}`);
  return Number.isFinite(value) ? { value } : { error: "notNumber" };
}

export function formatNumber(x, lang = language()) {
  if (x === null || x === undefined || x === "") return "";
  const text = String(x);
  return lang === "en" ? text : text.replace(".", ",");
}

// ---------------------------------------------------------------- schema helpers

function resolve(schema, root) {
  if (schema && schema.$ref) return resolve(root.$defs[schema.$ref.split("/").pop()], root);
  return schema || {};
}

// {type, nullable, enum, format, ...} of a property: anyOf [X, null] is an optional X; anyOf of strings
// (an e-mail or "") is a string.
function shape(prop, root) {
  const s = resolve(prop, root);
  if (!s.anyOf) return { ...s, nullable: false };
  const options = s.anyOf.map((o) => resolve(o, root));
  const nonNull = options.filter((o) => o.type !== "null");
  const nullable = nonNull.length < options.length;
  const main = nonNull.length === 1 ? nonNull[0] : nonNull.every((o) => o.type === "string") ? { type: "string" } : nonNull[0];
  return { ...s, ...main, anyOf: undefined, nullable };
}

function widgetOf(name, s, root) {
  if (s.enum) return "select";
  if (s.type === "boolean") return "check";
  if (s.type === "integer" || s.type === "number") return "number";
  if (s.type === "array") {
    const item = resolve(s.items, root);
    if (item.type === "object" && item.properties) return "rows";
    if ((item.type === "number" || item.type === "integer") && s.minItems === s.maxItems && s.maxItems <= MAX_TUPLE) return "tuple";
    return "lines";
  }
  if (s.type === "object" && s.properties) return "group";
  if (s.type === "object") {
    const keys = s.propertyNames && resolve(s.propertyNames, root).enum;
    const value = s.additionalProperties && resolve(s.additionalProperties, root);
    return keys && value && value.properties ? "map" : "json";
  }
  if (s.format === "date") return "date";
  if (name.endsWith("password")) return "password";
  if (name.endsWith("email")) return "email";
  if ((s.maxLength || 0) >= 5000) return "text";
  return "string";
}

const COORDINATES = ["lon", "lat"];
const MAX_TUPLE = 12; // a fixed list of at most 12 numbers (a year's months) is a row of inputs
// A row of a list of objects: its position (String(slot) in a path) changes when a row above is removed;
// its serial, in element ids, never does.
let serials = 0;
class Slot {
  constructor(i) {
    this.i = i;
    this.serial = ++serials;
  }
  toString() {
    return String(this.i);
  }
}
const idOf = (prefix, path) => `${prefix}-${path.map((p) => (p instanceof Slot ? `r${p.serial}` : p)).join("-").replace(/[^A-Za-z0-9_-]/g, "_")}`;

// ---------------------------------------------------------------- the renderer

export function renderForm(container, schema, { kind, values = {}, onSubmit, omit = [], optional = [], submitLabel, idPrefix = "f", choices = {}, autocomplete = {}, confirm = null } = {}) {
  const lang = language();
  const fields = []; // {path, widget, shape, control, errorNode, wrapper, required}
  const mapKeys = new Set(); // paths of dict fields whose keys are choices (scores.<criterion>)
  const summary = el("div", { class: "form-errors error", role: "alert", hidden: true, tabindex: "-1" });
  const form = el("form", { class: "record-form stack", novalidate: true, "data-kind": kind });

  function build(parent, props, required, root, prefix, current) {
    for (const [name, prop] of Object.entries(props)) {
      if (prefix.length === 0 && omit.includes(name)) continue;
      const path = [...prefix, name];
      const s = shape(prop, root);
      const widget = prefix.length === 0 && choices[name] ? "choices" : widgetOf(name, s, root);
      const value = current?.[name];
      const isRequired = required.includes(name) && !(prefix.length === 0 && optional.includes(name));
      if (widget === "map") {
        mapKeys.add(path.join("."));
        const keys = resolve(s.propertyNames, root).enum;
        const inner = resolve(s.additionalProperties, root);
        const box = el("fieldset", { class: "form-group", id: idOf(idPrefix, path) }, el("legend", {}, label(kind, fieldKey(path, mapKeys))));
        const hint = help(kind, fieldKey(path, mapKeys));
        if (hint) box.append(el("p", { class: "muted small" }, hint));
        for (const key of keys) {
          const sub = el("fieldset", { class: "form-subgroup" }, el("legend", {}, choiceLabel(kind, fieldKey(path, mapKeys), key)));
          build(sub, inner.properties, inner.required || [], root, [...path, key], value?.[key]);
          box.append(sub);
        }
        fields.push({ path, widget, shape: s, control: box, errorNode: null, required: isRequired, group: true });
        parent.append(box);
        continue;
      }
      if (widget === "group") {
        const box = el("fieldset", { class: "form-group", id: idOf(idPrefix, path), "data-field": named(path).join(".") }, el("legend", {}, label(kind, path)));
        build(box, s.properties, s.required || [], root, path, value);
        fields.push({ path, widget, shape: s, control: box, errorNode: null, required: isRequired, group: true });
        parent.append(box);
        continue;
      }
      if (widget === "rows") {
        parent.append(rows(path, s, resolve(s.items, root), root, Array.isArray(value) ? value : s.default || []));
        continue;
      }
      if (widget === "tuple") {
        parent.append(tuple(path, s, value, isRequired));
        continue;
      }
      parent.append(field(path, s, widget, value, isRequired));
      if (prefix.length === 0 && confirm === name) parent.append(field(["confirm_password"], s, widget, value, isRequired, name));
    }
  }

  // A list of objects (a project's areas, an area's periods): one fieldset per row, rows added and removed.
  function rows(path, s, item, root, values) {
    const slots = [];
    const list = el("div", { class: "form-rows stack" });
    const legend = label(kind, path);
    const box = el("fieldset", { class: "form-group form-list", id: idOf(idPrefix, path), "data-field": named(path).join(".") }, el("legend", {}, legend));
    const hint = help(kind, path);
    if (hint) box.append(el("p", { class: "muted small" }, hint));
    const addButton = el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "add-row" }, t("forms.addRow", { what: label(kind, [...path, "item"]) }));
    const renumber = () => slots.forEach((slot, i) => {
      slot.i = i;
      slot.title.textContent = `${label(kind, [...path, "item"])} ${i + 1}`;
    });
    const addRow = (value) => {
      const slot = new Slot(slots.length);
      const rowPath = [...path, slot];
      const title = el("legend", {});
      slot.title = title;
      const row = el("fieldset", { class: "form-subgroup form-row", id: idOf(idPrefix, rowPath) }, title);
      slot.row = row;
      build(row, item.properties, item.required || [], root, rowPath, value || {});
      const remove = el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "remove-row" }, t("forms.removeRow"));
      remove.addEventListener("click", () => {
        slots.splice(slots.indexOf(slot), 1);
        for (let k = fields.length - 1; k >= 0; k--) if (fields[k].path.includes(slot)) fields.splice(k, 1);
        row.remove();
        renumber();
        form.dispatchEvent(new Event("change", { bubbles: true }));
      });
      row.append(el("div", { class: "actions" }, remove));
      slots.push(slot);
      list.append(row);
      renumber();
      return row;
    };
    for (const value of values) addRow(value);
    addButton.addEventListener("click", () => {
      const row = addRow({});
      form.dispatchEvent(new Event("change", { bubbles: true }));
      row.querySelector("input, select, textarea")?.focus();
    });
    box.append(list, el("div", { class: "actions" }, addButton));
    fields.push({ path, widget: "rows", shape: s, control: box, errorNode: null, group: true, slots });
    return box;
  }

  // A fixed list of numbers (12 months): one small input each, labelled by the month in the page's language.
  function tuple(path, s, value, isRequired) {
    const id = idOf(idPrefix, path);
    const n = s.maxItems;
    const months = n === 12 ? Array.from({ length: 12 }, (_, m) => new Intl.DateTimeFormat(lang, { month: "short" }).format(new Date(2001, m, 15))) : null;
    const errorNode = el("p", { class: "field-error error", id: `${id}-error`, hidden: true });
    const cells = el("div", { class: "form-tuple" });
    const box = el("fieldset", { class: "field form-tuple-field", id, "data-field": named(path).join(".") }, el("legend", {}, label(kind, path), isRequired ? el("span", { class: "required", "aria-hidden": "true" }, " *") : null));
    const hint = help(kind, path);
    if (hint) box.append(el("p", { class: "muted small", id: `${id}-help` }, hint));
    const item = s.items || {};
    for (let j = 0; j < n; j++) {
      const control = el("input", {
        id: `${id}-${j}`,
        name: `${path.join(".")}.${j}`,
        type: "text",
        inputmode: item.type === "integer" ? "numeric" : "decimal",
        autocomplete: "off",
        class: "num-input",
        "aria-label": `${label(kind, path)} ${months ? months[j] : j + 1}`,
        value: formatNumber(Array.isArray(value) ? value[j] ?? "" : "", lang),
      });
      control.setAttribute("aria-describedby", `${id}-error`);
      cells.append(el("label", { class: "form-tuple-cell" }, el("span", { class: "muted small" }, months ? months[j] : String(j + 1)), control));
      fields.push({ path: [...path, j], widget: "number", shape: { type: item.type || "number" }, control, errorNode, required: true });
    }
    box.append(cells, errorNode);
    return box;
  }

  function field(path, s, widget, value, isRequired, confirms = null) {
    const id = idOf(idPrefix, path);
    const key = fieldKey(path, mapKeys);
    const name = path.join(".");
    const labelText = label(kind, key);
    const hint = help(kind, key);
    const errorNode = el("p", { class: "field-error error", id: `${id}-error`, hidden: true });
    const describedBy = [hint ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" ");
    let control;
    if (widget === "choices") {
      control = el(
        "select",
        { id, name },
        isRequired ? null : el("option", { value: "" }, t("forms.none")),
        choices[name].map(([choice, text]) => el("option", { value: String(choice), selected: String(value ?? "") === String(choice) }, text)),
      );
      if (value === undefined || value === null) control.value = isRequired ? control.value : "";
    } else if (widget === "select") {
      const options = [];
      if (!isRequired || s.nullable || value === undefined) options.push(el("option", { value: "" }, t("forms.none")));
      for (const choice of s.enum) options.push(el("option", { value: String(choice), selected: value === choice }, choiceLabel(kind, key, choice)));
      control = el("select", { id, name }, options);
      if (value === undefined || value === null) control.value = "";
    } else if (widget === "check") {
      control = el("input", { id, name, type: "checkbox", checked: value === undefined ? Boolean(s.default) : Boolean(value) });
    } else if (widget === "number") {
      control = el("input", {
        id,
        name,
        type: "text",
        inputmode: s.type === "integer" ? "numeric" : "decimal",
        autocomplete: "off",
        value: formatNumber(value ?? "", lang),
        class: "num-input",
      });
    } else if (widget === "lines") {
      control = el("textarea", { id, name, rows: 3, value: Array.isArray(value) ? value.join("\n") : "" });
    } else if (widget === "json") {
      control = el("textarea", { id, name, rows: 6, spellcheck: "false", class: "code", value: value === undefined || value === null ? "" : JSON.stringify(value, null, 2) });
    } else if (widget === "text") {
      control = el("textarea", { id, name, rows: 4, value: value ?? "" });
    } else {
      const type = ["date", "password", "email"].includes(widget) ? widget : "text";
      const auto = widget === "password" ? (name.startsWith("current") ? "current-password" : "new-password") : widget === "email" ? "email" : "off";
      control = el("input", { id, name, type, value: value ?? "", autocomplete: autocomplete[name] || auto });
      if (s.maxLength) control.maxLength = s.maxLength;
    }
    control.setAttribute("aria-describedby", describedBy);
    if (isRequired) control.setAttribute("aria-required", "true");
    const wrapper = el(
      "div",
      { class: widget === "check" ? "field field-check" : "field", "data-field": name },
      widget === "check" ? [control, el("label", { for: id }, labelText)] : [el("label", { for: id }, labelText, isRequired ? el("span", { class: "required", "aria-hidden": "true" }, " *") : null), control],
      hint ? el("p", { class: "muted small", id: `${id}-help` }, hint) : null,
      errorNode,
    );
    fields.push({ path, widget, shape: s, control, errorNode, wrapper, required: isRequired, confirms });
    return wrapper;
  }

  // the coordinates (and their map) after the other fields
  const properties = Object.entries(schema.properties || {});
  const ordered = Object.fromEntries([...properties.filter(([n]) => !COORDINATES.includes(n)), ...properties.filter(([n]) => COORDINATES.includes(n))]);
  build(form, ordered, schema.required || [], schema, [], values);
  const coordinates = addMapPicker(form, fields, lang);
  form.prepend(summary);
  const submitButton = el("button", { type: "submit", class: "btn" }, submitLabel || t("forms.save"));
  form.append(el("div", { class: "actions" }, submitButton));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!onSubmit || submitButton.disabled) return;
    submitButton.disabled = true; // one request per click: a double click must not create two records
    form.setAttribute("aria-busy", "true");
    try {
      await onSubmit(api.values(), api);
    } finally {
      submitButton.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  container.append(form);

  function read(f) {
    const { control, widget, shape: s } = f;
    if (widget === "check") return { value: control.checked };
    const raw = control.value;
    const empty = raw.trim() === "";
    if (empty) return { empty: true };
    if (widget === "number") {
      const parsed = parseNumber(raw, lang);
      if (parsed.error) return { error: t("forms.notNumber", { example: formatNumber(45.5, lang) }) };
      if (s.type === "integer" && !Number.isInteger(parsed.value)) return { error: t("forms.notInteger") };
      return { value: parsed.value };
    }
    if (widget === "lines") return { value: raw.split("\n").map((line) => line.trim()).filter(Boolean) };
    if (widget === "json") {
      try {
        return { value: JSON.parse(raw) };
      } catch (error) {
        return { error: t("forms.notJson", { message: error.message }) };
      }
    }
    if (widget === "select") {
      const choice = s.enum.find((c) => String(c) === raw);
      return { value: choice ?? raw };
    }
    if (widget === "choices") {
      const choice = choices[f.path[0]].find(([c]) => String(c) === raw);
      return { value: choice ? choice[0] : raw };
    }
    return { value: raw };
  }

  // "Scores › Human rights › Score (0–5)": the labels of a field and of the dict keys above it
  function fullLabel(path) {
    const parts = [];
    for (let i = 0; i < path.length; i++) {
      const before = path.slice(0, i).join(".");
      if (path[i] instanceof Slot) parts.push(`${label(kind, [...path.slice(0, i), "item"])} ${path[i].i + 1}`);
      else if (i > 0 && mapKeys.has(before)) parts.push(choiceLabel(kind, fieldKey(path.slice(0, i), mapKeys), path[i]));
      else if (i === path.length - 1 || mapKeys.has(path.slice(0, i + 1).join("."))) parts.push(label(kind, fieldKey(path.slice(0, i + 1), mapKeys)));
    }
    return parts.join(" › ");
  }

  const api = {
    element: form,
    label: fullLabel,
    coordinates,
    control(path) {
      return fields.find((f) => f.path.join(".") === pathOf(path).join("."))?.control || null;
    },
    values() {
      const data = {};
      const problems = [];
      for (const f of fields) {
        if (f.group) continue;
        if (f.confirms) {
          const other = fields.find((g) => g.path.join(".") === f.confirms);
          if (other && other.control.value !== f.control.value) problems.push({ loc: f.path, message: t("forms.mismatch"), type: "client" });
          continue; // checked here, never sent
        }
        const result = read(f);
        if (result.error) {
          problems.push({ loc: f.path, message: result.error, type: "client" });
          continue;
        }
        let value = result.value;
        if (result.empty) {
          if (f.widget === "lines") value = [];
          else if (f.shape.nullable) value = null;
          else if (f.shape.type === "string" && !f.required && f.shape.default === "") value = "";
          else continue; // left out: the API's default, or its "required"
        }
        put(data, f.path, value);
      }
      for (const f of fields) if (f.widget === "rows" && !f.slots.length) put(data, f.path, []);
      return { data, problems };
    },
    clearErrors() {
      summary.hidden = true;
      summary.replaceChildren();
      for (const f of fields) {
        if (f.errorNode) {
          f.errorNode.hidden = true;
          f.errorNode.textContent = "";
        }
        f.control.removeAttribute("aria-invalid");
      }
    },
    showErrors(details) {
      api.clearErrors();
      const items = [];
      let first = null;
      for (const detail of details || []) {
        const loc = (detail.loc || (detail.column ? [detail.column] : [])).map(String);
        const path = loc[0] === "body" ? loc.slice(1) : loc;
        const target = bestField(fields, path);
        const message = messageOf(detail);
        const name = target ? fullLabel(target.path) : path.length ? label(kind, path) : t("forms.record");
        const where = target && target.path.length < path.length ? ` (${path.slice(target.path.length).join(".")})` : "";
        const text = `${name}${where}: ${message}`;
        if (target) {
          target.control.setAttribute("aria-invalid", "true");
          const node = target.errorNode || target.control.querySelector("legend");
          if (target.errorNode) {
            node.hidden = false;
            node.textContent = node.textContent ? `${node.textContent}; ${message}` : message;
          }
          first ??= target;
        }
        items.push(el("li", {}, target ? el("a", { href: `#${target.control.id}`, onclick: (e) => { e.preventDefault(); focusField(target); } }, text) : text));
      }
      summary.replaceChildren(el("p", {}, tn("forms.problems", items.length)), el("ul", {}, items));
      summary.hidden = items.length === 0;
      if (first) focusField(first);
      else if (items.length) summary.focus();
    },
  };
  return api;
}

// Sets data at path: a list position (a row's slot or a number) makes a list, a name an object.
function put(data, path, value) {
  const key = (part) => (part instanceof Slot ? part.i : part);
  let target = data;
  for (let k = 0; k < path.length - 1; k++) {
    const next = path[k + 1];
    target = target[key(path[k])] ??= next instanceof Slot || typeof next === "number" ? [] : {};
  }
  target[key(path.at(-1))] = value;
}

// A detail's message in the page's language where its type is known; the limit ({limit}) is the last
// number of the API's English message ("Input should be greater than 0").
function messageOf(detail) {
  const key = TYPE_MESSAGES[detail.type];
  if (!key) return detail.message || "";
  const limit = /(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\D*$/i.exec(detail.message || "");
  return t(key, { example: formatNumber(45.5), limit: limit ? Number(limit[1]) : "?" });
}

function bestField(fields, path) {
  let best = null;
  for (const f of fields) {
    const p = f.path.map(String);
    if (p.length <= path.length && p.every((part, i) => part === path[i]) && (!best || p.length > best.path.length)) best = f;
  }
  return best;
}

function focusField(f) {
  const control = f.group ? f.control.querySelector("input, select, textarea") || f.control : f.control;
  control.focus();
  control.scrollIntoView?.({ block: "center" });
}

// A Leaflet map next to lon/lat fields: a click sets them, typing moves the marker.
let boundaries = null;

function addMapPicker(form, fields, lang) {
  const lon = fields.find((f) => f.path.join(".") === "lon");
  const lat = fields.find((f) => f.path.join(".") === "lat");
  if (!lon || !lat || typeof window.L === "undefined") return null;
  const box = el("div", { class: "map map-picker", role: "application", "aria-label": t("forms.pickOnMap") });
  const wrap = el("div", { class: "field" }, el("p", { class: "muted small" }, t("forms.pickOnMap")), box);
  lat.wrapper.after(wrap);
  const L = window.L;
  const map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 12 }).setView([15, 10], 1);
  let marker = null;
  const place = () => {
    const x = parseNumber(lon.control.value, lang).value;
    const y = parseNumber(lat.control.value, lang).value;
    if (typeof x !== "number" || typeof y !== "number" || Math.abs(x) > 180 || Math.abs(y) > 90) return;
    if (!marker) marker = L.circleMarker([y, x], { radius: 7, color: "#5b3a1e", weight: 2 }).addTo(map);
    else marker.setLatLng([y, x]);
  };
  map.on("click", (event) => {
    const { lat: y, lng } = event.latlng;
    const x = ((((lng + 180) % 360) + 360) % 360) - 180;
    lon.control.value = formatNumber(Number(x.toFixed(5)), lang);
    lat.control.value = formatNumber(Number(y.toFixed(5)), lang);
    place();
  });
  lon.control.addEventListener("change", place);
  lat.control.addEventListener("change", place);
  place();
  addOutline(map);
  setTimeout(() => map.invalidateSize(), 0);
  return map;
}

// The world's countries as the base map of a Leaflet map (the platform's own boundaries: no tile server,
// works offline); the map works without them.
export async function addOutline(map) {
  try {
    if (!boundaries) {
      const response = await fetch("/api/monitoring/boundaries.geojson");
      if (response.ok) boundaries = await response.json();
    }
    if (boundaries) {
      const style = { color: "#8a7f70", weight: 0.6, fillColor: "#efe9dd", fillOpacity: 1 };
      window.L.geoJSON(boundaries, { style, interactive: false }).addTo(map).bringToBack();
    }
  } catch {
    // no outline: the points are still shown
  }
}
