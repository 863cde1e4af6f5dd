// Registries page: practices, monitoring tools, projects (with their STC assessments and expected impact
// with its uncertainty) and the NDC tracker. One tab per registry; search (server-side q), field filters,
// sortable columns, pagination and a detail view, all in the permalink
// (#/registries?tab=projects&q=…&stage=…&sort=-area_ha&page=2&id=7); CSV/GeoJSON export of the filtered
// list; reloads on change events of the registry shown.

import { choiceLabel, loadCatalogue } from "../forms.js";
import { countryName } from "../i18n.js";

const PAGE_SIZE = 20;
const OPTIONS_PAGE_SIZE = 100; // records read per request to list the values a filter offers
const OPTIONS_MAX_PAGES = 10;
const SEARCH_DELAY_MS = 300;

// A column: the field it shows (and sorts on, when sort is true: the sort fields of registry/kinds.py),
// how its cell is written.
const TABS = [
  {
    key: "practices",
    kind: "practices",
    spatial: false,
    filters: ["category", "land_use", "evidence_level", "country_iso3"],
    columns: [
      { field: "name", sort: true },
      { field: "category" },
      { field: "land_use" },
      { field: "effect_t_c_ha_yr", label: "f.effect", sort: true, num: true, cell: practiceEffect },
      { field: "evidence_level" },
      { field: "country_iso3" },
    ],
    details: ["description", "category", "land_use", "climate_zone", "soil", "region", "country_iso3", "evidence_level", "evidence", "depth_cm", "references"],
  },
  {
    key: "tools",
    kind: "monitoring-tools",
    spatial: false,
    filters: ["category", "scale", "cost", "mrv_suitability"],
    columns: [
      { field: "name", sort: true },
      { field: "category", sort: true },
      { field: "scale" },
      { field: "cost" },
      { field: "mrv_suitability" },
      { field: "accuracy" },
    ],
    details: ["description", "category", "scale", "accuracy", "cost", "mrv_suitability", "url", "references"],
  },
  {
    key: "projects",
    kind: "projects",
    spatial: true,
    related: ["assessments"],
    filters: ["country_iso3", "stage"],
    columns: [
      { field: "name", sort: true },
      { field: "country_iso3", sort: true },
      { field: "stage", sort: true },
      { field: "area_ha", sort: true, num: true, cell: (item, ctx) => ctx.fmt.number(item.area_ha, 0) },
      { field: "start_year", sort: true, num: true, cell: (item) => item.start_year ?? "–" },
      { field: "expected_impact", num: true, cell: impactCell },
    ],
    details: ["description", "country_iso3", "stage", "area_ha", "start_year", "practices", "lon", "lat"],
  },
  {
    key: "ndc",
    kind: "ndcs",
    spatial: false,
    filters: ["country_iso3", "refers_soc", "refers_soil_health", "refers_peatlands_wetlands"],
    columns: [
      { field: "country_iso3", sort: true },
      { field: "ndc_version" },
      { field: "year", sort: true, num: true, cell: (item) => item.year },
      { field: "refers_soc", cell: yesNo("refers_soc") },
      { field: "refers_soil_health", cell: yesNo("refers_soil_health") },
      { field: "refers_peatlands_wetlands", cell: yesNo("refers_peatlands_wetlands") },
      { field: "how", cell: (item) => shorten(item.how, 140) },
    ],
    details: ["country_iso3", "ndc_version", "year", "refers_soc", "refers_soil_health", "refers_peatlands_wetlands", "how", "source"],
    title: (item) => `${countryName(item.country_iso3)} — ${item.ndc_version} (${item.year})`,
  },
];

// a country is shown by its name (codeLabel), so its label is "Country", not the code's "Country (ISO 3 code)"
function fieldLabel(ctx, field) {
  return ctx.t(field === "country_iso3" ? "dir.country" : `f.${field}`);
}

function labelOf(ctx, column) {
  return column.label ? ctx.t(column.label) : fieldLabel(ctx, column.field);
}

