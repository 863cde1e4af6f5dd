// Records page: every record kind of the registry (GET /api/kinds), each with a list (search, filters, sort,
// pages, CSV/GeoJSON exports), a record's detail and history, and the writes the caller's role may do —
// create, edit, publish and withdraw from publication (Secretariat) — in forms rendered by js/forms.js from
// the kind's JSON Schema. Observations also take a CSV file (POST /api/observations/ingest, all or nothing).
// Permalinks: #/records, #/records?kind=sites&q=…&sort=-name&page=2, #/records?kind=sites&id=7,
// #/records?kind=sites&id=7&view=edit|history, #/records?kind=sites&view=new.
// Every write goes through the API (ctx.api): the pages have no other way to change a record.

import { addOutline, choiceLabel, kindLabel, label, loadCatalogue, renderForm } from "../forms.js";
import { library, thread } from "../discussion.js";
import { colon, countryName } from "../i18n.js";

const PAGE_SIZE = 20;
const DISCUSSED = new Set(["projects", "practices"]); // kinds with documents and a comment thread
const SEARCH_DELAY_MS = 300;
const PRIMARY = ["name", "title", "subject", "label", "email", "tool", "country_iso3"];
const HIDDEN_IN_LIST = new Set(["description", "summary", "notes", "balance_input", "expected_impact", "question", "answer", "how", "methodology", "findings", "evidence", "references", "scores"]);

// Columns of a list where the general rule (id, main text, filter fields) would not say what a row is.
const COLUMNS = {
  observations: ["id", "site_id", "upper_cm", "lower_cm", "property", "value", "uncertainty", "unit", "date", "published"],
  "budget-lines": ["id", "label", "objective", "year", "amount", "currency", "status", "published"],
};
const SYSTEM_FIELDS = new Set(["id", "created_at", "updated_at", "version", "organisation_id", "published"]);

// The writer of a history entry: name, organisation and, for the Secretariat only (the API sends it to
// no one else), the e-mail address.
function who(entry) {
  const organisation = entry.actor_organisation ? ` (${entry.actor_organisation})` : "";
  const email = entry.actor_email && entry.actor_email !== entry.actor ? ` <${entry.actor_email}>` : "";
  return `${entry.actor}${organisation}${email}`;
}

export async function render(root, params, ctx) {
  await loadCatalogue();
  const { el, t } = ctx;
  if (!params.kind) return renderIndex(root, ctx);
  const kind = await ctx.api(`/kinds/${encodeURIComponent(params.kind)}`);
  if (!kind.readable) {
    put(root, el("h1", {}, kindLabel(kind.name)), el("p", { class: "notice" }, t("rec.notReadable")));
    return undefined;
  }
  if (params.view === "new") return renderCreate(root, ctx, kind);
  if (params.id) {
    const record = await ctx.api(`/${kind.name}/${encodeURIComponent(params.id)}`);
    if (params.view === "edit") return renderEdit(root, ctx, kind, record);
    if (params.view === "history") return renderHistory(root, ctx, kind, record);
    return renderDetail(root, ctx, kind, record);
  }
  return renderList(root, params, ctx, kind);
}

// ---------------------------------------------------------------- helpers

function put(root, ...nodes) {
  root.append(...nodes.filter((node) => node !== null && node !== undefined && node !== false));
}

function link(ctx, params, text, attrs = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  return ctx.el("a", { href: `#/records?${query}`, ...attrs }, text);
}

function canUpdate(kind, record, user) {
  const scope = kind.writes.update;
  return scope === "any" || (scope === "own" && user && user.organisation_id !== null && user.organisation_id === record.organisation_id);
}

function primaryField(kind) {
  return PRIMARY.find((f) => kind.fields.includes(f)) || "id";
}

