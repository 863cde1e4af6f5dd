// Toolkit page (objective B4): the calculators of the package usable without code — RothC scenario for a
// site, IPCC/RothC project balance, stocks and ESM from a CSV, sampling design, credit estimate. One tab
// per calculator (#/toolkit?calc=rothc); each has labelled fields with units, "Load example" (GET
// /api/toolkit/examples/<calc>), Run (POST /api/toolkit/<calc>), the result as a table and a chart with its
// uncertainty, and downloads (JSON, CSV, PDF where the API writes a report).
import { apiUrl, saveBlob } from "../api.js";
import { formatNumber, loadCatalogue, parseNumber, renderForm } from "../forms.js";
import { colon, t as message } from "../i18n.js";
import { showSource, sitePicker } from "../toolkit/site-picker.js";
import { workspace } from "../toolkit/workspace.js";

// A new balance form: one area with one period in each scenario, to fill or to add to.
const EMPTY_BALANCE = { monte_carlo: { draws: 1000, seed: 0 }, areas: [{ baseline: [{}], project: [{}] }] };
const SITE_CALCULATORS = ["rothc", "balance"]; // the calculators with a climate and a soil to fill from the map

const COLORS = { baseline: "#6b6b6b", scenario: "#2f6b3a", target: "#1a5fb4", other: "#9a6700" };

// Field kinds: number (empty → null when optional), text, select, check, list (comma-separated numbers),
// lines (one record per line, comma-separated), json (a textarea holding JSON), file.
const CALCULATORS = {
  rothc: {
    formats: ["json", "csv"],
    fields: [
      ["clay_pct", "number", { step: "any", min: 0, max: 100 }],
      ["depth_cm", "number", { step: "any", min: 0, max: 100 }],
      ["soc_t_c_ha", "number", { step: "any", min: 0 }],
      ["climate_preset", "select", { options: ["custom", "rothamsted"] }],
      ["temperature_c", "list", { group: "climate" }],
      ["precipitation_mm", "list", { group: "climate" }],
      ["pet_mm", "list", { group: "climate" }],
      ["baseline_input_t_c_ha_yr", "number", { step: "any", min: 0, optional: true }],
      ["input_change_pct", "number", { step: "any" }],
      ["start_year", "number", { step: 1 }],
      ["years", "number", { step: 1, min: 1, max: 100 }],
      ["draws", "number", { step: 1, min: 0, max: 2000 }],
      ["seed", "number", { step: 1, min: 0 }],
      ["input_uncertainty_pct", "number", { step: "any", min: 0 }],
      ["clay_uncertainty_pct", "number", { step: "any", min: 0 }],
      ["temperature_uncertainty_c", "number", { step: "any", min: 0 }],
      ["precipitation_uncertainty_pct", "number", { step: "any", min: 0 }],
    ],
  },
  // the form drawn by forms.js from the request's JSON Schema (GET /api/toolkit/forms/balance)
  balance: { formats: ["json", "csv", "pdf"], fields: [], schemaForm: true },
  stocks: {
    formats: ["json", "csv"],
    fields: [
      ["file", "file", { accept: ".csv,text/csv" }],
      ["mapping", "mapping", {}],
      ["depths_cm", "text", {}],
      ["method", "select", { options: ["natural_spline", "fmm_hyman", "linear"] }],
    ],
  },
  sampling: {
    formats: ["json", "csv"],
    fields: [
      ["sd_t_c_ha", "number", { step: "any", min: 0 }],
      ["mdd_t_c_ha", "number", { step: "any", min: 0 }],
      ["alpha", "number", { step: "any", min: 0, max: 0.5 }],
      ["power", "number", { step: "any", min: 0.5, max: 1 }],
      ["two_sided", "check", {}],
      ["strata", "lines", { columns: ["name", "area_ha", "sd_t_c_ha"], numeric: [1, 2], rows: 4 }],
      ["minimum_per_stratum", "number", { step: 1, min: 2 }],
    ],
  },
  credits: {
    formats: ["json", "csv", "pdf"],
    fields: [
      ["scheme", "select", { options: ["4p1000", "vm0042", "au-soil-carbon", "label-bas-carbone"] }],
      [
        "changes",
        "lines",
        { columns: ["stratum", "period", "area_ha", "mean_t_c_ha", "se_t_c_ha", "df"], numeric: [2, 3, 4, 5], rows: 4 },
      ],
    ],
  },
};

