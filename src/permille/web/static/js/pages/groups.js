// #/groups: the Initiative's working groups (the STC, the Bureau, regional and thematic groups), public.
// ?id=<id>: a group: its members (to signed-in users), its document library and its thread (to its
// members and the Secretariat), adding and removing members (its chairs and the Secretariat). Who may do
// what is the table data/workflows/working_group.yaml; the page shows what the API's "may" allows.
import { field, form, notice } from "../accounts-ui.js";
import { library, thread } from "../discussion.js";
import { REGIONS, draw } from "../workflows-ui.js";

const TYPES = ["stc", "bureau", "regional", "thematic"];

export async function render(root, params, ctx) {
  const { el, t } = ctx;
  const status = el("div", { role: "status", "aria-live": "polite" });
  if (params.id) return group(root, ctx, params.id, status);
  root.append(el("h1", { tabindex: "-1" }, t("wg.title")), el("p", { class: "lead" }, t("wg.intro")), status);
  const groups = await ctx.api("/working-groups");
  const list = el("ul", { class: "stack groups-list" });
  for (const g of groups) {
    list.append(el("li", { class: "card", "data-group": g.slug },
      el("h2", { class: "h3" }, el("a", { href: `#/groups?id=${g.id}` }, g.name)),
      el("p", { class: "small muted" }, [t(`wg.type.${g.group_type}`), g.region ? t(`opt.${g.region}`) : null, t("wg.memberCount", { n: g.member_count })].filter(Boolean).join(" · ")),
      g.description ? el("p", {}, g.description) : null));
  }
  root.append(groups.length ? list : el("p", { class: "muted" }, t("wg.none")));
  if (ctx.user?.role === "secretariat") {
    root.append(el("h2", {}, t("wg.create")), form({
      fields: [
        field({ name: "name", required: true }),
        field({ name: "slug", required: true }),
        field({ name: "group_type", type: "select", options: TYPES.map((x) => [x, t(`wg.type.${x}`)]), value: "regional" }),
        field({ name: "region", type: "select", options: [["", "—"], ...REGIONS.map((r) => [r, t(`opt.${r}`)])] }),
        field({ name: "description", type: "textarea" }),
      ],
      submit: t("wg.create"),
      onSubmit: async (v) => {
        const made = await ctx.api("/working-groups", { body: { name: v.name, slug: v.slug, group_type: v.group_type, region: v.region || null, description: v.description || "" } });
        ctx.navigate("groups", { id: made.id });
      },
    }));
  }
}

async function group(root, ctx, id, status) {
  return draw(root, async (page) => {
    const { el, t } = ctx;
    const g = await ctx.api(`/working-groups/${id}`);
    const may = new Set(g.may);
    const refresh = async (message) => {
      if (await group(root, ctx, id, status)) status.replaceChildren(notice(message));
    };
    page.append(
      el("p", {}, el("a", { href: "#/groups" }, `← ${t("wg.back")}`)),
      el("h1", { tabindex: "-1" }, g.name),
      el("p", { class: "muted" }, [t(`wg.type.${g.group_type}`), g.region ? t(`opt.${g.region}`) : null, t("wg.memberCount", { n: g.member_count })].filter(Boolean).join(" · ")),
      g.description ? el("p", {}, g.description) : null,
      status,
      el("h2", {}, t("wg.members")),
    );
    if (g.members === null) page.append(el("p", { class: "muted" }, t("wg.membersHidden")));
    else {
      page.append(el("ul", { class: "members" }, g.members.map((m) => el("li", { "data-member": m.user_id },
        `${m.name}${m.organisation ? ` (${m.organisation})` : ""} · ${t(`wg.role.${m.role}`)}`,
        may.has("remove_member") ? el("button", { type: "button", class: "btn btn-secondary btn-small", "data-action": "remove", onclick: async () => {
          try {
            await ctx.api(`/working-groups/${id}/members/${m.user_id}`, { method: "DELETE" });
          } catch (error) {
            status.replaceChildren(notice(error.message, "error"));
            return;
          }
          await refresh(t("wg.removed"));
        } }, t("wg.remove")) : null))));
    }
    if (may.has("add_member")) {
      page.append(el("details", { class: "add-member" }, el("summary", {}, t("wg.add")), form({
        fields: [field({ name: "user_id", type: "number", required: true }), field({ name: "role", type: "select", options: [["member", t("wg.role.member")], ["chair", t("wg.role.chair")]] })],
        submit: t("wg.add"),
        onSubmit: async (v) => {
          await ctx.api(`/working-groups/${id}/members`, { method: "PUT", body: { user_id: Number(v.user_id), role: v.role } });
          await refresh(t("wg.added"));
        },
      })));
    }
    if (!may.has("read")) {
      page.append(el("p", { class: "muted" }, t("wg.private")));
      return;
    }
    page.append(await library(ctx, "working-groups", g.id, { canUpload: may.has("upload") }), await thread(ctx, "working-groups", g.id, { canPost: may.has("comment") }));
  });
}