// A value as the page shows it: choices by their labels, numbers in the language, yes/no, lists, JSON.
function display(ctx, kind, field, value) {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? ctx.t("rec.yes") : ctx.t("rec.no");
  // identifiers and years are written without grouping (2026, not "2 026")
  if (typeof value === "number") return field === "id" || field.endsWith("_id") || field === "year" || field.endsWith("_year") || field === "version" ? String(value) : ctx.fmt.number(value, Number.isInteger(value) ? 0 : undefined);
  if (Array.isArray(value)) return value.join("; ");
  if (typeof value === "object") return JSON.stringify(value);
  const text = String(value);
  // a country by its name, with the code its label names and its form asks for: SEN → "Sénégal (SEN)"
  if (field.endsWith("_iso3")) {
    const country = countryName(text, null);
    return country ? `${country} (${text})` : text;
  }
  const choice = choiceLabel(kind.name, field, text);
  if (choice !== text) return choice;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return ctx.fmt.date(text, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return ctx.fmt.date(text);
  return text;
}

function title(ctx, kind, record) {
  const field = primaryField(kind);
  return `${kindLabel(kind.name)} ${record.id}${field !== "id" && record[field] ? ` — ${record[field]}` : ""}`;
}

function confirmDialog(ctx, message, { withText = null, confirmLabel = null } = {}) {
  // a modal <dialog>: keyboard-usable (Esc cancels), focus on the safe choice; withText: the label of a
  // required text (a reviewer's comment), resolved instead of true
  return new Promise((resolve) => {
    const { el, t } = ctx;
    const text = withText ? el("textarea", { id: "rec-dialog-text", rows: 4, required: true }) : null;
    const dialog = el(
      "dialog",
      { class: "confirm-dialog", "aria-label": message },
      el(
        "form",
        { method: "dialog" },
        el("p", {}, message),
        text ? el("div", { class: "field" }, el("label", { for: "rec-dialog-text" }, withText), text) : null,
        el("div", { class: "actions" }, el("button", { class: "btn", value: "yes" }, confirmLabel || t("rec.yes")), el("button", { class: "btn btn-secondary", value: "no", formnovalidate: true, autofocus: !text }, t("rec.cancel"))),
      ),
    );
    dialog.addEventListener("close", () => {
      const yes = dialog.returnValue === "yes";
      resolve(text ? (yes && text.value.trim()) || null : yes);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    text?.focus();
  });
}

// Where a record stands in the review, for those who may change it or decide on it (null otherwise).
async function reviewOf(ctx, kind, record) {
  if (!kind.reviewed || !ctx.user || !(canUpdate(kind, record, ctx.user) || kind.writes.review)) return null;
  return { state: null, pending: false, proposed: null, ...((await ctx.api(`/review/${kind.name}/${record.id}`)) || {}) };
}

function reviewStatus(ctx, kind, record, review) {
  const { el, t } = ctx;
  if (!review) return el("p", { class: record.published ? "status-good" : "status-unknown", id: "rec-review", "data-state": record.published ? "published" : "unpublished" }, record.published ? t("rec.published") : t("rec.unpublished"));
  let key;
  let state;
  if (review.state === "submitted") [key, state] = [review.pending ? "rec.review.pendingSubmitted" : kind.name === "assessments" ? "rec.review.submittedAssessment" : "rec.review.submitted", "submitted"];
  else if (review.state === "returned") [key, state] = ["rec.review.returned", "returned"];
  else if (review.pending) [key, state] = ["rec.review.pending", "pending"];
  else if (!record.published) [key, state] = ["rec.review.draft", "draft"];
  else [key, state] = [review.decided_at ? "rec.review.approved" : "rec.published", "published"];
  const cls = state === "published" ? "status-good" : state === "returned" ? "status-bad" : "status-unknown";
  return el("p", { class: cls, id: "rec-review", "data-state": state, role: "status" }, t(key, { comment: review.comment, date: review.decided_at ? ctx.fmt.date(review.decided_at) : "" }));
}

function proposedTable(ctx, kind, record, review) {
  const { el, t } = ctx;
  if (!review?.proposed) return null;
  return el(
    "section",
    { class: "stack", id: "rec-proposed" },
    el("h2", {}, t("rec.review.change")),
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { class: "data" },
        el("thead", {}, el("tr", {}, [t("rec.field"), t("rec.review.publishedValue"), t("rec.review.proposedValue")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, Object.entries(review.proposed).map(([f, value]) => el("tr", { "data-field": f }, el("th", { scope: "row" }, label(kind.name, f)), el("td", {}, display(ctx, kind, f, record[f])), el("td", {}, display(ctx, kind, f, value))))),
      ),
    ),
  );
}

// ---------------------------------------------------------------- index

async function renderIndex(root, ctx) {
  const { el, t } = ctx;
  const kinds = await ctx.api("/kinds");
  put(root, 
    el("h1", {}, t("rec.title")),
    el("p", { class: "muted" }, t("rec.intro")),
    el("h2", {}, t("rec.kinds")),
    el(
      "ul",
      { class: "kind-list" },
      kinds.filter((k) => k.readable).map((k) => el("li", { "data-kind": k.name }, link(ctx, { kind: k.name }, kindLabel(k.name)))),
    ),
  );
  return undefined;
}

// ---------------------------------------------------------------- list

async function renderList(root, params, ctx, kind) {
  const { el, t } = ctx;
  const primary = primaryField(kind);
  const filterNames = kind.filters.map((f) => f.name);
  const columns = COLUMNS[kind.name] || ["id", primary, ...kind.filters.map((f) => f.name).filter((f) => f !== primary && kind.fields.includes(f) && !HIDDEN_IN_LIST.has(f) && !SYSTEM_FIELDS.has(f)).slice(0, 3), "published"].filter((f, i, all) => all.indexOf(f) === i);
  const state = { q: params.q || "", sort: params.sort || "", page: Number(params.page) || 1, filters: Object.fromEntries(filterNames.filter((f) => params[f]).map((f) => [f, params[f]])) };

  const search = el("input", { id: "rec-search", type: "search", value: state.q, autocomplete: "off" });
  const filterControls = kind.filters.map((f) => {
    const id = `rec-filter-${f.name}`;
    let control;
    if (f.choices || f.type === "boolean") {
      const choices = f.choices || ["true", "false"];
      control = el(
        "select",
        { id },
        el("option", { value: "" }, t("rec.any")),
        choices.map((c) => el("option", { value: c, selected: state.filters[f.name] === c }, f.type === "boolean" ? t(c === "true" ? "rec.yes" : "rec.no") : choiceLabel(kind.name, f.name, c))),
      );
    } else {
      control = el("input", { id, type: f.type === "date" ? "date" : "text", value: state.filters[f.name] || "", size: 8, inputmode: f.type === "integer" ? "numeric" : undefined });
    }
    control.addEventListener("change", () => {
      state.filters[f.name] = control.value;
      state.page = 1;
      load();
    });
    return el("div", { class: "field" }, el("label", { for: id }, label(kind.name, f.name)), control);
  });
  const sortField = el("select", { id: "rec-sort" }, kind.sort.map((s) => el("option", { value: s, selected: state.sort.replace(/^-/, "") === s }, label(kind.name, s))));
  const descending = el("input", { id: "rec-desc", type: "checkbox", checked: state.sort.startsWith("-") });
  for (const control of [sortField, descending]) {
    control.addEventListener("change", () => {
      state.sort = `${descending.checked ? "-" : ""}${sortField.value}`;
      load();
    });
  }
  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = search.value.trim();
      state.page = 1;
      load();
    }, SEARCH_DELAY_MS);
  });

  const status = el("p", { role: "status", id: "rec-total" });
  const tableWrap = el("div", { class: "table-wrap" });
  const pager = el("nav", { class: "pagination", "aria-label": t("rec.page", { page: "", pages: "" }) });
  const exports = el("div", { class: "export-links" });
  const controls = el("div", { class: "record-controls" });
  if (kind.writes.create) controls.append(link(ctx, { kind: kind.name, view: "new" }, t("rec.new"), { class: "btn", "data-action": "create" }));

  put(root, 
    el("p", {}, link(ctx, {}, `← ${t("rec.title")}`)),
    el("h1", {}, kindLabel(kind.name)),
    controls,
    kind.name === "observations" && kind.writes.create ? uploadPanel(ctx, kind) : null,
    el(
      "div",
      { class: "toolbar" },
      el("div", { class: "field" }, el("label", { for: "rec-search" }, t("rec.search")), search),
      filterControls,
      el("div", { class: "field" }, el("label", { for: "rec-sort" }, t("rec.sort")), sortField),
      el("div", { class: "field field-check" }, descending, el("label", { for: "rec-desc" }, t("rec.descending"))),
    ),
    status,
    tableWrap,
    pager,
    exports,
  );

  let request = 0;
  async function load() {
    const mine = ++request;
    const query = { page: state.page, page_size: PAGE_SIZE, q: state.q, sort: state.sort, ...state.filters };
    const clean = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== "" && v !== undefined && v !== null));
    ctx.setParams({ kind: kind.name, q: state.q, sort: state.sort, page: state.page > 1 ? state.page : "", ...Object.fromEntries(filterNames.map((f) => [f, state.filters[f] || ""])) });
    let answer;
    try {
      answer = await ctx.api(`/${kind.name}?${new URLSearchParams(clean)}`);
    } catch (error) {
      if (mine !== request || !ctx.alive()) return;
      tableWrap.replaceChildren(el("p", { class: "error", role: "alert" }, t("common.error", { message: error.message })));
      return;
    }
    if (mine !== request || !ctx.alive()) return;
    const pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
    status.textContent = ctx.tn("rec.total", answer.total, { total: answer.total });
    tableWrap.replaceChildren(
      answer.items.length
        ? el(
            "table",
            { class: "data", id: "rec-list" },
            el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, label(kind.name, c))))),
            el(
              "tbody",
              {},
              answer.items.map((item) =>
                el(
                  "tr",
                  { "data-id": item.id },
                  columns.map((c) => el("td", { class: typeof item[c] === "number" && c !== "id" && !c.endsWith("_id") ? "num" : undefined, translate: c === primary ? "no" : undefined }, c === "id" || (c === primary && primary !== "country_iso3") ? link(ctx, { kind: kind.name, id: item.id }, display(ctx, kind, c, item[c])) : c === "published" ? (item.published ? t("rec.published") : t("rec.unpublished")) : display(ctx, kind, c, item[c]))),
                ),
              ),
            ),
          )
        : el("p", { class: "muted" }, t("rec.none")),
    );
    pager.replaceChildren(
      el("button", { type: "button", class: "btn btn-secondary", disabled: state.page <= 1, onclick: () => { state.page -= 1; load(); } }, t("rec.previous")),
      el("span", {}, ` ${t("rec.page", { page: state.page, pages })} `),
      el("button", { type: "button", class: "btn btn-secondary", disabled: state.page >= pages, onclick: () => { state.page += 1; load(); } }, t("rec.next")),
    );
    const filterQuery = new URLSearchParams(Object.fromEntries(Object.entries(clean).filter(([k]) => !["page", "page_size"].includes(k))));
    ctx.exportLinks(exports, { csv: `/${kind.name}/export.csv?${filterQuery}`, geojson: kind.spatial ? `/${kind.name}/export.geojson?${filterQuery}` : null });
  }
  ctx.onChange((change) => {
    if (change.kind === kind.name) load();
  });
  await load();
  return () => clearTimeout(timer);
}