export async function render(root, params, ctx) {
  const { t, el, fmt } = ctx;
  const names = Object.keys(CALCULATORS);
  const calc = names.includes(params.calc) ? params.calc : names[0];
  const charts = [];

  const tabs = names.map((name) =>
    el(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tk-tab-${name}`,
        "data-calc": name,
        "aria-selected": name === calc ? "true" : "false",
        "aria-controls": "tk-panel",
        tabindex: name === calc ? "0" : "-1",
        onclick: () => ctx.navigate("toolkit", { calc: name }),
      },
      t(`tk.tab.${name}`),
    ),
  );
  const tabList = el("div", { class: "tabs", role: "tablist", "aria-label": t("tk.tabs") }, tabs);
  tabList.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = (tabs.indexOf(document.activeElement) + step + tabs.length) % tabs.length;
    tabs[index].focus();
  });

  const spec = CALCULATORS[calc];
  const controls = {};
  const form = el("form", { class: "stack", "data-calc": calc, novalidate: true });
  const grid = el("div", { class: "grid" });
  for (const [name, kind, options] of spec.fields) {
    const control = makeControl(ctx, name, kind, options);
    controls[name] = control;
    const label = t(`f.${name}`) + (options.optional ? ` (${t("tk.optional")})` : "");
    const wide = ["json", "lines", "list", "file", "mapping"].includes(kind);
    const field =
      kind === "check"
        ? el("label", { class: "field", for: control.id }, el("span", {}, control, " ", label))
        : kind === "mapping"
          ? el("fieldset", { class: "field tk-mapping-field" }, el("legend", {}, label), control)
          : el("label", { class: "field", for: control.id }, label, control);
    (wide ? form : grid).append(field);
  }
  const country = el("input", { id: "tk-country_iso3", name: "country_iso3", maxlength: 3, pattern: "[A-Z]{3}", autocomplete: "off" });
  grid.append(el("label", { class: "field", for: country.id }, t("tk.country"), country));
  form.prepend(grid);
  if (calc === "rothc") {
    const toggle = () => {
      for (const name of ["temperature_c", "precipitation_mm", "pet_mm"]) {
        controls[name].closest("label").hidden = controls.climate_preset.value !== "custom";
      }
    };
    controls.climate_preset.addEventListener("change", toggle);
    form.toggleClimate = toggle;
    toggle();
  }

  // balance: the form of the request's JSON Schema (forms.js), beside the country and the buttons
  let schemaForm = null;
  let schemaInfo = null;
  const schemaHolder = el("div", { class: "stack tk-schema-form" });
  async function drawSchemaForm(values) {
    schemaInfo ??= await ctx.api(`/toolkit/forms/${calc}`);
    await loadCatalogue();
    if (!ctx.alive()) return;
    schemaHolder.replaceChildren();
    schemaForm = renderForm(schemaHolder, schemaInfo.schema, {
      kind: calc, values, omit: ["country_iso3"], idPrefix: "tk-b", submitLabel: t("tk.run"), onSubmit: () => form.requestSubmit(),
    }); // prettier-ignore
    schemaForm.element.querySelector(":scope > .actions").hidden = true; // the page's Run button runs it
    site?.refreshTargets();
  }

  const site = SITE_CALCULATORS.includes(calc)
    ? sitePicker(ctx, {
        targets: calc === "balance" ? () => areaTargets(ctx, schemaForm) : null,
        onFill: (answer, target) => (calc === "balance" ? fillArea(ctx, schemaForm, answer, Number(target || 0)) : fillRothc(ctx, controls, form, answer)),
      })
    : null;

  const status = el("p", { class: "muted", role: "status", "aria-live": "polite" });
  const problems = el("div", { class: "error", role: "alert", hidden: true });
  const warnings = el("div", { class: "notice tk-warnings", role: "status", hidden: true });
  const results = el("section", { class: "stack tk-results", "aria-labelledby": "tk-results-title", hidden: true });
  // A result never stays beside inputs it does not belong to: any edit or failed run clears it.
  const clearResults = (why) => {
    for (const chart of charts.splice(0)) chart.destroy();
    results.replaceChildren();
    results.hidden = true;
    warnings.hidden = true;
    results.dataset.state = why;
    status.textContent = why === "stale" ? t("tk.stale") : "";
    lastRun = null;
  };
  let lastRun = null; // {inputs, summary} of the result on screen: what "Save" keeps
  schemaHolder.addEventListener("change", () => site?.refreshTargets()); // areas added, removed, renamed
  for (const target of [form, schemaHolder, site?.element].filter(Boolean)) {
    target.addEventListener("input", () => results.dataset.state === "done" && clearResults("stale"));
    target.addEventListener("change", () => results.dataset.state === "done" && clearResults("stale"));
  }
  const exampleButton = el("button", { type: "button", class: "btn btn-secondary", "data-action": "example" }, t("tk.example"));
  const runButton = el("button", { type: "submit", class: "btn", "data-action": "run" }, t("tk.run"));
  form.append(el("div", { class: "actions" }, exampleButton, runButton));

  exampleButton.addEventListener("click", async () => {
    problems.hidden = true;
    try {
      if (spec.schemaForm) {
        schemaInfo ??= await ctx.api(`/toolkit/forms/${calc}`);
        await drawSchemaForm(schemaInfo.example); // examples/project.yaml, every area
        clearResults("empty");
        return;
      }
      const example = await ctx.api(`/toolkit/examples/${calc}`);
      if (!ctx.alive()) return;
      fillForm(calc, controls, example);
      if (form.toggleClimate) form.toggleClimate();
      clearResults("empty");
    } catch (error) {
      showProblems(error);
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problems.hidden = true;
    results.dataset.state = "running";
    status.textContent = t("tk.running");
    runButton.disabled = true;
    try {
      clearResults("running");
      const request = spec.schemaForm ? schemaRequest(schemaForm, country.value.trim()) : readForm(calc, controls, country.value.trim());
      const result = await send(ctx, calc, request, "json");
      if (!ctx.alive()) return;
      showResults(request, result);
      lastRun = { inputs: await savedInputs(calc, controls, request), summary: summarize(calc, result) };
      showWarnings(request.body ? implausible(calc, request.body) : []);
      status.textContent = t("tk.done");
      results.dataset.state = "done";
    } catch (error) {
      if (!ctx.alive()) return;
      clearResults("error");
      showProblems(error);
    } finally {
      runButton.disabled = false;
    }
  });

  function showProblems(error) {
    if (schemaForm && error.details?.length) schemaForm.showErrors(error.details);
    const details = (error.details || []).map((d) => {
      const where = [d.row ? t("tk.row", { n: String(d.row) }) : null, d.column, (d.loc || []).filter((x) => x !== "body").join(".")]
        .filter(Boolean)
        .join(", ");
      return el("li", {}, where ? `${where}: ${d.message}` : d.message);
    });
    problems.replaceChildren(el("p", {}, t("tk.invalid"), " ", error.message), details.length ? el("ul", {}, details) : null);
    problems.hidden = false;
  }

  function showWarnings(found) {
    warnings.replaceChildren(
      el("p", {}, t("tk.plausible")),
      el("ul", {}, found.map(([key, v]) => el("li", {}, t(key, { value: fmt.number(v) })))),
    );
    warnings.hidden = !found.length;
  }

  function showResults(request, result) {
    for (const chart of charts.splice(0)) chart.destroy();
    const body = el("div", { class: "stack" });
    const chartBox = el("div", { class: "chart" });
    const canvas = el("canvas", { role: "img", "aria-label": t(`tk.tab.${calc}`) });
    chartBox.append(canvas);
    const view = VIEWS[calc](ctx, result);
    chartBox.hidden = !view.chart;
    const downloads = el("div", { class: "actions export-links", "aria-label": t("tk.downloads") });
    for (const format of spec.formats) {
      downloads.append(
        el(
          "button",
          {
            type: "button",
            class: "btn btn-secondary export",
            "data-format": format,
            onclick: () => downloadResult(ctx, calc, request, result, format, showProblems),
          },
          t(`tk.download.${format}`),
        ),
      );
    }
    body.append(view.table, chartBox, ...(view.extra || []));
    results.replaceChildren(el("h2", { id: "tk-results-title" }, t("tk.results")), downloads, body);
    results.hidden = false;
    if (view.chart && typeof Chart !== "undefined") charts.push(new Chart(canvas, view.chart));
  }

  const space = workspace(ctx, {
    calc,
    current: () => (results.dataset.state === "done" ? lastRun : null),
    reopen: async (saved) => {
      const inputs = saved.inputs;
      if (spec.schemaForm) await drawSchemaForm(inputs);
      else if (calc === "stocks") fillForm(calc, controls, { ...inputs, mapping: inputs.mapping || {}, depths_cm: (inputs.depths_cm || [30]).join(",") });
      else fillForm(calc, controls, inputs);
      if (form.toggleClimate) form.toggleClimate();
      country.value = inputs.country_iso3 || "";
      clearResults("empty");
      form.requestSubmit(); // the result is computed again, never the stored one beside the inputs
    },
  });

  root.append(
    el("div", { class: "page-header" }, el("h1", {}, t("tk.title"))),
    el("p", { class: "muted" }, t("tk.intro")),
    tabList,
    el(
      "div",
      { id: "tk-panel", role: "tabpanel", "aria-labelledby": `tk-tab-${calc}`, class: "stack" },
      el("p", {}, t(`tk.about.${calc}`)),
      site?.element,
      spec.schemaForm ? schemaHolder : null,
      form,
      status,
      problems,
      warnings,
      results,
      space.element,
    ),
  );
  if (spec.schemaForm) await drawSchemaForm(EMPTY_BALANCE);
  return () => {
    for (const chart of charts) chart.destroy();
    site?.destroy();
  };
}

// ---------------------------------------------------------------- form

// A code (natural_spline, vm0042, ESM…) in words when the page has them, else the code itself.
function words(t, prefix, code) {
  const key = `${prefix}.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

// Values that pass the hard limits (permille.toolkit.limits) but are unlikely: [message key, value].
function implausible(calc, body) {
  const found = [];
  const check = (key, values, low, high) => {
    for (const v of [values].flat()) if (typeof v === "number" && (v > high || v < low)) return found.push([key, v]);
  };
  const climate = (c) => {
    if (!c) return;
    check("w.temperature", c.temperature_c, -30, 40);
    check("w.precipitation", c.precipitation_mm, 0, 1000);
    check("w.pet", c.pet_mm, 0, 300);
  };
  if (calc === "rothc") {
    climate(body.climate);
    check("w.soc", body.soc_t_c_ha, 0, 300);
    check("w.clay", body.clay_pct, 0, 80);
    check("w.input", body.baseline_input_t_c_ha_yr, 0, 15);
    check("w.inputChange", body.input_change_pct, -100, 200);
  }
  if (calc === "balance") {
    for (const area of body.areas || []) {
      climate(area.climate);
      check("w.clay", area.clay_pct, 0, 80);
      for (const m of [...(area.baseline || []), ...(area.project || [])]) {
        check("w.input", (m.plant_input_t_c_ha || 0) + (m.manure_t_c_ha || 0), 0, 15);
      }
    }
  }
  if (calc === "credits") for (const c of body.changes || []) check("w.change", c.mean_t_c_ha, -30, 30);
  return found;
}

function makeControl(ctx, name, kind, options) {
  const { el, t } = ctx;
  const id = `tk-${name}`;
  if (kind === "select") {
    return el(
      "select",
      { id, name },
      options.options.map((value) => el("option", { value }, name === "climate_preset" ? t(`f.preset.${value}`) : words(t, "opt", value))),
    );
  }
  if (kind === "check") return el("input", { id, name, type: "checkbox" });
  if (kind === "mapping") return mappingTable(ctx, id, name);
  if (kind === "file") return el("input", { id, name, type: "file", accept: options.accept });
  if (kind === "json" || kind === "lines") {
    return el("textarea", { id, name, rows: options.rows || 4, spellcheck: "false", class: "tk-code" });
  }
  if (kind === "number") {
    // text, read in the page's language by parseNumber: a number input reads "45,5" by the browser's
    // locale instead (Chromium in English drops the comma: 455)
    return el("input", { id, name, type: "text", inputmode: "decimal", autocomplete: "off" });
  }
  return el("input", { id, name, type: "text", autocomplete: "off" });
}

// The fields a column mapping may name (permille.io.soil_import: text fields, depths, the measured properties).
const MAPPING_FIELDS = ["site", "field", "profile", "sample", "date", "lon", "lat", "composite", "upper", "lower",
  "soc", "som", "bulk_density", "coarse_fraction", "fine_mass", "core_volume", "clay", "sand", "soc_stock"]; // prettier-ignore

// The stocks calculator's column mapping as a small table: a row per field (field, column, unit), rows added
// and removed; control.mapping() → {field: column | {column, unit}}, control.setMapping(mapping).
function mappingTable(ctx, id, name) {
  const { el, t } = ctx;
  const body = el("tbody", {});
  const empty = el("p", { class: "muted small" }, t("map.empty"));
  const addRow = (field = "", column = "", unit = "") => {
    const n = body.children.length + 1;
    const select = el("select", { name: `${name}.field`, "aria-label": `${t("map.field")} ${n}` }, el("option", { value: "" }, "—"), MAPPING_FIELDS.map((f) => el("option", { value: f }, f)));
    select.value = field;
    const columnInput = el("input", { type: "text", name: `${name}.column`, value: column, autocomplete: "off", "aria-label": `${t("map.column")} ${n}` });
    const unitInput = el("input", { type: "text", name: `${name}.unit`, value: unit, autocomplete: "off", size: 6, "aria-label": `${t("map.unit")} ${n}` });
    const row = el("tr", {}, el("td", {}, select), el("td", {}, columnInput), el("td", {}, unitInput));
    const remove = el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "remove-column" }, t("map.remove"));
    remove.addEventListener("click", () => {
      row.remove();
      empty.hidden = body.children.length > 0;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    row.append(el("td", {}, remove));
    body.append(row);
    empty.hidden = true;
  };
  const add = el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "add-column" }, t("map.add"));
  add.addEventListener("click", () => {
    addRow();
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });
  const header = el("tr", {}, [t("map.field"), t("map.column"), t("map.unit"), ""].map((h) => el("th", { scope: "col" }, h)));
  const box = el("div", { id, class: "tk-mapping stack", "data-name": name }, el("div", { class: "table-wrap" }, el("table", { class: "data" }, el("thead", {}, header), body)), empty, el("div", { class: "actions" }, add));
  box.mapping = () => {
    const out = {};
    for (const row of body.children) {
      const [field, column, unit] = [...row.querySelectorAll("select, input")].map((c) => c.value.trim());
      if (!field && !column) continue;
      out[field || `(${column})`] = unit ? { column, unit } : column;
    }
    return out;
  };
  box.setMapping = (mapping) => {
    body.replaceChildren();
    for (const [field, entry] of Object.entries(mapping || {})) {
      if (typeof entry === "string") addRow(field, entry, "");
      else addRow(field, entry.column || "", entry.unit || "");
    }
    empty.hidden = body.children.length > 0;
  };
  Object.defineProperty(box, "value", { get: () => (body.children.length ? JSON.stringify(box.mapping()) : "") });
  return box;
}

function specOf(calc, name) {
  return CALCULATORS[calc].fields.find(([field]) => field === name);
}

function fillForm(calc, controls, example) {
  if (calc === "stocks") {
    const transfer = new DataTransfer();
    transfer.items.add(new File([example.csv], example.filename, { type: "text/csv" }));
    controls.file.files = transfer.files;
    controls.mapping.setMapping(example.mapping);
    controls.depths_cm.value = example.depths_cm;
    controls.method.value = example.method;
    return;
  }
  const values = { ...example };
  if (calc === "rothc") {
    Object.assign(values, example.climate || {});
    values.climate_preset = example.climate_preset || "custom";
  }
  for (const [name, control] of Object.entries(controls)) {
    const [, kind, options] = specOf(calc, name);
    const value = values[name];
    if (kind === "check") control.checked = Boolean(value);
    else if (kind === "list") control.value = (value || []).join(", ");
    else if (kind === "lines") control.value = (value || []).map((row) => options.columns.map((c) => row[c]).join(", ")).join("\n");
    else if (kind === "number") control.value = formatNumber(value);
    else control.value = value === null || value === undefined ? "" : String(value);
  }
}

// The request of a calculator drawn by forms.js: its values, or its problems shown beside their fields.
function schemaRequest(schemaForm, country) {
  const { data, problems } = schemaForm.values();
  if (problems.length) {
    schemaForm.showErrors(problems);
    throw new InputError(problems);
  }
  schemaForm.clearErrors();
  return { body: { ...data, ...(country ? { country_iso3: country } : {}) } };
}

// The inputs kept by "Save": the request body; for the stocks upload, the CSV's text and the options.
async function savedInputs(calc, controls, request) {
  if (calc !== "stocks") return request.body;
  const file = controls.file.files[0];
  const mapping = controls.mapping.mapping();
  return {
    csv: await file.text(),
    filename: file.name,
    ...(Object.keys(mapping).length ? { mapping } : {}),
    depths_cm: request.form.get("depths_cm").split(/[,;]/).filter((d) => d.trim()).map(Number),
    method: request.form.get("method"),
    ...(request.form.get("country_iso3") ? { country_iso3: request.form.get("country_iso3") } : {}),
  };
}

// The key figures of a result kept beside saved inputs (the list shows them; a reopened calculation is
// computed again): RothC's summary, the balance per model, else the result's top-level numbers.
function summarize(calc, result) {
  if (calc === "rothc") return Object.fromEntries(Object.entries(result.summary || {}).map(([k, e]) => [k, { mean: e.mean, low: e.low95, high: e.high95 }]));
  if (calc === "balance") {
    return Object.fromEntries(Object.entries(result.estimates || {}).map(([model, e]) => [model, { mean: e.balance_t_co2e_ha_yr.mean, low: e.balance_t_co2e_ha_yr.low, high: e.balance_t_co2e_ha_yr.high }]));
  }
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === "number").slice(0, 8));
}

