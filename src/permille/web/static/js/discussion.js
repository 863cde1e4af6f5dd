// Discussion and documents of a record: its comment thread (GET|POST /api/comments/{kind}/{id})
// and its document library (GET|POST /api/documents/{kind}/{id}; the file itself is the upload's body,
// at most 20 MiB, its type judged by the server from its bytes). Used by the records pages (projects,
// practices), the helpdesk (the experts' notes on a question) and the working groups.
import * as i18n from "./i18n.js";
import { el } from "./dom.js";
import { apiUrl, downloadUrl, token } from "./api.js";
import { field, form, notice } from "./accounts-ui.js";

const MAX_BYTES = 20 * 2 ** 20;

const t = i18n.t;

function when(ctx, at) {
  return ctx.fmt.date(at, { dateStyle: "medium", timeStyle: "short" });
}

// The thread of a record; with canPost a form to add to it (the API checks who may).
export async function thread(ctx, kind, id, { canPost = Boolean(ctx.user), title = t("disc.thread") } = {}) {
  const path = `/comments/${kind}/${id}`;
  const list = el("ol", { class: "stack comments-thread", "aria-live": "polite" });
  const show = (comments) =>
    list.replaceChildren(
      ...(comments.length
        ? comments.map((c) => el("li", { class: "card", "data-comment": c.id }, el("p", { class: "small muted" }, t("disc.by", { author: c.author, date: when(ctx, c.at) })), el("p", { class: "comment-text" }, c.text)))
        : [el("li", { class: "muted" }, t("disc.none"))]),
    );
  show(await ctx.api(path));
  const post = canPost
    ? form({
        fields: [field({ name: "text", type: "textarea", label: t("disc.comment"), required: true })],
        submit: t("disc.post"),
        onSubmit: async (v, node) => {
          show(await ctx.api(path, { body: { text: v.text } }));
          node.reset();
        },
      })
    : el("p", { class: "muted small" }, ctx.user ? "" : t("disc.signIn"));
  return el("section", { class: "stack discussion", "data-thread": kind }, el("h2", {}, title), list, post);
}

function size(ctx, bytes) {
  return bytes >= 2 ** 20 ? `${ctx.fmt.number(bytes / 2 ** 20, 1)} MB` : `${ctx.fmt.number(Math.max(1, Math.round(bytes / 1024)), 0)} kB`;
}

// The documents of a record, each downloadable (the API checks the record's visibility); with
// canUpload a form to attach one.
export async function library(ctx, kind, id, { canUpload = false } = {}) {
  const path = `/documents/${kind}/${id}`;
  const list = el("ul", { class: "stack documents" });
  const status = el("div", { class: "status", role: "status" });
  const show = (docs) =>
    list.replaceChildren(
      ...(docs.length
        ? docs.map((d) =>
            el("li", { class: "card document", "data-document": d.id },
              el("button", { type: "button", class: "link-button", "data-action": "download", onclick: async () => {
                try { await downloadUrl(d.url); } catch (error) { status.replaceChildren(notice(error.message, "error")); }
              } }, d.name),
              el("span", { class: "small muted" }, ` · ${d.media_type.split("/").pop()} · ${size(ctx, d.size_bytes)} · ${t("disc.by", { author: d.author || "—", date: when(ctx, d.at) })}`)),
          )
        : [el("li", { class: "muted" }, t("disc.noDocuments"))]),
    );
  show(await ctx.api(path));
  const section = el("section", { class: "stack library", "data-library": kind }, el("h2", {}, t("disc.documents")), list, status);
  if (canUpload) {
    const upload = form({
      fields: [field({ name: "file", type: "file", label: t("disc.file"), required: true })],
      submit: t("disc.upload"),
      onSubmit: async (_v, node) => {
        status.replaceChildren();
        const file = node.querySelector('input[type="file"]').files[0];
        if (!file) throw Object.assign(new Error(t("disc.pickFile")), { details: [] });
        if (file.size > MAX_BYTES) throw Object.assign(new Error(t("disc.tooLarge", { name: file.name })), { details: [] });
        const headers = { "Content-Type": "application/octet-stream" };
        if (token()) headers.Authorization = `Bearer ${token()}`;
        const response = await fetch(apiUrl(`${path}?name=${encodeURIComponent(file.name)}`), { method: "POST", headers, body: file });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw Object.assign(new Error(body.error?.message || response.statusText), { details: [] });
        }
        node.reset();
        show(await ctx.api(path));
        status.replaceChildren(notice(t("disc.uploaded", { name: file.name })));
      },
    });
    upload.querySelector('input[type="file"]').setAttribute("accept", ".pdf,.png,.jpg,.jpeg,.gif,.webp,.tif,.tiff,.xlsx,.xls,.ods,.csv");
    section.append(upload);
  }
  return section;
}