// ---------------------------------------------------------------- CSV upload of observations

function uploadPanel(ctx, kind) {
  const { el, t } = ctx;
  const file = el("input", { id: "rec-upload-file", type: "file", accept: ".csv,text/csv" });
  const result = el("div", { id: "rec-upload-result", "aria-live": "polite" });
  const form = el(
    "form",
    { class: "upload-panel", id: "rec-upload" },
    el("h2", {}, t("rec.upload")),
    el("p", { class: "muted small" }, t("rec.uploadHelp")),
    el("div", { class: "field" }, el("label", { for: "rec-upload-file" }, t("rec.uploadFile")), file),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "btn" }, t("rec.uploadSend"))),
    result,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    result.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
    try {
      const answer = await ctx.api("/observations/ingest", { form: { file: file.files[0] } });
      const stored = el("p", { class: "notice", role: "status" }, ctx.tn("rec.uploadStored", answer.stored));
      const send = kind.writes.submit && answer.ids.length
        ? el("button", { type: "button", class: "btn", "data-action": "submit-upload", onclick: async () => {
            send.disabled = true;
            try {
              await ctx.api(`/review/${kind.name}/submit`, { body: { ids: answer.ids } });
              send.replaceWith(el("p", { class: "notice", role: "status" }, t("rec.uploadSubmitted", { n: answer.ids.length })));
            } catch (error) {
              send.disabled = false;
              result.append(el("p", { class: "error", role: "alert" }, t("common.error", { message: error.message })));
            }
          } }, t("rec.submitUpload", { n: answer.ids.length }))
        : null;
      result.replaceChildren(stored, send || "");
      form.reset();
    } catch (error) {
      const rows = (error.details || []).filter((d) => typeof d === "object" && d !== null);
      result.replaceChildren(
        el("p", { class: "error", role: "alert" }, t("rec.uploadFailed", { message: error.message })),
        rows.length
          ? el(
              "div",
              { class: "table-wrap" },
              el(
                "table",
                { class: "data", id: "rec-upload-errors" },
                el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("rec.row")), el("th", { scope: "col" }, t("rec.column")), el("th", { scope: "col" }, t("rec.problem")))),
                el("tbody", {}, rows.map((d) => el("tr", {}, el("td", { class: "num" }, d.row ?? "–"), el("td", {}, d.column ? `${label(kind.name, d.column)} (${d.column})` : "–"), el("td", {}, d.message)))),
              ),
            )
          : null,
      );
    }
  });
  return form;
}