// --------------------------------------------------------------- site inputs from the map

// The RothC form filled from the layers: climate (custom), clay, SOC 0–30 cm (and the depth, 30 cm).
function fillRothc(ctx, controls, form, answer) {
  const f = answer.fields;
  const done = [];
  controls.climate_preset.value = "custom";
  form.toggleClimate();
  for (const name of ["temperature_c", "precipitation_mm", "pet_mm"]) {
    controls[name].value = f[name].value.map((v) => String(v)).join(", ");
    showSource(ctx, controls[name], f[name]);
    done.push([controls[name], name]);
  }
  for (const [name, control] of [["clay_pct", controls.clay_pct], ["soc_t_c_ha", controls.soc_t_c_ha]]) {
    if (!f[name]) continue;
    control.value = formatNumber(f[name].value);
    showSource(ctx, control, f[name]);
    done.push([control, name]);
  }
  if (f.soc_t_c_ha) controls.depth_cm.value = formatNumber(f.soc_t_c_ha.depth_cm);
  form.dispatchEvent(new Event("change", { bubbles: true }));
  return done;
}

// The areas of the balance form a fill may go to: "1 — plateau fields".
function areaTargets(ctx, schemaForm) {
  const out = [];
  for (let i = 0; schemaForm?.control(["areas", i, "name"]); i++) {
    const name = schemaForm.control(["areas", i, "name"]).value.trim();
    out.push({ value: String(i), label: `${i + 1}${name ? ` — ${name}` : ""}` });
  }
  return out;
}

