// #/outbox (Secretariat): where e-mail goes; the messages of the outbox folder (used when no SMTP server
// is configured), each readable (plain text, and its HTML in a sandboxed frame); the queue of messages
// with their state, attempts and last error.
import { gate, t } from "../accounts-ui.js";

export async function render(root, params, ctx) {
  const { el } = ctx;
  root.append(el("h1", { tabindex: "-1" }, t("outbox.title")));
  if (!gate(root, ctx, ["secretariat"])) return;
  const [mail, messages, queue] = await Promise.all([ctx.api("/mail"), ctx.api("/mail/outbox"), ctx.api("/mail/queue")]);
  const reader = el("section", { class: "card stack", hidden: true, "aria-live": "polite" });

  async function open(id) {
    const message = await ctx.api(`/mail/outbox/${encodeURIComponent(id)}`);
    ctx.setParams({ message: id });
    reader.replaceChildren(
      el("h2", { tabindex: "-1" }, message.subject),
      el("p", { class: "muted small" }, `${message.from} → ${message.to} — ${message.date}`),
      el("pre", { class: "mail-text" }, message.text),
      el("iframe", { class: "mail-html", sandbox: "", srcdoc: message.html, title: message.subject }),
      el("div", { class: "actions" }, el("button", { type: "button", class: "btn btn-secondary", onclick: () => {
        reader.hidden = true;
        ctx.setParams({ message: null });
      } }, t("outbox.close"))),
    );
    reader.hidden = false;
    reader.querySelector("h2").focus();
  }

  const table = (head, rows) =>
    el("div", { class: "table-wrap" }, el("table", { class: "data" }, el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))), el("tbody", {}, rows)));
  root.append(
    el("p", {}, t("outbox.transport", { transport: mail.transport })),
    mail.outbox ? null : el("p", { class: "muted" }, t("outbox.smtp")),
    el("h2", {}, t("outbox.messages"), ` (${messages.length})`),
    messages.length
      ? table(
          [t("outbox.date"), t("outbox.to"), t("outbox.subject"), ""],
          messages.map((m) => el("tr", { "data-message": m.id },
            el("td", {}, ctx.fmt.date(m.date, { dateStyle: "short", timeStyle: "short" })),
            el("td", {}, m.to),
            el("td", { translate: "no" }, m.subject), // in its recipient's language
            el("td", {}, el("button", { type: "button", class: "btn btn-secondary", onclick: () => open(m.id) }, t("outbox.open"))))),
        )
      : el("p", { class: "muted" }, t("acc.none")),
    reader,
    el("h2", {}, t("outbox.queue")),
    queue.length
      ? table(
          [t("outbox.date"), t("outbox.to"), t("outbox.subject"), t("outbox.state"), t("outbox.attempts"), t("outbox.error")],
          queue.map((m) => el("tr", {},
            el("td", {}, ctx.fmt.date(m.created_at, { dateStyle: "short", timeStyle: "short" })),
            el("td", {}, m.recipient),
            el("td", { translate: "no" }, m.subject), // in its recipient's language
            el("td", { class: m.state === "failed" ? "status-bad" : m.state === "sent" ? "status-good" : "status-warn" }, t(`mail.${m.state}`)),
            el("td", { class: "num" }, m.attempts),
            el("td", { class: "small" }, m.last_error || "–"))),
        )
      : el("p", { class: "muted" }, t("acc.none")),
  );
  if (params.message) await open(params.message).catch(() => ctx.setParams({ message: null }));
}
