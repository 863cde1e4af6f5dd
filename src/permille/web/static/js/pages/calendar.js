// #/calendar: the Initiative's published meetings and events (coming ones; ?past=1 also the past), with
// filters (?region=, ?type=), the iCalendar feed to subscribe to and a .ics file per event. Signed-in
// users register and cancel (seats left shown). ?event=<id>: one event; the Secretariat sees who registered.
import { field, form, notice, t } from "../accounts-ui.js";
import { EVENT_TYPES, countryName, demoBadge } from "../community-ui.js";
import { REGIONS } from "../workflows-ui.js";

export async function render(root, params, ctx) {
  const { el } = ctx;
  const status = el("div", { role: "status", "aria-live": "polite" });
  if (params.event) return single(root, ctx, params.event, status);
  const query = new URLSearchParams();
  if (params.past !== "1") query.set("start", new Date().toISOString().slice(0, 10));
  if (params.region) query.set("region", params.region);
  if (params.type) query.set("meeting_type", params.type);
  const feed = `/api/calendar/events.ics${params.region ? `?region=${encodeURIComponent(params.region)}` : ""}`;
  const any = ["", "–"];
  root.append(
    el("h1", { tabindex: "-1" }, t("cal.title")),
    el("p", {}, t("cal.intro")),
    el("p", {}, el("a", { href: feed, class: "btn btn-secondary ics-feed", download: "4p1000-events.ics" }, t("cal.subscribe"))),
    form({
      fields: [
        field({ name: "region", label: t("dir.region"), type: "select", options: [any, ...REGIONS], value: params.region }),
        field({ name: "type", label: t("cal.type"), type: "select", options: [any, ...EVENT_TYPES.map((v) => [v, t(`event.${v}`)])], value: params.type }),
        field({ name: "past", label: t("cal.past"), type: "checkbox", value: params.past === "1" }),
      ],
      submit: t("dir.filter"),
      onSubmit: async (v) => ctx.navigate("calendar", { region: v.region || "", type: v.type || "", past: v.past ? "1" : "" }),
    }),
    status,
  );
  const found = await ctx.api(`/calendar/events?${query}`);
  const list = el("ul", { class: "stack events-list" });
  for (const e of found) list.append(card(ctx, e, status, true));
  root.append(found.length ? list : el("p", { class: "muted" }, t("cal.none")));
}

function when(ctx, e) {
  return ctx.fmt.date(e.date, { dateStyle: "full", timeZone: "UTC" });
}

function card(ctx, e, status, linked) {
  const { el } = ctx;
  const place = [e.location, countryName(e.country, e.country_iso3, ctx.lang) === "–" ? null : countryName(e.country, e.country_iso3, ctx.lang), e.region ? t(`opt.${e.region}`) : null].filter(Boolean).join(" · ");
  const node = el("li", { class: "card stack", "data-event": e.id });
  const fill = (event) => {
    const past = event.date < new Date().toISOString().slice(0, 10);
    const seats = event.capacity === null ? t("cal.open") : event.seats_left > 0 ? t("cal.seats", { left: event.seats_left, capacity: event.capacity }) : t("cal.full");
    const actions = el("div", { class: "actions" }, el("a", { href: `/api/calendar/events/${event.id}/event.ics`, download: `event-${event.id}.ics`, class: "btn btn-secondary" }, t("cal.ics")));
    if (past) actions.append(el("span", { class: "muted small" }, t("cal.over")));
    else if (!ctx.user) actions.append(el("span", { class: "muted small" }, t("cal.signIn")));
    else if (event.mine) actions.append(button(ctx, event, "cancel", status, fill));
    else if (event.seats_left !== 0) actions.append(button(ctx, event, "register", status, fill));
    node.replaceChildren(...[
      el(linked ? "h2" : "h1", { tabindex: linked ? null : "-1" }, linked ? el("a", { href: `#/calendar?event=${event.id}` }, event.title) : event.title, " ", demoBadge(event, t)),
      el("p", { class: "small" }, `${when(ctx, event)} · ${t(`event.${event.meeting_type}`)}`),
      place ? el("p", { class: "small muted" }, place) : null,
      el("p", { class: "small seats" }, seats, event.mine ? ` · ${t("cal.registered")}` : ""),
      linked || !event.notes ? null : el("p", {}, event.notes),
      actions,
    ].filter(Boolean));
  };
  fill(e);
  return node;
}

function button(ctx, event, action, status, fill) {
  return ctx.el("button", {
    type: "button",
    class: action === "register" ? "btn" : "btn btn-secondary",
    "data-action": action,
    onclick: async (click) => {
      click.target.disabled = true;
      try {
        const updated = await ctx.api(`/calendar/events/${event.id}/${action}`, { method: "POST" });
        fill(updated);
        status.replaceChildren(notice(t(action === "register" ? "cal.registered" : "cal.cancelled")));
      } catch (error) {
        click.target.disabled = false;
        status.replaceChildren(notice(error.message, "error"));
      }
    },
  }, t(`cal.${action}`));
}

async function single(root, ctx, id, status) {
  const { el } = ctx;
  const e = await ctx.api(`/calendar/events/${id}`);
  root.append(el("p", {}, el("a", { href: "#/calendar" }, `← ${t("cal.back")}`)), status, el("ul", { class: "stack events-list" }, card(ctx, e, status, false)));
  if (ctx.user?.role !== "secretariat") return;
  const seats = await ctx.api(`/calendar/events/${id}/registrations`);
  root.append(
    el("h2", {}, t("cal.registrations", { n: seats.length })),
    seats.length ? el("ul", { class: "registrations" }, seats.map((s) => el("li", {}, `${s.name || s.email} <${s.email}>`))) : el("p", { class: "muted" }, t("cal.noRegistration")),
  );
}