// An area of the balance filled from the layers: its monthly climate, IPCC climate zone, soil class, clay
// and the land use of the first period of each scenario (the land before the project) from the land cover.
function fillArea(ctx, schemaForm, answer, i) {
  const f = answer.fields;
  const done = [];
  const control = (...path) => schemaForm.control(["areas", i, ...path]);
  for (const name of ["temperature_c", "precipitation_mm", "pet_mm"]) {
    f[name].value.forEach((v, j) => {
      const input = control("climate", name, j);
      if (input) input.value = formatNumber(v);
    });
    const box = control("climate", name, 0)?.closest("fieldset");
    if (box) {
      showSource(ctx, box, f[name]);
      done.push([box, name]);
    }
  }
  const choose = (select, value, name) => {
    if (!select || ![...select.options].some((o) => o.value === value)) return;
    select.value = value;
    showSource(ctx, select, f[name]);
    done.push([select, name]);
  };
  if (f.climate_zone) choose(control("climate_zone"), f.climate_zone.value, "climate_zone");
  if (f.soil_class) choose(control("soil_class"), f.soil_class.value, "soil_class");
  if (f.clay_pct && control("clay_pct")) {
    control("clay_pct").value = formatNumber(f.clay_pct.value);
    showSource(ctx, control("clay_pct"), f.clay_pct);
    done.push([control("clay_pct"), "clay_pct"]);
  }
  if (f.land_cover?.tier1_land_use) {
    for (const scenario of ["baseline", "project"]) choose(control(scenario, 0, "land_use"), f.land_cover.tier1_land_use, "land_cover");
  }
  schemaForm.element.dispatchEvent(new Event("change", { bubbles: true }));
  return done;
}