// ---------------------------------------------------------------- detail and history

async function renderDetail(root, ctx, kind, record) {
  const { el, t } = ctx;
  const review = await reviewOf(ctx, kind, record);
  const controls = el("div", { class: "record-controls" });
  const mayChange = canUpdate(kind, record, ctx.user);
  const reviewPath = `/review/${kind.name}/${record.id}`;
  async function act(run) {
    try {
      await run();
      ctx.navigate("records", { kind: kind.name, id: record.id });
    } catch (error) {
      message.textContent = t("common.error", { message: error.message });
      message.hidden = false;
    }
  }
  if (mayChange) controls.append(link(ctx, { kind: kind.name, id: record.id, view: "edit" }, t("rec.edit"), { class: "btn", "data-action": "update" }));
  if (review && mayChange && kind.writes.submit && review.state !== "submitted" && (!record.published || review.pending)) {
    controls.append(el("button", { type: "button", class: "btn", "data-action": "submit", onclick: async () => {
      if (await confirmDialog(ctx, t("rec.confirmSubmit"), { confirmLabel: t("rec.submit") })) await act(() => ctx.api(`${reviewPath}/submit`, { method: "POST" }));
    } }, t("rec.submit")));
  }
  if (review && kind.writes.review && review.state === "submitted") {
    controls.append(
      el("button", { type: "button", class: "btn", "data-action": "approve", onclick: async () => {
        if (await confirmDialog(ctx, t("rec.confirmApprove"), { confirmLabel: t("rec.approve") })) await act(() => ctx.api(`${reviewPath}/approve`, { method: "POST" }));
      } }, t("rec.approve")),
      el("button", { type: "button", class: "btn btn-secondary", "data-action": "return", onclick: async () => {
        const comment = await confirmDialog(ctx, t("rec.return"), { withText: t("rec.returnComment"), confirmLabel: t("rec.return") });
        if (comment) await act(() => ctx.api(`${reviewPath}/return`, { body: { comment } }));
      } }, t("rec.return")),
    );
  }
  if (kind.writes.publish) {
    const publishing = !record.published;
    controls.append(
      el(
        "button",
        {
          type: "button",
          class: publishing ? "btn" : "btn btn-secondary",
          "data-action": publishing ? "publish" : "withdraw",
          onclick: async () => {
            if (!(await confirmDialog(ctx, t(publishing ? "rec.confirmPublish" : "rec.confirmWithdraw")))) return;
            await act(() => ctx.api(`/${kind.name}/${record.id}`, { method: "PATCH", body: { published: publishing, version: record.version } }));
          },
        },
        t(publishing ? "rec.publish" : "rec.withdraw"),
      ),
    );
  }
  controls.append(link(ctx, { kind: kind.name, id: record.id, view: "history" }, t("rec.history"), { class: "btn btn-secondary" }));
  const message = el("p", { class: "error", role: "alert", hidden: true });
  const order = [...kind.fields.filter((f) => !SYSTEM_FIELDS.has(f)), ...kind.fields.filter((f) => SYSTEM_FIELDS.has(f))];
  const rows = order.map((f) =>
    el("div", { "data-field": f }, el("dt", {}, label(kind.name, f)), el("dd", {}, f === "scores" ? scoresTable(ctx, kind, record.scores) : display(ctx, kind, f, record[f]))),
  );
  put(root, 
    el("p", {}, link(ctx, { kind: kind.name }, `← ${t("rec.back")}`)),
    el("h1", {}, title(ctx, kind, record)),
    reviewStatus(ctx, kind, record, review),
    controls,
    message,
    proposedTable(ctx, kind, record, review),
    el("dl", { class: "details" }, rows),
    kind.spatial ? el("div", { class: "field" }, el("div", { class: "map map-picker", id: "rec-map" })) : null,
  );
  if (DISCUSSED.has(kind.name)) {
    root.append(await library(ctx, kind.name, record.id, { canUpload: canUpdate(kind, record, ctx.user) }), await thread(ctx, kind.name, record.id));
  }
  if (kind.spatial && window.L) {
    const map = window.L.map(root.querySelector("#rec-map"), { minZoom: 1, maxZoom: 12 }).setView([record.lat, record.lon], 4);
    window.L.circleMarker([record.lat, record.lon], { radius: 7, color: "#5b3a1e" }).addTo(map);
    addOutline(map);
    return () => map.remove();
  }
  return undefined;
}

