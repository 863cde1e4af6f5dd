// Saved calculations (GET/POST/PATCH/DELETE /api/toolkit/saved): a signed-in user saves the inputs of the
// calculator on screen with the summary of its last result, lists their own and their organisation's shared
// ones, reopens (the page fills the form and computes the result again: a stored result is never shown beside
// inputs), duplicates, shares and deletes them.
//
//   const space = workspace(ctx, { calc, current, reopen })
//     current() → {inputs, summary} of the last run, or null when none (or the inputs changed since)
//     reopen(saved) fills the form from saved.inputs and runs it
//   space.element, space.refresh()

import { t } from "../i18n.js";

// The summary in words: "label value", a few figures (the page's words for its keys where it has them).
function summaryText(ctx, summary) {
  return Object.entries(summary || {})
    .slice(0, 4)
    .map(([key, v]) => {
      const text = ctx.t(`r.${key}`);
      const name = text === `r.${key}` ? key : text;
      const shown = typeof v === "number" ? ctx.fmt.number(v, 2) : v && typeof v === "object" && "mean" in v ? `${ctx.fmt.number(v.mean, 2)} [${ctx.fmt.number(v.low, 2)} – ${ctx.fmt.number(v.high, 2)}]` : String(v);
      return `${name}: ${shown}`;
    })
    .join(" · ");
}

export function workspace(ctx, { calc, current, reopen }) {
  const { el } = ctx;
  const element = el("section", { class: "stack tk-saved", "aria-labelledby": "ws-title" }, el("h2", { id: "ws-title" }, t("ws.title")));
  if (!ctx.user) {
    element.append(el("p", { class: "muted" }, t("ws.signIn")));
    return { element, refresh() {} };
  }
  const name = el("input", { id: "ws-name", name: "ws-name", type: "text", maxlength: 120, autocomplete: "off" });
  const share = el("input", { id: "ws-share", name: "ws-share", type: "checkbox", disabled: !ctx.user.organisation_id });
  const save = el("button", { type: "button", class: "btn", "data-action": "save" }, t("ws.save"));
  const status = el("p", { class: "muted small", role: "status", "aria-live": "polite" });
  const list = el("div", { class: "table-wrap" });
  element.append(
    el(
      "div",
      { class: "grid" },
      el("label", { class: "field", for: name.id }, t("ws.name"), name),
      el("label", { class: "field", for: share.id }, el("span", {}, share, " ", t("ws.share"))),
    ),
    el("div", { class: "actions" }, save),
    status,
    list,
  );

  const fail = (error) => {
    status.className = "error";
    status.textContent = error.message;
  };
  const say = (text) => {
    status.className = "muted small";
    status.textContent = text;
  };

  async function refresh() {
    const answer = await ctx.api(`/toolkit/saved?calculator=${calc}`);
    if (!ctx.alive()) return;
    const items = answer.items;
    if (!items.length) {
      list.replaceChildren(el("p", { class: "muted" }, t("ws.none")));
      return;
    }
    const header = el("tr", {}, ["ws.colName", "ws.colResult", "ws.colSaved", "ws.colOwner", "ws.colActions"].map((k) => el("th", { scope: "col" }, t(k))));
    const rows = items.map((item) => {
      const actions = [
        el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "open", onclick: () => open(item.id) }, t("ws.open")),
        el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "duplicate", onclick: () => act(() => ctx.api(`/toolkit/saved/${item.id}/duplicate`, { method: "POST", body: {} })) }, t("ws.duplicate")),
      ];
      if (item.mine) {
        if (ctx.user.organisation_id) {
          actions.push(el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "share", onclick: () => act(() => ctx.api(`/toolkit/saved/${item.id}`, { method: "PATCH", body: { shared: !item.shared } })) }, t(item.shared ? "ws.shareOff" : "ws.shareOn")));
        }
        actions.push(
          el("button", {
            type: "button", class: "btn btn-secondary btn-small", "data-action": "delete",
            onclick: () => window.confirm(t("ws.confirmDelete", { name: item.name })) && act(() => ctx.api(`/toolkit/saved/${item.id}`, { method: "DELETE" })),
          }, t("ws.delete")),
        ); // prettier-ignore
      }
      return el(
        "tr",
        { "data-saved-id": String(item.id) },
        el("td", {}, item.name, item.shared ? el("span", { class: "badge" }, ` ${t("ws.shared")}`) : null),
        el("td", { class: "small" }, summaryText(ctx, item.summary)),
        el("td", { class: "small" }, ctx.fmt.date ? ctx.fmt.date(item.updated_at) : item.updated_at.slice(0, 10), " · ", t("ws.version", { version: item.software_version })),
        el("td", {}, item.mine ? t("ws.me") : item.owner),
        el("td", {}, el("div", { class: "actions" }, actions)),
      );
    });
    list.replaceChildren(
      el("table", { class: "data" }, el("caption", { class: "muted small" }, t("ws.limit", { n: items.filter((i) => i.mine).length, limit: answer.limit })), el("thead", {}, header), el("tbody", {}, rows)),
    );
  }

  async function act(call) {
    try {
      await call();
      await refresh();
    } catch (error) {
      fail(error);
    }
  }

  async function open(id) {
    try {
      const saved = await ctx.api(`/toolkit/saved/${id}`);
      if (!ctx.alive()) return;
      say(t("ws.reopened", { name: saved.name, version: saved.software_version }));
      await reopen(saved);
    } catch (error) {
      fail(error);
    }
  }

  save.addEventListener("click", async () => {
    const run = current();
    if (!run) return fail({ message: t("ws.runFirst") });
    save.disabled = true;
    try {
      const body = { name: name.value.trim(), calculator: calc, inputs: run.inputs, summary: run.summary, shared: share.checked };
      const answer = await ctx.api("/toolkit/saved", { method: "POST", body });
      say(t("ws.saved", { name: answer.name }));
      await refresh();
    } catch (error) {
      fail(error);
    } finally {
      save.disabled = false;
    }
  });
  refresh().catch(fail);
  return { element, refresh, open };
}