class InputError extends Error {
  constructor(details) {
    super(`${details.length} problem(s)`);
    this.details = details;
  }
}

// The request of a calculator from its form: {body} (JSON) or {form} (multipart for the stocks upload).
function readForm(calc, controls, country) {
  const problems = [];
  const body = {};
  for (const [name, control] of Object.entries(controls)) {
    const [, kind, options] = specOf(calc, name);
    const raw = (control.value ?? "").trim();
    if (kind === "check") body[name] = control.checked;
    else if (kind === "number") {
      if (raw === "") {
        if (!options.optional) problems.push({ loc: [name], message: "required" });
        body[name] = null;
      } else {
        const parsed = parseNumber(raw);
        if (parsed.error) problems.push({ loc: [name], message: message("forms.notNumber", { example: formatNumber(45.5) }) });
        body[name] = parsed.value ?? null;
      }
    } else if (kind === "list") body[name] = raw === "" ? [] : raw.split(/[,;\s]+/).filter(Boolean).map(Number);
    else if (kind === "lines") {
      body[name] = raw
        .split("\n")
        .filter((line) => line.trim())
        .map((line, i) => {
          const cells = line.split(",").map((c) => c.trim());
          if (cells.length !== options.columns.length) {
            problems.push({ loc: [name, i + 1], message: `expected ${options.columns.length} values: ${options.columns.join(", ")}` });
          }
          return Object.fromEntries(options.columns.map((c, j) => [c, options.numeric.includes(j) ? Number(cells[j]) : cells[j]]));
        });
    } else if (kind === "mapping") {
      const mapping = control.mapping();
      if (Object.keys(mapping).length) body[name] = mapping;
    } else if (kind === "json") {
      try {
        body[name] = JSON.parse(raw);
      } catch (error) {
        problems.push({ loc: [name], message: `not valid JSON: ${error.message}` });
      }
    } else if (kind === "file") {
      if (!control.files.length) problems.push({ loc: [name], message: "choose a CSV file" });
      body[name] = control.files[0];
    } else body[name] = raw;
  }
  if (problems.length) throw new InputError(problems);
  const countryIso3 = country || null;
  if (calc === "stocks") {
    const form = new FormData();
    form.append("file", body.file);
    if (body.mapping !== undefined) form.append("mapping", JSON.stringify(body.mapping));
    form.append("depths_cm", body.depths_cm);
    form.append("method", body.method);
    if (countryIso3) form.append("country_iso3", countryIso3);
    return { form };
  }
  if (calc === "rothc") {
    const custom = body.climate_preset === "custom";
    body.climate = custom ? { temperature_c: body.temperature_c, precipitation_mm: body.precipitation_mm, pet_mm: body.pet_mm } : null;
    body.climate_preset = custom ? null : body.climate_preset;
    for (const name of ["temperature_c", "precipitation_mm", "pet_mm"]) delete body[name];
  }
  return { body: { ...body, country_iso3: countryIso3 } };
}

