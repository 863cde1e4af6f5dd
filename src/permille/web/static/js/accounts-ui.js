// Shared by the account pages (apply, invitation, password, profile, users, review, outbox, my
// organisation): their messages in en/fr/es, accountForm (the pages' forms, rendered by the record forms'
// renderer js/forms.js from the JSON Schema of the request they send, GET /api/forms/{name}, labelled from
// the one catalogue messages/records.json), small helpers for the forms that are not a request's schema
// (a user's row, a search) and a confirmation dialog before destructive actions.
import { el } from "./dom.js";
import { loadCatalogue, renderForm } from "./forms.js";
import * as i18n from "./i18n.js";

export const t = i18n.t;
let fieldCount = 0;

// The form of the request ``name`` (apply, invite, password, change-password, profile, forgot-password),
// rendered by js/forms.js from its JSON Schema: onSubmit(data, form) sends it and may throw the API's error,
// shown on the form (422 details next to their fields, by their labels; the first bad field focused).
// Options are renderForm's (values, omit, choices, autocomplete, confirm, submitLabel). Returns the form
// (form.element to place on the page).
export async function accountForm(ctx, name, { onSubmit, ...options }) {
  const [schema] = await Promise.all([ctx.api(`/forms/${name}`), loadCatalogue()]);
  const form = renderForm(document.createElement("div"), schema, {
    kind: name,
    idPrefix: `acc-${name}`,
    ...options,
    onSubmit: async ({ data, problems }) => {
      if (problems.length) return form.showErrors(problems);
      form.clearErrors(); // nothing stale left on screen
      try {
        await onSubmit(data, form);
      } catch (error) {
        form.showErrors(error.details?.length && typeof error.details[0] === "object" ? error.details : [{ loc: [], message: error.message }]);
      }
      return undefined;
    },
  });
  form.element.classList.add("account-form");
  return form;
}

// A labelled control: {name, type: text|email|password|textarea|select|checkbox, options: [values] (labels
// "opt.<value>") or [[value, label]], value, required, autocomplete, help}. The label is "f.<name>".
export function field({ name, type = "text", options, value, required = false, autocomplete, help, label }) {
  const id = `acc-${name}-${++fieldCount}`;
  const labelText = label || t(`f.${name}`);
  const describedBy = [];
  const helpNode = help ? el("p", { class: "small muted", id: `${id}-help` }, help) : null;
  if (helpNode) describedBy.push(helpNode.id);
  const errorNode = el("p", { class: "error field-error", id: `${id}-error`, hidden: true });
  describedBy.push(errorNode.id);
  const common = { id, name, required, autocomplete, "aria-describedby": describedBy.join(" ") };
  let control;
  if (type === "textarea") control = el("textarea", { ...common, rows: 5 }, value ?? "");
  else if (type === "select") {
    control = el(
      "select",
      common,
      options.map((option) => {
        const [optionValue, optionLabel] = Array.isArray(option) ? option : [option, t(`opt.${option}`)];
        return el("option", { value: optionValue, selected: String(optionValue) === String(value ?? "") }, optionLabel);
      }),
    );
  } else if (type === "checkbox") {
    control = el("input", { ...common, type: "checkbox", checked: Boolean(value), required: false });
    return el("div", { class: "field field-check", "data-field": name }, el("label", { for: id }, control, " ", labelText), helpNode, errorNode);
  } else control = el("input", { ...common, type, value: value ?? "" });
  return el(
    "div",
    { class: "field", "data-field": name },
    el("label", { for: id }, labelText, required ? el("span", { class: "muted small" }, ` (${t("acc.required")})`) : null),
    control,
    helpNode,
    errorNode,
  );
}

// The values of a form's named controls (checkboxes → booleans; empty optional text → left out).
export function values(form) {
  const out = {};
  for (const control of form.querySelectorAll("[name]")) {
    if (control.type === "checkbox") out[control.name] = control.checked;
    else if (control.value !== "" || control.required) out[control.name] = control.value;
  }
  return out;
}

export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-error");
  if (summary) summary.hidden = true;
}

