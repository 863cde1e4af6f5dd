// #/inbox: my notifications (assignments, decisions, answers, new questions of my region), newest first,
// each linking to its page; mark read; how each kind reaches me by e-mail (at once, daily digest, none).
import { gate, notice, t } from "../accounts-ui.js";
import "../workflows-ui.js";

export async function render(root, _params, ctx) {
  const { el } = ctx;
  root.append(el("h1", { tabindex: "-1" }, t("inbox.title")));
  if (!gate(root, ctx)) return;
  const status = el("div", { role: "status", "aria-live": "polite" });
  const list = el("ol", { class: "stack inbox" });
  const count = el("p", { class: "muted unread" });
  async function load() {
    const box = await ctx.api("/notifications");
    count.textContent = ctx.tn("inbox.unread", box.unread);
    list.replaceChildren(...box.items.map((n) => el("li", { class: `card notification${n.read ? "" : " unread"}`, "data-notification": n.id },
      el("a", { href: n.link.replace(/^\//, "") || "#/inbox", onclick: () => ctx.api(`/notifications/${n.id}/read`, { method: "POST" }) }, n.title),
      el("p", { class: "small muted" }, `${t(`kind.${n.kind}`)} · ${ctx.fmt.date(n.at, { dateStyle: "medium", timeStyle: "short" })}`),
      n.read ? null : el("button", { type: "button", class: "btn btn-secondary btn-small", onclick: async () => { await ctx.api(`/notifications/${n.id}/read`, { method: "POST" }); await load(); } }, t("inbox.read")))));
    if (!box.items.length) list.replaceChildren(el("li", { class: "muted" }, t("inbox.none")));
  }
  await load();
  root.append(count, el("div", { class: "actions" }, el("button", { type: "button", class: "btn btn-secondary", onclick: async () => { await ctx.api("/notifications/read", { method: "POST" }); await load(); } }, t("inbox.readAll"))), list, status);

  const modes = await ctx.api("/notifications/preferences");
  const selects = Object.entries(modes).map(([kind, mode]) => el("div", { class: "field" },
    el("label", { for: `mode-${kind}` }, t(`kind.${kind}`)),
    el("select", { id: `mode-${kind}`, "data-kind": kind }, ["immediate", "digest", "off"].map((m) => el("option", { value: m, selected: m === mode }, t(`opt.${m}`))))));
  root.append(el("section", { class: "stack" }, el("h2", {}, t("inbox.settings")), ...selects,
    el("div", { class: "actions" }, el("button", { type: "button", class: "btn", onclick: async () => {
      const body = Object.fromEntries([...root.querySelectorAll("select[data-kind]")].map((s) => [s.dataset.kind, s.value]));
      await ctx.api("/notifications/preferences", { method: "PUT", body });
      status.replaceChildren(notice(t("inbox.saved")));
    } }, t("inbox.save")))));
}