function scoresTable(ctx, kind, scores) {
  const { el } = ctx;
  if (!scores) return "–";
  return el(
    "table",
    { class: "data" },
    el("tbody", {}, Object.entries(scores).map(([criterion, s]) => el("tr", {}, el("th", { scope: "row" }, choiceLabel(kind.name, "scores", criterion)), el("td", { class: "num" }, s.score), el("td", {}, s.comment || "")))),
  );
}

async function renderHistory(root, ctx, kind, record) {
  const { el, t } = ctx;
  const entries = await ctx.api(`/${kind.name}/${record.id}/history`);
  const changed = (entry) =>
    entry.before && entry.after ? Object.keys(entry.after).filter((f) => !["updated_at", "version"].includes(f) && JSON.stringify(entry.before[f]) !== JSON.stringify(entry.after[f])) : [];
  put(root, 
    el("p", {}, link(ctx, { kind: kind.name, id: record.id }, `← ${t("rec.backRecord")}`)),
    el("h1", {}, `${colon(t("rec.history"))} ${title(ctx, kind, record)}`),
    entries.length
      ? el(
          "ol",
          { class: "history", id: "rec-history" },
          entries.map((entry) => {
            const fields = changed(entry);
            return el(
              "li",
              {},
              el("strong", {}, `${ctx.fmt.date(entry.at, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`),
              ` — ${t(`rec.action.${entry.action}`)}`,
              entry.version ? ` (${label(kind.name, "version")} ${entry.version})` : "",
              entry.actor ? ` ${t("rec.by", { actor: who(entry) })}` : "",
              fields.length ? el("div", { class: "muted small" }, t("rec.changedFields", { fields: fields.map((f) => label(kind.name, f)).join(", ") })) : null,
            );
          }),
        )
      : el("p", { class: "muted" }, t("rec.historyNone")),
  );
  return undefined;
}