// Show an API error on its form: each 422 detail next to its field (the field's label, never its path),
// the others in the form's summary; the first bad field gets the focus. Nothing typed is lost.
export function showError(form, error) {
  clearErrors(form);
  const summary = form.querySelector(".form-error");
  const loose = [];
  let first = null;
  for (const detail of error.details || []) {
    const loc = Array.isArray(detail.loc) ? detail.loc : [];
    const name = [...loc].reverse().find((part) => form.querySelector(`[data-field="${part}"]`));
    const box = name ? form.querySelector(`[data-field="${name}"]`) : null;
    if (!box) {
      loose.push(detail.message || String(detail));
      continue;
    }
    const node = box.querySelector(".field-error");
    node.textContent = node.textContent ? `${node.textContent}; ${detail.message}` : detail.message;
    node.hidden = false;
    const control = box.querySelector("input, select, textarea");
    control.setAttribute("aria-invalid", "true");
    first = first || control;
  }
  summary.textContent = first && !loose.length ? t("acc.fixFields") : [error.message, ...loose].join(" — ");
  summary.hidden = false;
  (first || summary).focus();
}

// A form with its fields, a summary error box and a submit button; onSubmit(values, form) may throw an
// API error (shown on the form).
export function form({ fields, submit, onSubmit, extra = [] }) {
  const node = el(
    "form",
    { class: "stack account-form", novalidate: true },
    fields,
    extra,
    el("p", { class: "error form-error", role: "alert", tabindex: "-1", hidden: true }),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "btn" }, submit)),
  );
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = node.querySelector('button[type="submit"]');
    button.disabled = true;
    clearErrors(node);
    try {
      await onSubmit(values(node), node);
    } catch (error) {
      showError(node, error);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

// A modal confirmation (Escape or Cancel: false). withText: also ask for a text (a reason, a comment),
// required; resolves to the text then.
export function confirmAction(message, { withText = null, confirmLabel = t("acc.confirm") } = {}) {
  return new Promise((resolve) => {
    const textField = withText ? field({ name: withText, type: "textarea", required: true }) : null;
    const error = el("p", { class: "error", role: "alert", hidden: true });
    const dialog = el(
      "dialog",
      { class: "confirm-dialog", "aria-label": message },
      el(
        "form",
        { method: "dialog", class: "stack" },
        el("p", {}, message),
        textField,
        error,
        el(
          "div",
          { class: "actions" },
          el("button", { type: "submit", class: "btn", value: "yes" }, confirmLabel),
          el("button", { type: "submit", class: "btn btn-secondary", value: "no", formnovalidate: true }, t("acc.cancel")),
        ),
      ),
    );
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (event.submitter?.value !== "yes") return finish(withText ? null : false);
      if (!withText) return finish(true);
      const text = dialog.querySelector("textarea").value.trim();
      if (!text) {
        error.textContent = `${i18n.colon(t(`f.${withText}`))} ${t("acc.required")}`;
        error.hidden = false;
        dialog.querySelector("textarea").focus();
        return;
      }
      finish(text);
    });
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(withText ? null : false);
    });
    document.body.append(dialog);
    dialog.showModal();
    (textField ? dialog.querySelector("textarea") : dialog.querySelector('button[value="no"]')).focus();
  });
}

// A page that needs a role: renders a message and returns false when the user may not see it.
export function gate(root, ctx, roles = null) {
  if (!ctx.user) {
    root.append(el("p", { class: "notice" }, t("acc.signInFirst")));
    return false;
  }
  if (roles && !roles.includes(ctx.user.role)) {
    root.append(el("p", { class: "notice" }, t("acc.notAllowed")));
    return false;
  }
  return true;
}

// A record kind's name in the page's language (its URL name when there is none).
export function kindName(kind) {
  const key = `kind.${kind}`;
  const name = t(key);
  return name === key ? kind : name;
}

// A field's label in the page's language where the account pages have one, else its name.
export function fieldName(name) {
  const key = `f.${name}`;
  const label = t(key);
  return label === key ? name : label;
}

export function notice(text, kind = "notice") {
  return el("p", { class: kind, role: kind === "error" ? "alert" : "status", tabindex: "-1" }, text);
}