function send(ctx, calc, request, format) {
  const query = format === "json" ? "" : `?format=${format}`;
  return ctx.api(`/toolkit/${calc}${query}`, request);
}

async function downloadResult(ctx, calc, request, result, format, onError) {
  const name = `toolkit-${calc}`;
  if (format === "json") {
    ctx.download(`${name}.json`, JSON.stringify(result, null, 2), "application/json");
    return;
  }
  try {
    // binary answers (PDF) must not go through text: fetch the blob directly
    const init = { method: "POST" };
    if (request.form) init.body = request.form;
    else {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(request.body);
    }
    // the report and the CSV's header row (labels with units) in the page's language
    const query = `&lang=${ctx.lang}${format === "csv" ? "&header=labels" : ""}`;
    const response = await fetch(apiUrl(`/toolkit/${calc}?format=${format}${query}`), init);
    if (!response.ok) {
      const error = new Error(`${response.status}`);
      try {
        Object.assign(error, (await response.json()).error || {});
      } catch {
        // not a JSON error body
      }
      throw error;
    }
    saveBlob(`${name}.${format}`, await response.blob());
  } catch (error) {
    onError(error);
  }
}

// ---------------------------------------------------------------- results

const NUMBER = /^[-−+]?[\d.,\s\u202f%–]+$/; // formatted numbers and intervals are right-aligned

function table(ctx, headers, rows) {
  const { el } = ctx;
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { class: "data" },
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el(
        "tbody",
        {},
        rows.map((row) =>
          el(
            "tr",
            {},
            row.map((cell, i) =>
              i === 0 ? el("th", { scope: "row" }, cell) : el("td", { class: NUMBER.test(cell) ? "num" : null }, cell),
            ),
          ),
        ),
      ),
    ),
  );
}

function band(label, values, color) {
  // a 95 % band: the low edge, then the high edge filled down to it
  return [
    { label: `${label} 2.5 %`, data: values.low95, borderColor: "transparent", pointRadius: 0, fill: false },
    { label: `${label} 97.5 %`, data: values.high95, borderColor: "transparent", backgroundColor: `${color}33`, pointRadius: 0, fill: "-1" },
  ];
}

function lineChart(ctx, labels, datasets, yTitle, xTitle) {
  return {
    type: "line",
    data: { labels, datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { labels: { filter: (item) => !/ (2\.5|97\.5) %$/.test(item.text) } } },
      scales: {
        x: { title: { display: true, text: xTitle } },
        y: { title: { display: true, text: yTitle }, ticks: { callback: (v) => ctx.fmt.number(v) } },
      },
    },
  };
}

