// Saved calculations (GET/POST/PATCH/DELETE /api/toolkit/saved): a signed-in user saves the inputs of the
// calculator on screen with the summary of its last result, lists their own and their organisation's shared
// ones, reopens (the page fills the form and computes the result again: a stored result is never shown beside
// inputs), duplicates, shares and deletes them.
//
//   const space = workspace(ctx, { calc, current, reopen })
//     current() → {inputs, summary} of the last run, or null when none (or the inputs changed since)
//     reopen(saved) fills the form from saved.inputs and runs it
//   space.element, space.refresh()

import { add, t } from "../i18n.js";

add({
  en: {
    "ws.title": "Saved calculations",
    "ws.signIn": "Sign in to save calculations in your workspace and share them with your organisation.",
    "ws.name": "Name of this calculation",
    "ws.share": "Share with my organisation (read-only)",
    "ws.save": "Save",
    "ws.saved": "Saved as “{name}”.",
    "ws.runFirst": "Run the calculation first: a calculation is saved with its result.",
    "ws.none": "No saved calculation for this calculator yet.",
    "ws.colName": "Name",
    "ws.colResult": "Result when saved",
    "ws.colSaved": "Saved",
    "ws.colOwner": "By",
    "ws.colActions": "Actions",
    "ws.open": "Open",
    "ws.duplicate": "Duplicate",
    "ws.delete": "Delete",
    "ws.shareOn": "Share",
    "ws.shareOff": "Stop sharing",
    "ws.me": "me",
    "ws.shared": "shared",
    "ws.confirmDelete": "Delete “{name}”? This cannot be undone.",
    "ws.reopened": "Reopened “{name}” (saved with permille {version}); the result below is computed again from these inputs now.",
    "ws.version": "version {version}",
    "ws.limit": "{n} of at most {limit}",
  },
  fr: {
    "ws.title": "Calculs enregistrés",
    "ws.signIn": "Connectez-vous pour enregistrer vos calculs dans votre espace et les partager avec votre organisation.",
    "ws.name": "Nom de ce calcul",
    "ws.share": "Partager avec mon organisation (lecture seule)",
    "ws.save": "Enregistrer",
    "ws.saved": "Enregistré sous « {name} ».",
    "ws.runFirst": "Lancez d’abord le calcul : un calcul est enregistré avec son résultat.",
    "ws.none": "Aucun calcul enregistré pour ce calculateur.",
    "ws.colName": "Nom",
    "ws.colResult": "Résultat à l’enregistrement",
    "ws.colSaved": "Enregistré",
    "ws.colOwner": "Par",
    "ws.colActions": "Actions",
    "ws.open": "Ouvrir",
    "ws.duplicate": "Dupliquer",
    "ws.delete": "Supprimer",
    "ws.shareOn": "Partager",
    "ws.shareOff": "Ne plus partager",
    "ws.me": "moi",
    "ws.shared": "partagé",
    "ws.confirmDelete": "Supprimer « {name} » ? C’est définitif.",
    "ws.reopened": "« {name} » rouvert (enregistré avec permille {version}) ; le résultat ci-dessous est recalculé maintenant à partir de ces entrées.",
    "ws.version": "version {version}",
    "ws.limit": "{n} sur {limit} au plus",
  },
  es: {
    "ws.title": "Cálculos guardados",
    "ws.signIn": "Inicie sesión para guardar sus cálculos en su espacio y compartirlos con su organización.",
    "ws.name": "Nombre de este cálculo",
    "ws.share": "Compartir con mi organización (solo lectura)",
    "ws.save": "Guardar",
    "ws.saved": "Guardado como «{name}».",
    "ws.runFirst": "Ejecute primero el cálculo: un cálculo se guarda con su resultado.",
    "ws.none": "Aún no hay cálculos guardados para esta calculadora.",
    "ws.colName": "Nombre",
    "ws.colResult": "Resultado al guardar",
    "ws.colSaved": "Guardado",
    "ws.colOwner": "Por",
    "ws.colActions": "Acciones",
    "ws.open": "Abrir",
    "ws.duplicate": "Duplicar",
    "ws.delete": "Eliminar",
    "ws.shareOn": "Compartir",
    "ws.shareOff": "Dejar de compartir",
    "ws.me": "yo",
    "ws.shared": "compartido",
    "ws.confirmDelete": "¿Eliminar «{name}»? No se puede deshacer.",
    "ws.reopened": "«{name}» reabierto (guardado con permille {version}); el resultado de abajo se calcula de nuevo ahora a partir de estos datos.",
    "ws.version": "versión {version}",
    "ws.limit": "{n} de {limit} como máximo",
  },
});

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