// ---------------------------------------------------------------- create and edit

const OMIT = ["published"];

function omitted(kind) {
  // the owner is chosen only by those who may write for any organisation (the Secretariat)
  return kind.writes.update === "any" ? OMIT : [...OMIT, "organisation_id"];
}

async function renderCreate(root, ctx, kind) {
  const { el, t } = ctx;
  if (!kind.writes.create) {
    put(root, el("p", { class: "notice" }, t("rec.notReadable")));
    return undefined;
  }
  put(root, el("p", {}, link(ctx, { kind: kind.name }, `← ${t("rec.back")}`)), el("h1", {}, t("rec.newTitle", { kind: kindLabel(kind.name) })));
  const form = renderForm(root, kind.create_schema, {
    kind: kind.name,
    omit: omitted(kind),
    idPrefix: "rec",
    onSubmit: async ({ data, problems }) => {
      if (problems.length) return form.showErrors(problems);
      try {
        const created = await ctx.api(`/${kind.name}`, { body: data });
        ctx.navigate("records", { kind: kind.name, id: created.id });
      } catch (error) {
        form.showErrors(error.details?.length ? error.details : [{ loc: [], message: error.message }]);
      }
      return undefined;
    },
  });
  return () => form.coordinates?.remove();
}

function changes(data, original) {
  return Object.fromEntries(Object.entries(data).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(original[name] ?? (Array.isArray(value) ? [] : null))));
}

