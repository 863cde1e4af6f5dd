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
