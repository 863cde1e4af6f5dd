// #/groups: the Initiative's working groups (the STC, the Bureau, regional and thematic groups), public.
// ?id=<id>: a group: its members (to signed-in users), its document library and its thread (to its
// members and the Secretariat), adding and removing members (its chairs and the Secretariat). Who may do
// what is the table data/workflows/working_group.yaml; the page shows what the API's "may" allows.
import { field, form, notice } from "../accounts-ui.js";
import { library, thread } from "../discussion.js";
import { REGIONS } from "../workflows-ui.js";

const MESSAGES = {
  en: {
    "wg.title": "Working groups", "wg.intro": "The groups that carry the Initiative's work: the Scientific and Technical Committee, the Bureau, regional and thematic groups. Their members share documents and discuss here.",
    "wg.none": "No working group yet.", "wg.members": "Members", "wg.memberCount": "Members: {n}", "wg.membersHidden": "Sign in to see the members.",
    "wg.private": "The documents and the discussion of this group are for its members.", "wg.back": "All working groups",
    "wg.create": "Create a working group", "wg.add": "Add a member", "wg.remove": "Remove", "wg.removed": "Member removed.", "wg.added": "Member added.",
    "wg.type.stc": "Scientific and Technical Committee", "wg.type.bureau": "Bureau", "wg.type.regional": "Regional group", "wg.type.thematic": "Thematic group",
    "wg.role.chair": "chair", "wg.role.member": "member",
    "f.slug": "Short name (letters, digits, hyphens)", "f.group_type": "Type", "f.user_id": "User number", "f.role": "Role",
  },
  fr: {
    "wg.title": "Groupes de travail", "wg.intro": "Les groupes qui portent le travail de l'Initiative : le Comité scientifique et technique, le Bureau, les groupes régionaux et thématiques. Leurs membres y partagent documents et discussions.",
    "wg.none": "Aucun groupe de travail pour l'instant.", "wg.members": "Membres", "wg.memberCount": "Membres : {n}", "wg.membersHidden": "Connectez-vous pour voir les membres.",
    "wg.private": "Les documents et la discussion de ce groupe sont réservés à ses membres.", "wg.back": "Tous les groupes de travail",
    "wg.create": "Créer un groupe de travail", "wg.add": "Ajouter un membre", "wg.remove": "Retirer", "wg.removed": "Membre retiré.", "wg.added": "Membre ajouté.",
    "wg.type.stc": "Comité scientifique et technique", "wg.type.bureau": "Bureau", "wg.type.regional": "Groupe régional", "wg.type.thematic": "Groupe thématique",
    "wg.role.chair": "président·e", "wg.role.member": "membre",
    "f.slug": "Nom court (lettres, chiffres, tirets)", "f.group_type": "Type", "f.user_id": "Numéro d'utilisateur", "f.role": "Rôle",
  },
  es: {
    "wg.title": "Grupos de trabajo", "wg.intro": "Los grupos que llevan el trabajo de la Iniciativa: el Comité Científico y Técnico, el Buró, los grupos regionales y temáticos. Sus miembros comparten aquí documentos y conversaciones.",
    "wg.none": "Todavía no hay grupos de trabajo.", "wg.members": "Miembros", "wg.memberCount": "Miembros: {n}", "wg.membersHidden": "Inicie sesión para ver los miembros.",
    "wg.private": "Los documentos y la conversación de este grupo son para sus miembros.", "wg.back": "Todos los grupos de trabajo",
    "wg.create": "Crear un grupo de trabajo", "wg.add": "Añadir un miembro", "wg.remove": "Quitar", "wg.removed": "Miembro quitado.", "wg.added": "Miembro añadido.",
    "wg.type.stc": "Comité Científico y Técnico", "wg.type.bureau": "Buró", "wg.type.regional": "Grupo regional", "wg.type.thematic": "Grupo temático",
    "wg.role.chair": "presidente/a", "wg.role.member": "miembro",
    "f.slug": "Nombre corto (letras, cifras, guiones)", "f.group_type": "Tipo", "f.user_id": "Número de usuario", "f.role": "Rol",
  },
};
const TYPES = ["stc", "bureau", "regional", "thematic"];

export async function render(root, params, ctx) {
  ctx.i18n.add(MESSAGES);
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
  const { el, t } = ctx;
  const g = await ctx.api(`/working-groups/${id}`);
  const may = new Set(g.may);
  const refresh = async (message) => {
    root.replaceChildren();
    await group(root, ctx, id, status);
    status.replaceChildren(notice(message));
  };
  root.append(
    el("p", {}, el("a", { href: "#/groups" }, `← ${t("wg.back")}`)),
    el("h1", { tabindex: "-1" }, g.name),
    el("p", { class: "muted" }, [t(`wg.type.${g.group_type}`), g.region ? t(`opt.${g.region}`) : null, t("wg.memberCount", { n: g.member_count })].filter(Boolean).join(" · ")),
    g.description ? el("p", {}, g.description) : null,
    status,
    el("h2", {}, t("wg.members")),
  );
  if (g.members === null) root.append(el("p", { class: "muted" }, t("wg.membersHidden")));
  else {
    root.append(el("ul", { class: "members" }, g.members.map((m) => el("li", { "data-member": m.user_id },
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
    root.append(el("details", { class: "add-member" }, el("summary", {}, t("wg.add")), form({
      fields: [field({ name: "user_id", type: "number", required: true }), field({ name: "role", type: "select", options: [["member", t("wg.role.member")], ["chair", t("wg.role.chair")]] })],
      submit: t("wg.add"),
      onSubmit: async (v) => {
        await ctx.api(`/working-groups/${id}/members`, { method: "PUT", body: { user_id: Number(v.user_id), role: v.role } });
        await refresh(t("wg.added"));
      },
    })));
  }
  if (!may.has("read")) {
    root.append(el("p", { class: "muted" }, t("wg.private")));
    return;
  }
  root.append(await library(ctx, "working-groups", g.id, { canUpload: may.has("upload") }), await thread(ctx, "working-groups", g.id, { canPost: may.has("comment") }));
}