// Relative changes and shares of the 4‰ aspiration are fractions: shown as percentages.
function value(ctx, key, x) {
  if (key === "stock") return ctx.fmt.number(x, 2); // a mean stock's interval, as its mean
  if (key.includes("share")) return ctx.fmt.percent(x, 1);
  if (key.includes("relative")) return ctx.fmt.percent(x, 2);
  if (key.startsWith("total")) return ctx.fmt.number(x, 0);
  return ctx.fmt.number(x, 3);
}

function interval(ctx, key, low, high) {
  return `${value(ctx, key, low)} – ${value(ctx, key, high)}`;
}

// Chart.js plugin: each bar's interval (dataset.intervals[i] = [low, high]) drawn as an error bar on it.
const ERROR_BARS = {
  id: "errorBars",
  afterDatasetsDraw(chart) {
    const { ctx: g, scales } = chart;
    chart.data.datasets.forEach((dataset, d) => {
      if (!dataset.intervals) return;
      chart.getDatasetMeta(d).data.forEach((bar, i) => {
        const [low, high] = dataset.intervals[i] || [];
        if (low === undefined || low === null) return;
        const top = scales.y.getPixelForValue(high);
        const bottom = scales.y.getPixelForValue(low);
        const half = Math.min(8, bar.width / 4);
        g.save();
        g.strokeStyle = "#333";
        g.lineWidth = 1.5;
        g.beginPath();
        g.moveTo(bar.x, top);
        g.lineTo(bar.x, bottom);
        g.moveTo(bar.x - half, top);
        g.lineTo(bar.x + half, top);
        g.moveTo(bar.x - half, bottom);
        g.lineTo(bar.x + half, bottom);
        g.stroke();
        g.restore();
      });
    });
  },
};

