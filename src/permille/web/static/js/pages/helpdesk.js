// #/helpdesk: the regional helpdesks. Anyone asks a question (region, country, topic, language; an e-mail
// address when not signed in) and searches the published FAQ. Experts (and the Secretariat) see the
// questions of their regions. ?question=<id>[&token=<secret of the asker's link>]: the conversation with
// the actions the workflow allows the viewer (take or assign, answer, reply, propose as FAQ, close) and
// the experts' notes (a comment thread the asker does not see). The Secretariat reviews the proposed FAQ
// entries.
import { field, form, gate, notice, t } from "../accounts-ui.js";
import { REGIONS, TOPICS, draw, stateBadge } from "../workflows-ui.js";
import { thread } from "../discussion.js";
import { colon, countryName, languageName } from "../i18n.js";

export async function render(root, params, ctx) {
  const { el } = ctx;
  const status = el("div", { role: "status", "aria-live": "polite" });
  if (params.question) {
    if (!params.token && !gate(root, ctx)) return; // the asker comes with the link's token
    return question(root, ctx, params, status);
  }
  root.append(el("h1", { tabindex: "-1" }, t("help.title")), el("p", {}, t("help.intro")), status);
  const asked = form({
    fields: [
      field({ name: "region", type: "select", options: REGIONS, required: true }),
      field({ name: "country_iso3" }),
      field({ name: "topic", type: "select", options: TOPICS, required: true }),
      field({ name: "language", type: "select", options: ["en", "fr", "es"], value: ctx.lang, required: true }),
      field({ name: "subject", required: true }),
      field({ name: "question", type: "textarea", required: true }),
      ctx.user ? null : field({ name: "email", type: "email", required: true, autocomplete: "email" }),
    ],
    submit: t("help.ask"),
    onSubmit: async (v, node) => {
      await ctx.api("/helpdesks/questions", { body: { ...v, country_iso3: v.country_iso3 ? v.country_iso3.toUpperCase() : null } });
      node.reset();
      status.replaceChildren(notice(t("help.asked", { region: t(`opt.${v.region}`), email: v.email || ctx.user.email })));
    },
  });
  root.append(el("section", { class: "stack ask" }, el("h2", {}, t("help.ask")), asked));

  const results = el("div", { class: "stack faq-results" });
  const search = async (v) => {
    const query = new URLSearchParams({ q: v.q || "" });
    if (v.language) query.set("language", v.language);
    const found = await ctx.api(`/faq?${query}`);
    results.replaceChildren(...(found.length ? found.map((f) => faqCard(ctx, f)) : [el("p", { class: "muted" }, t("help.noFaq"))]));
  };
  root.append(el("section", { class: "stack faq" }, el("h2", {}, t("help.faq")),
    form({ fields: [field({ name: "q" }), field({ name: "language", type: "select", options: [["", "–"], "en", "fr", "es"], value: "" })], submit: t("help.search"), onSubmit: search }), results));
  await search({});

  if (!ctx.user) return;
  const mine = await ctx.api("/helpdesks/questions");
  root.append(el("section", { class: "stack queue" }, el("h2", {}, t("help.queue")),
    mine.length ? el("ul", {}, mine.map((q) => el("li", { class: "card", "data-question": q.id }, el("a", { href: `#/helpdesk?question=${q.id}`, translate: "no" }, q.subject), " ", stateBadge(q.state), el("p", { class: "small muted" }, `${t(`opt.${q.region}`)} · ${t(`opt.${q.topic}`)} · ${languageName(q.language)}`)))) : el("p", { class: "muted" }, t("help.noQueue"))));
  if (ctx.user.role !== "secretariat" || !ctx.alive()) return;
  const proposed = await ctx.api("/faq?state=proposed");
  root.append(el("section", { class: "stack faq-review" }, el("h2", {}, t("help.review")),
    ...proposed.map((f) => el("div", { class: "card stack", "data-faq": f.id }, faqCard(ctx, f), el("div", { class: "actions" },
      ...["publish", "decline"].map((action) => el("button", { type: "button", class: action === "publish" ? "btn" : "btn btn-secondary", onclick: async (event) => {
        await ctx.api(`/faq/${f.id}/${action}`, { method: "POST" });
        event.target.closest("[data-faq]").remove();
        status.replaceChildren(notice(`${colon(t(`help.${action}`))} ${f.question}`));
        await search({});
      } }, t(`help.${action}`))))))));
}

