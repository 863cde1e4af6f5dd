// Toolkit page (objective B4): the calculators of the package usable without code — RothC scenario for a
// site, IPCC/RothC project balance, stocks and ESM from a CSV, sampling design, credit estimate. One tab
// per calculator (#/toolkit?calc=rothc); each has labelled fields with units, "Load example" (GET
// /api/toolkit/examples/<calc>), Run (POST /api/toolkit/<calc>), the result as a table and a chart with its
// uncertainty, and downloads (JSON, CSV, PDF where the API writes a report).
import { apiUrl, saveBlob } from "../api.js";
import { formatNumber, parseNumber } from "../forms.js";
import { t as message } from "../i18n.js";

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
  balance: { formats: ["json", "csv", "pdf"], fields: [["document", "json", { rows: 18 }]] },
  stocks: {
    formats: ["json", "csv"],
    fields: [
      ["file", "file", { accept: ".csv,text/csv" }],
      ["mapping", "json", { rows: 6 }],
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
    const wide = ["json", "lines", "list", "file"].includes(kind);
    const field =
      kind === "check"
        ? el("label", { class: "field", for: control.id }, el("span", {}, control, " ", label))
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
  };
  form.addEventListener("input", () => results.dataset.state === "done" && clearResults("stale"));
  form.addEventListener("change", () => results.dataset.state === "done" && clearResults("stale"));
  const exampleButton = el("button", { type: "button", class: "btn btn-secondary", "data-action": "example" }, t("tk.example"));
  const runButton = el("button", { type: "submit", class: "btn", "data-action": "run" }, t("tk.run"));
  form.append(el("div", { class: "actions" }, exampleButton, runButton));

  exampleButton.addEventListener("click", async () => {
    problems.hidden = true;
    try {
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
      const request = readForm(calc, controls, country.value.trim());
      const result = await send(ctx, calc, request, "json");
      if (!ctx.alive()) return;
      showResults(request, result);
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
    const details = (error.details || []).map((d) => {
      const where = [d.row ? `row ${d.row}` : null, d.column, (d.loc || []).filter((x) => x !== "body").join(".")]
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

  root.append(
    el("div", { class: "page-header" }, el("h1", {}, t("tk.title"))),
    el("p", { class: "muted" }, t("tk.intro")),
    tabList,
    el(
      "div",
      { id: "tk-panel", role: "tabpanel", "aria-labelledby": `tk-tab-${calc}`, class: "stack" },
      el("p", {}, t(`tk.about.${calc}`)),
      form,
      status,
      problems,
      warnings,
      results,
    ),
  );
  return () => {
    for (const chart of charts) chart.destroy();
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

function specOf(calc, name) {
  return CALCULATORS[calc].fields.find(([field]) => field === name);
}

function fillForm(calc, controls, example) {
  if (calc === "balance") {
    controls.document.value = JSON.stringify(example, null, 2);
    return;
  }
  if (calc === "stocks") {
    const transfer = new DataTransfer();
    transfer.items.add(new File([example.csv], example.filename, { type: "text/csv" }));
    controls.file.files = transfer.files;
    controls.mapping.value = JSON.stringify(example.mapping, null, 2);
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
    const raw = control.value.trim();
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
    } else if (kind === "json") {
      if (raw === "" && calc === "stocks") continue;
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
  if (calc === "balance") return { body: { ...body.document, ...(countryIso3 ? { country_iso3: countryIso3 } : {}) } };
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
    const lang = format === "pdf" ? `&lang=${ctx.lang}` : "";
    const response = await fetch(apiUrl(`/toolkit/${calc}?format=${format}${lang}`), init);
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
    const rows = r.groups.map((g) => [g.group || "—", words(t, "m", g.method), fmt.number(g.depth_cm), fmt.number(g.n), fmt.number(g.mean_t_c_ha, 2), interval(ctx, "", g.low_t_c_ha, g.high_t_c_ha)]);
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
    const extra = r.dropped.length ? [el("p", { class: "notice" }, `${t("r.dropped")}: ${r.dropped.join("; ")}`)] : [];
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