function shorten(text, length) {
  if (!text) return "";
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function yesNo(field) {
  return (item, ctx) => (item[field] ? ctx.t("reg.yes") : ctx.t("reg.no"));
}

function practiceEffect(item, ctx) {
  if (item.effect_t_c_ha_yr === null || item.effect_t_c_ha_yr === undefined) return "–";
  const value = ctx.fmt.number(item.effect_t_c_ha_yr, 2);
  const uncertainty = item.effect_uncertainty_t_c_ha_yr;
  if (uncertainty === null || uncertainty === undefined) return `${value} (${ctx.t("reg.notReported")})`;
  return `${value} ± ${ctx.fmt.number(uncertainty, 2)}`;
}

function estimateText(estimate, ctx, digits) {
  return `${ctx.fmt.number(estimate.mean, digits)} (${ctx.fmt.range(estimate.low95, estimate.high95, digits)})`;
}

function impactCell(item, ctx) {
  const impact = item.expected_impact;
  if (!impact || !impact.t_co2e_per_yr) return "–";
  return estimateText(impact.t_co2e_per_yr, ctx, 0);
}

function filterValue(value) {
  return typeof value === "boolean" ? String(value) : value;
}

// A stored code as the reader reads it: a country by its name in the page's language (SEN → Sénégal), a
// choice by its catalogue label (meta_analysis → Méta-analyse); free text as it is.
function codeLabel(kind, field, value) {
  if (value === null || value === undefined || value === "") return value;
  if (field === "country_iso3") return countryName(value);
  return choiceLabel(kind, field, String(value));
}

export async function render(root, params, ctx) {
  const { el, t } = ctx;
  await loadCatalogue(); // the labels of the stored choices (codeLabel)
  const tab = TABS.find((candidate) => candidate.key === params.tab) || TABS[0];
  const state = {
    q: params.q || "",
    page: Math.max(1, Number.parseInt(params.page, 10) || 1),
    sort: params.sort || "",
    id: params.id || "",
    filters: Object.fromEntries(tab.filters.filter((f) => params[f]).map((f) => [f, params[f]])),
  };
  let listRequest = 0;
  let detailRequest = 0;
  let searchTimer = null;

  // ---- skeleton
  const tabButtons = TABS.map((candidate) =>
    el(
      "button",
      {
        type: "button",
        role: "tab",
        id: `reg-tab-${candidate.key}`,
        "aria-selected": candidate === tab ? "true" : "false",
        "aria-controls": "reg-panel",
        tabindex: candidate === tab ? "0" : "-1",
        onclick: () => ctx.navigate("registries", { tab: candidate.key }),
      },
      t(`reg.tab.${candidate.key}`),
    ),
  );
  const tabList = el("div", { class: "tabs", role: "tablist", "aria-label": t("reg.tabs") }, tabButtons);
  tabList.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = (tabButtons.indexOf(document.activeElement) + step + TABS.length) % TABS.length;
    tabButtons[index].focus();
  });

  const search = el("input", {
    id: "reg-search",
    type: "search",
    value: state.q,
    placeholder: t("reg.searchPlaceholder"),
    autocomplete: "off",
  });
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => update({ q: search.value.trim(), page: 1 }), SEARCH_DELAY_MS);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    clearTimeout(searchTimer);
    update({ q: search.value.trim(), page: 1 });
  });

  const filterSelects = Object.fromEntries(
    tab.filters.map((field) => {
      const select = el(
        "select",
        { id: `reg-filter-${field}`, name: field, onchange: () => update({ filters: { ...state.filters, [field]: select.value }, page: 1 }) },
        el("option", { value: "" }, t("reg.any")),
      );
      if (state.filters[field]) select.append(el("option", { value: state.filters[field], selected: true }, state.filters[field]));
      return [field, select];
    }),
  );
  const clearButton = el(
    "button",
    {
      type: "button",
      class: "btn btn-secondary",
      onclick: () => {
        search.value = "";
        for (const select of Object.values(filterSelects)) select.value = "";
        update({ q: "", filters: {}, page: 1 });
      },
    },
    t("reg.clear"),
  );
  const exportBox = el("div", { class: "export-links" });
  const summary = el("p", { class: "muted", role: "status", "aria-live": "polite" });
  const tableBox = el("div", { class: "table-wrap", id: "reg-list" });
  const pager = el("nav", { class: "pagination", "aria-label": t("reg.pagination") });
  const message = el("p", { class: "error", role: "alert", hidden: true });
  const listView = el(
    "div",
    { class: "stack" },
    el(
      "div",
      { class: "toolbar" },
      el("div", { class: "field" }, el("label", { for: "reg-search" }, t("reg.search")), search),
      tab.filters.map((field) =>
        el("div", { class: "field" }, el("label", { for: `reg-filter-${field}` }, fieldLabel(ctx, field)), filterSelects[field]),
      ),
      clearButton,
    ),
    el("div", { class: "page-header" }, summary, exportBox),
    tableBox,
    pager,
  );
  const detailView = el("section", { class: "stack", "aria-labelledby": "reg-detail-title", hidden: true });
  root.append(
    el("div", { class: "page-header" }, el("h1", {}, t("reg.title"))),
    el("p", { class: "muted" }, t("reg.intro")),
    tabList,
    el("div", { id: "reg-panel", role: "tabpanel", "aria-labelledby": `reg-tab-${tab.key}` }, message, listView, detailView),
  );

  // ---- state ↔ permalink
  function query({ paged }) {
    const search = new URLSearchParams();
    if (state.q) search.set("q", state.q);
    for (const [field, value] of Object.entries(state.filters)) if (value) search.set(field, value);
    if (state.sort) search.set("sort", state.sort);
    if (paged) {
      search.set("page", String(state.page));
      search.set("page_size", String(PAGE_SIZE));
    }
    return search.toString();
  }

  function update(change) {
    Object.assign(state, change);
    const cleared = Object.fromEntries(tab.filters.map((field) => [field, state.filters[field] || null]));
    ctx.setParams({ tab: tab.key, q: state.q, sort: state.sort, page: state.page > 1 ? state.page : null, id: state.id, ...cleared });
    if ("id" in change) showView();
    else loadList();
  }

  function showError(error) {
    message.textContent = t("common.error", { message: error.message });
    message.hidden = false;
  }

  // ---- list
  async function loadList() {
    const mine = ++listRequest;
    const exportQuery = query({ paged: false });
    const suffix = exportQuery ? `?${exportQuery}` : "";
    ctx.exportLinks(exportBox, {
      csv: `/api/${tab.kind}/export.csv${suffix}`,
      geojson: tab.spatial ? `/api/${tab.kind}/export.geojson${suffix}` : null,
    });
    let answer;
    try {
      answer = await ctx.api(`/${tab.kind}?${query({ paged: true })}`);
    } catch (error) {
      if (mine === listRequest && ctx.alive()) showError(error);
      return;
    }
    if (mine !== listRequest || !ctx.alive()) return;
    message.hidden = true;
    const pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
    summary.textContent = ctx.tn("reg.total", answer.total, { total: answer.total });
    tableBox.replaceChildren(answer.items.length ? table(answer.items) : el("p", { class: "muted" }, t("reg.none")));
    pager.replaceChildren(
      el("button", { type: "button", class: "btn btn-secondary", disabled: state.page <= 1, onclick: () => update({ page: state.page - 1 }) }, t("reg.previous")),
      el("span", {}, t("reg.page", { page: state.page, pages })),
      el("button", { type: "button", class: "btn btn-secondary", disabled: state.page >= pages, onclick: () => update({ page: state.page + 1 }) }, t("reg.next")),
    );
  }

  function sortState(field) {
    if (state.sort === field) return "ascending";
    if (state.sort === `-${field}`) return "descending";
    return "none";
  }

  function table(items) {
    const head = tab.columns.map((column) => {
      const label = labelOf(ctx, column);
      if (!column.sort) return el("th", { scope: "col", class: column.num ? "num" : "" }, label);
      const order = sortState(column.field);
      const next = order === "ascending" ? `-${column.field}` : column.field;
      return el(
        "th",
        { scope: "col", "aria-sort": order, class: column.num ? "num" : "" },
        el(
          "button",
          { type: "button", class: "sort", title: t("reg.sortBy", { column: label }), onclick: () => update({ sort: next, page: 1 }) },
          label,
          el("span", { class: "sort-arrow", "aria-hidden": "true" }, { ascending: " ▲", descending: " ▼" }[order] || ""),
        ),
      );
    });
    const rows = items.map((item) =>
      el(
        "tr",
        { "data-id": item.id },
        tab.columns.map((column, index) => {
          const raw = item[column.field] ?? "";
          const text = column.cell ? column.cell(item, ctx) : codeLabel(tab.kind, column.field, raw);
          const content =
            index === 0
              ? el("a", { href: `#/registries?tab=${tab.key}&id=${item.id}`, onclick: (event) => openDetail(event, item.id) }, text)
              : text;
          // a record's own words (its name, description) are data, not interface: not translated
          return el("td", { class: column.num ? "num" : "", translate: column.cell || text !== raw ? undefined : "no" }, content);
        }),
      ),
    );
    return el("table", { class: "data" }, el("thead", {}, el("tr", {}, head)), el("tbody", {}, rows));
  }

  function openDetail(event, id) {
    event.preventDefault();
    update({ id: String(id) });
  }

  async function loadFilterOptions() {
    const values = Object.fromEntries(tab.filters.map((field) => [field, new Set()]));
    for (let page = 1; page <= OPTIONS_MAX_PAGES; page++) {
      const answer = await ctx.api(`/${tab.kind}?page=${page}&page_size=${OPTIONS_PAGE_SIZE}`);
      for (const item of answer.items) {
        for (const field of tab.filters) {
          if (item[field] !== null && item[field] !== undefined && item[field] !== "") values[field].add(String(filterValue(item[field])));
        }
      }
      if (page * OPTIONS_PAGE_SIZE >= answer.total) break;
    }
    if (!ctx.alive()) return;
    for (const field of tab.filters) {
      const select = filterSelects[field];
      const chosen = state.filters[field] || "";
      const options = [...values[field]];
      if (chosen && !options.includes(chosen)) options.push(chosen);
      const labelled = options.map((value) => [value, optionLabel(value, field)]).sort((a, b) => a[1].localeCompare(b[1], ctx.lang));
      select.replaceChildren(
        el("option", { value: "" }, t("reg.any")),
        ...labelled.map(([value, text]) => el("option", { value, selected: value === chosen, translate: text === value ? "no" : undefined }, text)),
      );
    }
  }

  // a filter's option: yes/no, a country's or a choice's name, else the value itself
  function optionLabel(value, field) {
    if (value === "true") return t("reg.yes");
    if (value === "false") return t("reg.no");
    return codeLabel(tab.kind, field, value);
  }

  // ---- detail
  function showView() {
    listView.hidden = Boolean(state.id);
    detailView.hidden = !state.id;
    return state.id ? loadDetail() : loadList();
  }

  function detailValue(item, field) {
    const value = item[field];
    if (typeof value === "boolean") return value ? t("reg.yes") : t("reg.no");
    if (field === "area_ha") return ctx.fmt.number(value, 0);
    if (field === "lon" || field === "lat") return ctx.fmt.number(value, 4);
    if (field === "depth_cm") return value === null || value === undefined ? "–" : ctx.fmt.number(value, 0);
    if (Array.isArray(value)) return el("ul", {}, value.map((entry) => el("li", { translate: "no" }, referenceText(entry))));
    if (typeof value === "string" && /^https?:\/\//.test(value)) return el("a", { href: value, rel: "noopener" }, value);
    if (value === null || value === undefined || value === "") return "–";
    const text = codeLabel(tab.kind, field, value);
    return text === String(value) ? el("span", { translate: "no" }, text) : text;
  }

  function referenceText(entry) {
    if (typeof entry !== "object" || entry === null) return String(entry);
    const parts = [entry.authors, entry.year && `(${entry.year})`, entry.title, entry.journal].filter(Boolean).join(" ");
    return entry.doi ? [parts, " ", el("a", { href: `https://doi.org/${entry.doi}`, rel: "noopener" }, `doi:${entry.doi}`)] : parts;
  }

  async function loadDetail() {
    const mine = ++detailRequest;
    let item;
    let assessments = null;
    try {
      item = await ctx.api(`/${tab.kind}/${encodeURIComponent(state.id)}`);
      if (tab.key === "projects") assessments = await ctx.api(`/assessments?project_id=${encodeURIComponent(state.id)}&sort=-assessed_on&page_size=50`);
    } catch (error) {
      if (mine === detailRequest && ctx.alive()) showError(error);
      return;
    }
    if (mine !== detailRequest || !ctx.alive()) return;
    message.hidden = true;
    const title = tab.title ? tab.title(item) : item.name;
    const fields = [...tab.details];
    if (tab.key === "practices") fields.splice(1, 0, "effect");
    detailView.replaceChildren(
      el("button", { type: "button", class: "btn btn-secondary", onclick: () => update({ id: "" }) }, `← ${t("reg.back")}`),
      el("h2", { id: "reg-detail-title", tabindex: "-1" }, title),
      el(
        "dl",
        { class: "details" },
        fields.map((field) => [
          el("dt", {}, fieldLabel(ctx, field)),
          el("dd", {}, field === "effect" ? practiceEffect(item, ctx) : detailValue(item, field)),
        ]),
      ),
      ...(tab.key === "projects" ? [impactSection(item.expected_impact), assessmentSection(assessments.items)] : []),
    );
    detailView.querySelector("h2").focus({ preventScroll: false });
  }

  function impactSection(impact) {
    const heading = el("h3", {}, t("reg.impact"));
    if (!impact || !impact.t_co2e_per_yr) return el("section", {}, heading, el("p", { class: "muted" }, t("reg.impactNone")));
    const units = impact.units || { t_co2e_per_yr: "t CO2e/yr", t_c_ha_yr: "t C/ha/yr" };
    const rows = Object.entries(impact.by_model || { [impact.model]: impact }).flatMap(([model, estimates]) =>
      [
        ["t_co2e_per_yr", 0],
        ["t_c_ha_yr", 3],
      ].map(([quantity, digits]) =>
        el(
          "tr",
          {},
          el("td", {}, model),
          el("td", {}, units[quantity]),
          el("td", { class: "num" }, ctx.fmt.number(estimates[quantity].mean, digits)),
          el("td", { class: "num" }, ctx.fmt.range(estimates[quantity].low95, estimates[quantity].high95, digits)),
        ),
      ),
    );
    return el(
      "section",
      {},
      heading,
      el("p", {}, `${estimateText(impact.t_co2e_per_yr, ctx, 0)} ${units.t_co2e_per_yr}`),
      el(
        "p",
        { class: "muted small" },
        t("reg.impactModel", { model: impact.model, draws: impact.n_draws, first: String(impact.period?.[0] ?? "–"), last: String(impact.period?.[1] ?? "–"), interval: impact.interval }),
      ),
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "data" },
          el(
            "thead",
            {},
            el("tr", {}, el("th", { scope: "col" }, t("reg.model")), el("th", { scope: "col" }, t("reg.unit")), el("th", { scope: "col", class: "num" }, t("reg.mean")), el("th", { scope: "col", class: "num" }, t("reg.interval95"))),
          ),
          el("tbody", {}, rows),
        ),
      ),
    );
  }

  function assessmentSection(items) {
    const heading = el("h3", {}, t("reg.assessments"));
    if (!items.length) return el("section", {}, heading, el("p", { class: "muted" }, t("reg.assessmentsNone")));
    return el(
      "section",
      { class: "stack" },
      heading,
      items.map((assessment) =>
        el(
          "article",
          { class: "card", "data-assessment": assessment.id },
          el("h4", {}, ctx.fmt.date(assessment.assessed_on)),
          assessment.summary ? el("p", {}, assessment.summary) : null,
          el(
            "div",
            { class: "table-wrap" },
            el(
              "table",
              { class: "data" },
              el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("reg.criterion")), el("th", { scope: "col", class: "num" }, t("reg.score")), el("th", { scope: "col" }, t("reg.comment")))),
              el(
                "tbody",
                {},
                Object.entries(assessment.scores || {}).map(([criterion, score]) =>
                  el("tr", {}, el("td", {}, criterion.replaceAll("_", " ")), el("td", { class: "num" }, ctx.fmt.number(score.score, 0)), el("td", {}, score.comment || "")),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // ---- live updates
  ctx.onChange((change) => {
    if (change.kind !== tab.kind && !(tab.related || []).includes(change.kind)) return;
    if (state.id) loadDetail();
    else loadList();
    loadFilterOptions().catch((error) => ctx.alive() && showError(error));
  });

  loadFilterOptions().catch((error) => ctx.alive() && showError(error));
  await showView();
  return () => clearTimeout(searchTimer);
}
