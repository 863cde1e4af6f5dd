// #/accept-invitation?token=…: the link of an invitation e-mail → choose a first password
// (POST /api/invitations/accept), then sign in.
import { linkPage } from "./reset-password.js";

export function render(root, params, ctx) {
  return linkPage(root, params, ctx, {
    title: "invite.title",
    check: (token) => `/invitations/${encodeURIComponent(token)}`,
    send: "/invitations/accept",
    submit: "invite.submit",
    done: "invite.done",
    bad: "invite.bad",
  });
}
