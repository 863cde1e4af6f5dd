// The header's links to the account pages, by role: anonymous → Join; everyone signed in → My profile;
// members and partners → My organisation; the STC → Review; the Secretariat → Review, Users, Outbox.
// Also a "Forgotten password?" link in the sign-in dialog. Labels carry data-i18n, so the shell's
// language switch translates them.
import { el } from "./dom.js";
import "./accounts-ui.js"; // registers the acc.* messages

const LINKS = [
  ["apply", "acc.nav.apply", (user) => !user],
  ["my-organisation", "acc.nav.organisation", (user) => user && user.organisation_id !== null && ["member", "partner"].includes(user.role)],
  ["review", "acc.nav.review", (user) => user && ["stc", "secretariat"].includes(user.role)],
  ["users", "acc.nav.users", (user) => user && user.role === "secretariat"],
  ["outbox", "acc.nav.outbox", (user) => user && user.role === "secretariat"],
  ["inbox", "wf.nav.inbox", (user) => Boolean(user)], // the workflows' notifications (js/pages/inbox.js)
  ["profile", "acc.nav.profile", (user) => Boolean(user)],
];

export function renderAccountNav(user, t) {
  const list = document.querySelector(".site-nav ul");
  for (const item of list.querySelectorAll("li.account-link")) item.remove();
  for (const [page, key, shown] of LINKS) {
    if (!shown(user)) continue;
    list.append(
      el("li", { class: "account-link" }, el("a", { href: `#/${page}`, "data-page": page, "data-i18n": key }, t(key))),
    );
  }
  const current = location.hash.slice(2).split("?")[0];
  for (const link of list.querySelectorAll("li.account-link a")) {
    if (link.dataset.page === current) link.setAttribute("aria-current", "page");
  }
  const dialog = document.getElementById("signin-dialog");
  if (dialog && !dialog.querySelector(".forgot-link")) {
    const link = el("a", { href: "#/forgot-password", class: "forgot-link", "data-i18n": "acc.nav.forgot" }, t("acc.nav.forgot"));
    link.addEventListener("click", () => dialog.close());
    dialog.querySelector(".actions").after(el("p", { class: "small" }, link));
  }
}