async function renderEdit(root, ctx, kind, record) {
  const { el, t } = ctx;
  if (!canUpdate(kind, record, ctx.user)) {
    put(root, el("p", { class: "notice" }, t("rec.notReadable")));
    return undefined;
  }
  const conflict = el("div", { class: "conflict", id: "rec-conflict", role: "alert", hidden: true });
  const notice = el("p", { class: "notice", role: "status", hidden: true });
  const review = await reviewOf(ctx, kind, record);
  const shown = { ...record, ...(review?.proposed || {}) }; // a published record: edit its pending change
  put(root, 
    el("p", {}, link(ctx, { kind: kind.name, id: record.id }, `← ${t("rec.backRecord")}`)),
    el("h1", {}, t("rec.editTitle", { title: title(ctx, kind, record) })),
    record.published && kind.writes.submit ? el("p", { class: "notice", id: "rec-edit-review" }, t("rec.editPublished")) : null,
    conflict,
    notice,
  );
  let base = record; // the version the change is made to
  const form = renderForm(root, kind.create_schema, {
    kind: kind.name,
    values: shown,
    omit: omitted(kind),
    optional: Object.keys(kind.create_schema.properties).filter((f) => !kind.fields.includes(f)), // write-only: kept unless typed
    idPrefix: "rec",
    onSubmit: async ({ data, problems }) => {
      if (problems.length) return form.showErrors(problems);
      const patch = changes(data, shown);
      if (!Object.keys(patch).length) {
        notice.textContent = t("rec.noChange");
        notice.hidden = false;
        return undefined;
      }
      await save(patch);
      return undefined;
    },
  });

  async function save(patch) {
    form.clearErrors();
    try {
      await ctx.api(`/${kind.name}/${record.id}`, { method: "PATCH", body: { ...patch, version: base.version } });
      ctx.navigate("records", { kind: kind.name, id: record.id });
    } catch (error) {
      if (error.status === 409) return showConflict(patch);
      form.showErrors(error.details?.length && typeof error.details[0] === "object" ? error.details : [{ loc: [], message: error.message }]);
    }
    return undefined;
  }

  async function showConflict(patch) {
    const now = await ctx.api(`/${kind.name}/${record.id}`);
    const fields = kind.fields.filter((f) => !["updated_at", "version"].includes(f) && JSON.stringify(base[f]) !== JSON.stringify(now[f]));
    conflict.replaceChildren(
      el("p", {}, t("rec.conflict", { version: now.version })),
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "data" },
          el("thead", {}, el("tr", {}, [t("rec.field"), t("rec.whenOpened"), t("rec.now"), t("rec.yours")].map((h) => el("th", { scope: "col" }, h)))),
          el(
            "tbody",
            {},
            fields.map((f) => el("tr", { "data-field": f }, el("th", { scope: "row" }, label(kind.name, f)), el("td", {}, display(ctx, kind, f, base[f])), el("td", {}, display(ctx, kind, f, now[f])), el("td", {}, f in patch ? display(ctx, kind, f, patch[f]) : "–"))),
          ),
        ),
      ),
      el(
        "div",
        { class: "actions" },
        el("button", { type: "button", class: "btn", "data-action": "reapply", onclick: () => { base = now; conflict.hidden = true; save(patch); } }, t("rec.reapply")),
        el("button", { type: "button", class: "btn btn-secondary", "data-action": "reload", onclick: () => ctx.navigate("records", { kind: kind.name, id: record.id, view: "edit" }) }, t("rec.reload")),
      ),
    );
    conflict.hidden = false;
    conflict.querySelector("button").focus();
  }
  return () => form.coordinates?.remove();
}