const VIEWS = {
  rothc(ctx, r) {
    const { t, el } = ctx;
    const s = r.stocks_t_c_ha;
    const rows = Object.entries(r.summary).map(([key, e]) => [
      t(`r.${key}`),
      value(ctx, key, e.central),
      value(ctx, key, e.mean),
      value(ctx, key, e.sd),
      interval(ctx, key, e.low95, e.high95),
    ]);
    const datasets = [
      ...band(t("r.baseline"), s.baseline, COLORS.baseline),
      { label: t("r.baseline"), data: s.baseline.central, borderColor: COLORS.baseline, pointRadius: 0 },
      ...band(t("r.scenario"), s.scenario, COLORS.scenario),
      { label: t("r.scenario"), data: s.scenario.central, borderColor: COLORS.scenario, pointRadius: 0 },
      { label: t("r.target"), data: s.four_per_mille_target.central, borderColor: COLORS.target, borderDash: [6, 4], pointRadius: 0 },
    ];
    return {
      table: table(ctx, [t("tk.quantity"), t("tk.central"), t("tk.mean"), t("tk.sd"), t("tk.interval95")], rows),
      chart: lineChart(ctx, r.years, datasets, t("r.stock"), t("tk.year")),
      extra: [el("p", { class: "muted small" }, ctx.tn("tk.draws", r.n_draws, { seed: r.seed }))],
    };
  },
  balance(ctx, r) {
    const { t, el, fmt } = ctx;
    const keys = ["balance_t_c_ha_yr", "balance_t_co2e_ha_yr", "total_t_co2e", "balance_share_of_4permille"];
    const rows = [];
    for (const [model, estimates] of Object.entries(r.estimates)) {
      for (const key of keys) {
        const e = estimates[key];
        rows.push([`${model} — ${t(`r.${key}`)}`, value(ctx, key, e.mean), value(ctx, key, e.sd), interval(ctx, key, e.low, e.high)]);
      }
    }
    const balanceRows = r.yearly.filter((row) => row.scenario === "balance" && row.year >= r.period[0] - 1);
    const years = [...new Set(balanceRows.map((row) => row.year))];
    const colors = [COLORS.scenario, COLORS.target, COLORS.other];
    const datasets = Object.keys(r.estimates).flatMap((model, i) => {
      const rowsOf = balanceRows.filter((row) => row.model === model);
      const values = { low95: rowsOf.map((x) => x.stock_t_c_ha_low95), high95: rowsOf.map((x) => x.stock_t_c_ha_high95) };
      return [...band(model, values, colors[i]), { label: model, data: rowsOf.map((x) => x.stock_t_c_ha_mean), borderColor: colors[i], pointRadius: 0 }];
    });
    const estimate = (e) => `${fmt.number(e.mean, 2)} [${fmt.number(e.low, 2)} – ${fmt.number(e.high, 2)}]`;
    const disagree = (r.disagreements || []).map(([a, b]) =>
      el("p", { class: "notice", "data-disagree": `${a}|${b}` }, t("r.disagree", {
        a, b, ea: estimate(r.estimates[a].balance_t_co2e_ha_yr), eb: estimate(r.estimates[b].balance_t_co2e_ha_yr),
      })),
    );
    return {
      table: el("div", {}, ...disagree, table(ctx, [t("tk.quantity"), t("tk.mean"), t("tk.sd"), t("tk.interval95")], rows)),
      chart: lineChart(ctx, years, datasets, t("r.balanceChart"), t("tk.year")),
      extra: [el("p", { class: "muted small" }, ctx.tn("tk.draws", r.n_draws, { seed: r.seed }))],
    };
  },
  stocks(ctx, r) {
    const { t, fmt, el } = ctx;
    const rows = r.groups.map((g) => [g.group || "—", words(t, "m", g.method), fmt.number(g.depth_cm), fmt.number(g.n), fmt.number(g.mean_t_c_ha, 2), interval(ctx, "stock", g.low_t_c_ha, g.high_t_c_ha)]);
    const labels = r.groups.map((g) => `${g.group} · ${words(t, "m", g.method)} · 0–${fmt.number(g.depth_cm)} cm`);
    const chart = {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            label: `${t("r.stockMean")} (${t("tk.interval90")})`,
            data: r.groups.map((g) => g.mean_t_c_ha),
            intervals: r.groups.map((g) => [g.low_t_c_ha, g.high_t_c_ha]),
            backgroundColor: `${COLORS.scenario}99`,
          },
        ],
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { title: { display: true, text: t("r.stock") } } } },
      plugins: [ERROR_BARS],
    };
    // how each number was made (the server's sentences, in the page's language)
    const how = [
      [t("observations.property:bulk_density"), r.methods["bulk density"]],
      [t("m.ESM"), r.methods["equivalent soil mass"]],
      [t("tk.interval90"), r.interval],
    ];
    const methods = el("dl", { class: "details methods small" }, how.flatMap(([term, text]) => [el("dt", {}, term), el("dd", {}, text)]));
    const extra = [...(r.dropped.length ? [el("p", { class: "notice" }, `${colon(t("r.dropped"))} ${r.dropped.join("; ")}`)] : []), methods];
    return {
      table: table(ctx, [t("r.group"), t("r.method"), t("r.depth"), t("r.n"), t("r.stockMean"), t("tk.interval90")], rows),
      chart,
      extra,
    };
  },
  sampling(ctx, r) {
    const { t, fmt, el } = ctx;
    const rows = r.strata.map((s) => [s.stratum, fmt.number(s.area_ha), fmt.number(s.sd_t_c_ha, 2), fmt.number(s.neyman), fmt.number(s.proportional)]);
    const chart = {
      type: "bar",
      data: {
        labels: r.strata.map((s) => s.stratum),
        datasets: [
          { label: t("r.neyman"), data: r.strata.map((s) => s.neyman), backgroundColor: COLORS.scenario },
          { label: t("r.proportional"), data: r.strata.map((s) => s.proportional), backgroundColor: COLORS.baseline },
        ],
      },
      options: { maintainAspectRatio: false, animation: false },
    };
    return {
      table: el(
        "div",
        {},
        el("p", { class: "tk-headline" }, t("r.nPoints", { n: r.n, mdd: fmt.number(r.mdd_at_n_t_c_ha, 3) }), " — ", r.test),
        table(ctx, [t("r.stratum"), t("r.area"), t("f.sd_t_c_ha"), t("r.neyman"), t("r.proportional")], rows),
      ),
      chart,
    };
  },
  credits(ctx, r) {
    const { t, fmt, el } = ctx;
    const steps = [
      ["gross", r.totals.gross_t_co2e],
      ["uncertainty", -r.totals.uncertainty_deduction_t_co2e],
      ["leakage", -r.totals.leakage_t_co2e],
      ["buffer", -r.totals.buffer_t_co2e],
    ];
    let level = 0;
    const bars = steps.map(([, value]) => {
      const bar = [level, level + value];
      level += value;
      return bar;
    });
    bars.push([0, r.totals.issuable_t_co2e]);
    const labels = [...steps.map(([key]) => t(`r.${key}`)), t("r.issuable")];
    const changeRows = r.changes.map((c) => [c.label, fmt.number(c.mean_t_c_ha, 3), fmt.number(c.se_t_c_ha, 3), interval(ctx, "", c.low_t_c_ha, c.high_t_c_ha)]);
    const totalRows = labels.map((label, i) => [label, fmt.number(i < steps.length ? steps[i][1] : r.totals.issuable_t_co2e, 1)]);
    if (r.totals.gross_t_co2e <= 0) {
      const change = r.changes.reduce((sum, c) => sum + c.mean_t_c_ha, 0) / Math.max(r.changes.length, 1);
      return {
        table: el(
          "div",
          {},
          el("p", {}, `${r.scheme.name} — ${r.scheme.version}`),
          el("p", { class: "notice tk-headline", "data-outcome": "no-credits" }, t("r.noCredits", { change: fmt.number(change, 3) })),
          table(ctx, [t("r.stratum"), t("r.change"), t("r.se"), t("tk.interval90")], changeRows),
        ),
        chart: null,
      };
    }
    return {
      table: el(
        "div",
        {},
        el("p", {}, `${r.scheme.name} — ${r.scheme.version}`),
        r.scheme.verified ? null : el("p", { class: "notice" }, t("r.unverified")),
        table(ctx, [t("r.stratum"), t("r.change"), t("r.se"), t("tk.interval90")], changeRows),
        table(ctx, [t("r.step"), t("r.amount")], totalRows),
      ),
      chart: {
        type: "bar",
        data: { labels, datasets: [{ label: t("r.amount"), data: bars, backgroundColor: [COLORS.scenario, "#b3261e", "#b3261e", "#b3261e", COLORS.target] }] },
        options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
      },
    };
  },
};
