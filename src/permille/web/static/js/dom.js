// el(tag, attrs, ...children): build an element.
// attrs: "class" → className; "on<event>" with a function → listener; value/checked/selected/disabled/
// hidden → properties; true → empty attribute; false/null/undefined → left out; anything else → attribute.
// children: strings, numbers, nodes and (nested) arrays; null/undefined/false are skipped.

const PROPERTIES = new Set(["value", "checked", "selected", "disabled", "hidden"]);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      if (value) node.className = value;
    } else if (PROPERTIES.has(key)) {
      node[key] = value;
    } else if (value === true) {
      node.setAttribute(key, "");
    } else if (value !== false && value !== null && value !== undefined) {
      node.setAttribute(key, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

// A source line of the server as nodes: what it is (in the page's language) and, after the first " — ", the
// citation quoted in its own language, marked as such (<cite lang="en">) for readers, screen readers and
// the translation checks.
export function sourceText(text) {
  const at = String(text).indexOf(" — ");
  return at < 0 ? [String(text)] : [text.slice(0, at + 3), el("cite", { lang: "en" }, text.slice(at + 3))];
}

// The catalogue message `key` of `t` with its `{name}` placeholder filled with `nodes` (an element, a text
// or an array of them) and its other placeholders with `vars`: e.g. "Source : " followed by a citation.
export function fillNodes(t, key, name, nodes, vars = {}) {
  const mark = "\u0000";
  const [before, after = ""] = t(key, { ...vars, [name]: mark }).split(mark);
  return [before, nodes, after].flat().filter((n) => n !== "");
}

// A quotation in English (a publication's title, a dataset's name): not translated, marked for the reader.
export function quotedEnglish(text) {
  return el("cite", { lang: "en" }, text);
}