function faqCard(ctx, f) {
  const { el } = ctx;
  return el("article", { class: "card faq-entry", lang: f.language }, el("h3", {}, f.question), el("p", {}, f.answer), el("p", { class: "small muted" }, `${t(`opt.${f.region}`)} · ${t(`opt.${f.topic}`)}`));
}

async function question(root, ctx, params, status) {
  return draw(root, async (page) => {
    const { el } = ctx;
    const token = params.token ? `token=${encodeURIComponent(params.token)}` : "";
    const path = `/helpdesks/questions/${params.question}`;
    const q = await ctx.api(`${path}${token ? `?${token}` : ""}`);
    // the experts' notes (a thread the asker does not see), fetched before anything is shown
    const notes = ctx.user && q.asker_email ? await thread(ctx, "helpdesk-questions", q.id, { title: t("disc.notes") }) : null;
    const post = async (action, body) => {
      try {
        await ctx.api(`${path}/${action}${token ? `?${token}` : ""}`, { body: body || {} });
      } catch (error) {
        status.replaceChildren(notice(error.message, "error"));
        return;
      }
      if (await question(root, ctx, params, status)) status.replaceChildren(notice(t("calls.done", { action: t(`act.${action}`) })));
    };
    page.append(
      el("p", {}, el("a", { href: "#/helpdesk" }, t("help.title"))),
      el("h1", { tabindex: "-1" }, el("span", { translate: "no" }, q.subject), " ", stateBadge(q.state)),
      el("p", { class: "muted" }, `${t(`opt.${q.region}`)}${q.country_iso3 ? ` (${countryName(q.country_iso3)})` : ""} · ${t(`opt.${q.topic}`)} · ${languageName(q.language)}${q.asker_email ? ` · ${q.asker_email}` : ""}${q.expert ? ` · ${colon(t("help.expert"))} ${q.expert}` : ""}`),
      el("blockquote", { class: "question" }, q.question),
      status,
    );
    if (q.messages.length) page.append(el("h2", {}, t("help.thread")), el("ol", { class: "thread stack" }, q.messages.map((m) => el("li", { class: `card message message-${m.author}` }, el("p", { class: "small muted" }, `${t(`help.author.${m.author}`)} · ${ctx.fmt.date(m.at, { dateStyle: "medium", timeStyle: "short" })}`), el("p", {}, m.text)))));
    if (q.actions.includes("assign")) {
      if (ctx.user?.role === "secretariat") {
        const experts = (await ctx.api("/helpdesks/experts")).filter((e) => e.regions.includes(q.region));
        page.append(form({ fields: [field({ name: "expert_id", type: "select", options: experts.map((e) => [e.user_id, `${e.name || e.email}`]) })], submit: t("act.assign"), onSubmit: (v) => post("assign", { expert_id: Number(v.expert_id) }) }));
      } else page.append(el("div", { class: "actions" }, el("button", { type: "button", class: "btn", "data-action": "take", onclick: () => post("assign", { expert_id: ctx.user.id }) }, t("act.take"))));
    }
    for (const action of ["answer", "follow_up"].filter((x) => q.actions.includes(x))) {
      page.append(form({ fields: [field({ name: "text", type: "textarea", label: t("help.message"), required: true })], submit: t(`act.${action}`), onSubmit: (v) => post(action, { text: v.text }) }));
    }
    if (q.actions.includes("propose_faq")) {
      const last = [...q.messages].reverse().find((m) => m.author === "expert");
      page.append(el("details", { class: "propose-faq" }, el("summary", {}, t("act.propose_faq")), form({
        fields: [field({ name: "question", type: "textarea", value: q.question, required: true }), field({ name: "answer", type: "textarea", value: last ? last.text : "", required: true }), field({ name: "language", type: "select", options: ["en", "fr", "es"], value: q.language })],
        submit: t("act.propose_faq"),
        onSubmit: (v) => post("propose_faq", v),
      })));
    }
    if (notes) page.append(notes);
    if (q.actions.includes("close")) page.append(el("div", { class: "actions" }, el("button", { type: "button", class: "btn btn-secondary", "data-action": "close", onclick: () => post("close") }, t("act.close"))));
  });
}
