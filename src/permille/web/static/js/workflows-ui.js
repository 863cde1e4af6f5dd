// Shared messages (en, fr, es) and helpers of the workflow pages: #/calls (calls for projects), #/helpdesk
// (regional helpdesks and their FAQ) and #/inbox (notifications). Field labels and region names come
// from accounts-ui.js.
import * as i18n from "./i18n.js";
import { el } from "./dom.js";
import "./accounts-ui.js";

const CRITERIA = {
  en: { human_rights: "Human rights", land_tenure: "Land tenure", poverty_alleviation: "Poverty alleviation", soil_conservation: "Soil conservation", soc_increase: "Soil organic carbon increase", ghg_balance: "Greenhouse gas balance", adaptation: "Adaptation", food_security: "Food security", biodiversity: "Biodiversity", water: "Water", participation: "Participation", mrv_capacity: "Monitoring capacity (MRV)", scalability: "Scalability", economic_viability: "Economic viability" },
  fr: { human_rights: "Droits humains", land_tenure: "Foncier", poverty_alleviation: "Réduction de la pauvreté", soil_conservation: "Conservation des sols", soc_increase: "Hausse du carbone organique du sol", ghg_balance: "Bilan de gaz à effet de serre", adaptation: "Adaptation", food_security: "Sécurité alimentaire", biodiversity: "Biodiversité", water: "Eau", participation: "Participation", mrv_capacity: "Capacité de suivi (MRV)", scalability: "Potentiel de changement d'échelle", economic_viability: "Viabilité économique" },
  es: { human_rights: "Derechos humanos", land_tenure: "Tenencia de la tierra", poverty_alleviation: "Reducción de la pobreza", soil_conservation: "Conservación del suelo", soc_increase: "Aumento del carbono orgánico del suelo", ghg_balance: "Balance de gases de efecto invernadero", adaptation: "Adaptación", food_security: "Seguridad alimentaria", biodiversity: "Biodiversidad", water: "Agua", participation: "Participación", mrv_capacity: "Capacidad de seguimiento (MRV)", scalability: "Escalabilidad", economic_viability: "Viabilidad económica" },
};

const MESSAGES = {
  en: {
    "wf.nav.calls": "Calls", "wf.nav.helpdesk": "Helpdesk", "wf.nav.inbox": "Inbox", "wf.nav.groups": "Groups",
    "calls.title": "Calls for projects", "calls.none": "No call for projects yet.",
    "calls.open": "Open a call", "calls.opened": "Call opened.",
    "calls.dates": "Submissions {opens} – {closes}; scores by {review}", "calls.regions": "Eligible regions: {regions}", "calls.allRegions": "every region",
    "calls.apply": "Submit a project to this call", "calls.noProject": "Your organisation has no project yet: add one in the registries first.",
    "calls.applications": "Applications", "calls.noApplication": "No application yet.", "calls.back": "Back to the call",
    "calls.application": "Application: {name}", "calls.by": "{organisation} · {region}",
    "calls.reviews": "Reviewers", "calls.conflicts": "Conflicts of interest (assignments refused)",
    "calls.recommendation": "The STC's recommendation", "calls.mean": "Mean score: {mean} / 5 from {n} reviewers",
    "calls.criterion": "Criterion", "calls.meanCol": "Mean", "calls.range": "Lowest–highest", "calls.spread": "Spread", "calls.comments": "Comments",
    "calls.decision": "Decision: {reason}", "calls.reports": "Yearly reports", "calls.scored": "scored", "calls.toScore": "to score",
    "calls.myScores": "My scores", "calls.reason": "Reason (sent to the applicant)", "calls.reviewer": "STC reviewer",
    "calls.year": "Year", "calls.text": "What was done", "calls.measured": "SOC change measured, t C/ha", "calls.uncertainty": "± uncertainty, t C/ha",
    "calls.done": "Done: {action}.", "calls.discussion": "Discussion", "calls.addComment": "Comment", "f.title": "Title", "f.opens_at": "Opens", "f.closes_at": "Deadline of submissions", "f.review_by": "Deadline of the scores",
    "f.project_id": "Project", "f.summary": "Summary", "f.score": "Score (0–5)", "f.comment": "Comment",
    "act.edit": "Save", "act.submit": "Submit", "act.assign": "Assign", "act.start_review": "Start the review", "act.score": "Send my scores",
    "act.recommend": "Record the recommendation", "act.select": "Select", "act.reject": "Do not select", "act.report": "Send the report", "act.close": "Close",
    "act.answer": "Answer", "act.follow_up": "Reply", "act.propose_faq": "Propose as FAQ entry", "act.take": "Take this question",
    "state.draft": "draft", "state.submitted": "submitted", "state.under_review": "under review", "state.recommended": "recommended", "state.selected": "selected",
    "state.not_selected": "not selected", "state.implemented": "implemented", "state.closed": "closed", "state.routed": "waiting for an expert",
    "state.assigned": "assigned", "state.answered": "answered", "state.proposed": "proposed", "state.published": "published", "state.declined": "declined",
    "help.title": "Regional helpdesks", "help.intro": "Ask the experts of your region about soil carbon: practices, compensation schemes, ecosystem services, monitoring. The answer comes by e-mail.",
    "help.ask": "Ask a question", "help.asked": "Thank you. Your question is with the {region} helpdesk; a link to follow it was sent to {email}.",
    "help.faq": "Frequently asked questions", "help.search": "Search", "help.noFaq": "No entry found.", "help.queue": "Questions of my helpdesks",
    "help.noQueue": "No question.", "help.review": "FAQ entries to review", "help.publish": "Publish", "help.decline": "Decline",
    "help.thread": "Conversation", "help.expert": "Expert", "help.asker": "You", "help.author.expert": "Expert", "help.author.asker": "Asker", "help.message": "Message",
    "f.topic": "Topic", "f.language": "Language", "f.subject": "Subject", "f.question": "Question", "f.answer": "Answer", "f.text": "Message", "f.expert_id": "Expert", "f.q": "Words",
    "opt.practices": "Practices", "opt.compensation_schemes": "Compensation schemes", "opt.ecosystem_services": "Ecosystem services", "opt.monitoring": "Monitoring",
    "inbox.title": "Inbox", "inbox.none": "No notification.", "inbox.unread": "{n} unread", "inbox.readAll": "Mark all read", "inbox.read": "Mark read",
    "inbox.settings": "E-mails", "inbox.saved": "Saved.", "inbox.save": "Save",
    "kind.assignment": "Assignments", "kind.decision": "Decisions", "kind.answer": "Answers", "kind.question": "New questions of my region", "kind.comment": "Comments in threads I follow",
    "opt.immediate": "at once", "opt.digest": "daily digest", "opt.off": "none",
  },
  fr: {
    "wf.nav.calls": "Appels", "wf.nav.helpdesk": "Assistance", "wf.nav.inbox": "Notifications", "wf.nav.groups": "Groupes",
    "calls.title": "Appels à projets", "calls.none": "Aucun appel à projets pour l'instant.",
    "calls.open": "Ouvrir un appel", "calls.opened": "Appel ouvert.",
    "calls.dates": "Dépôts du {opens} au {closes} ; notes avant le {review}", "calls.regions": "Régions éligibles : {regions}", "calls.allRegions": "toutes les régions",
    "calls.apply": "Soumettre un projet à cet appel", "calls.noProject": "Votre organisation n'a pas encore de projet : ajoutez-en un dans les registres.",
    "calls.applications": "Candidatures", "calls.noApplication": "Aucune candidature pour l'instant.", "calls.back": "Retour à l'appel",
    "calls.application": "Candidature : {name}", "calls.by": "{organisation} · {region}",
    "calls.reviews": "Évaluateurs", "calls.conflicts": "Conflits d'intérêts (affectations refusées)",
    "calls.recommendation": "La recommandation du CST", "calls.mean": "Note moyenne : {mean} / 5 par {n} évaluateurs",
    "calls.criterion": "Critère", "calls.meanCol": "Moyenne", "calls.range": "Min–max", "calls.spread": "Écart", "calls.comments": "Commentaires",
    "calls.decision": "Décision : {reason}", "calls.reports": "Rapports annuels", "calls.scored": "noté", "calls.toScore": "à noter",
    "calls.myScores": "Mes notes", "calls.reason": "Motif (envoyé au candidat)", "calls.reviewer": "Évaluateur du CST",
    "calls.year": "Année", "calls.text": "Ce qui a été fait", "calls.measured": "Variation de COS mesurée, t C/ha", "calls.uncertainty": "± incertitude, t C/ha",
    "calls.done": "Fait : {action}.", "calls.discussion": "Discussion", "calls.addComment": "Commenter", "f.title": "Titre", "f.opens_at": "Ouverture", "f.closes_at": "Date limite des dépôts", "f.review_by": "Date limite des notes",
    "f.project_id": "Projet", "f.summary": "Résumé", "f.score": "Note (0–5)", "f.comment": "Commentaire",
    "act.edit": "Enregistrer", "act.submit": "Soumettre", "act.assign": "Affecter", "act.start_review": "Lancer l'évaluation", "act.score": "Envoyer mes notes",
    "act.recommend": "Enregistrer la recommandation", "act.select": "Retenir", "act.reject": "Ne pas retenir", "act.report": "Envoyer le rapport", "act.close": "Clôturer",
    "act.answer": "Répondre", "act.follow_up": "Répondre", "act.propose_faq": "Proposer pour la FAQ", "act.take": "Prendre cette question",
    "state.draft": "brouillon", "state.submitted": "soumis", "state.under_review": "en évaluation", "state.recommended": "recommandé", "state.selected": "retenu",
    "state.not_selected": "non retenu", "state.implemented": "mis en œuvre", "state.closed": "clos", "state.routed": "en attente d'un expert",
    "state.assigned": "affectée", "state.answered": "répondue", "state.proposed": "proposée", "state.published": "publiée", "state.declined": "refusée",
    "help.title": "Services d'assistance régionaux", "help.intro": "Interrogez les experts de votre région sur le carbone des sols : pratiques, dispositifs de compensation, services écosystémiques, suivi. La réponse arrive par courriel.",
    "help.ask": "Poser une question", "help.asked": "Merci. Votre question est transmise au service d'assistance {region} ; un lien pour la suivre a été envoyé à {email}.",
    "help.faq": "Questions fréquentes", "help.search": "Rechercher", "help.noFaq": "Aucune entrée trouvée.", "help.queue": "Questions de mes services d'assistance",
    "help.noQueue": "Aucune question.", "help.review": "Entrées de FAQ à examiner", "help.publish": "Publier", "help.decline": "Refuser",
    "help.thread": "Échanges", "help.expert": "Expert", "help.asker": "Vous", "help.author.expert": "Expert", "help.author.asker": "Demandeur", "help.message": "Message",
    "f.topic": "Thème", "f.language": "Langue", "f.subject": "Objet", "f.question": "Question", "f.answer": "Réponse", "f.text": "Message", "f.expert_id": "Expert", "f.q": "Mots",
    "opt.practices": "Pratiques", "opt.compensation_schemes": "Dispositifs de compensation", "opt.ecosystem_services": "Services écosystémiques", "opt.monitoring": "Suivi",
    "inbox.title": "Notifications", "inbox.none": "Aucune notification.", "inbox.unread": "{n} non lue(s)", "inbox.readAll": "Tout marquer comme lu", "inbox.read": "Marquer comme lu",
    "inbox.settings": "Courriels", "inbox.saved": "Enregistré.", "inbox.save": "Enregistrer",
    "kind.assignment": "Affectations", "kind.decision": "Décisions", "kind.answer": "Réponses", "kind.question": "Nouvelles questions de ma région", "kind.comment": "Commentaires des discussions que je suis",
    "opt.immediate": "immédiatement", "opt.digest": "résumé quotidien", "opt.off": "aucun",
  },
  es: {
    "wf.nav.calls": "Convocatorias", "wf.nav.helpdesk": "Ayuda", "wf.nav.inbox": "Notificaciones", "wf.nav.groups": "Grupos",
    "calls.title": "Convocatorias de proyectos", "calls.none": "Aún no hay convocatorias.",
    "calls.open": "Abrir una convocatoria", "calls.opened": "Convocatoria abierta.",
    "calls.dates": "Presentación del {opens} al {closes}; puntuaciones antes del {review}", "calls.regions": "Regiones elegibles: {regions}", "calls.allRegions": "todas las regiones",
    "calls.apply": "Presentar un proyecto a esta convocatoria", "calls.noProject": "Su organización aún no tiene proyectos: añada uno en los registros.",
    "calls.applications": "Candidaturas", "calls.noApplication": "Aún no hay candidaturas.", "calls.back": "Volver a la convocatoria",
    "calls.application": "Candidatura: {name}", "calls.by": "{organisation} · {region}",
    "calls.reviews": "Evaluadores", "calls.conflicts": "Conflictos de interés (asignaciones rechazadas)",
    "calls.recommendation": "La recomendación del CCT", "calls.mean": "Puntuación media: {mean} / 5 de {n} evaluadores",
    "calls.criterion": "Criterio", "calls.meanCol": "Media", "calls.range": "Mín–máx", "calls.spread": "Dispersión", "calls.comments": "Comentarios",
    "calls.decision": "Decisión: {reason}", "calls.reports": "Informes anuales", "calls.scored": "puntuado", "calls.toScore": "por puntuar",
    "calls.myScores": "Mis puntuaciones", "calls.reason": "Motivo (enviado al solicitante)", "calls.reviewer": "Evaluador del CCT",
    "calls.year": "Año", "calls.text": "Lo realizado", "calls.measured": "Cambio de COS medido, t C/ha", "calls.uncertainty": "± incertidumbre, t C/ha",
    "calls.done": "Hecho: {action}.", "calls.discussion": "Discusión", "calls.addComment": "Comentar", "f.title": "Título", "f.opens_at": "Apertura", "f.closes_at": "Plazo de presentación", "f.review_by": "Plazo de las puntuaciones",
    "f.project_id": "Proyecto", "f.summary": "Resumen", "f.score": "Puntuación (0–5)", "f.comment": "Comentario",
    "act.edit": "Guardar", "act.submit": "Presentar", "act.assign": "Asignar", "act.start_review": "Iniciar la evaluación", "act.score": "Enviar mis puntuaciones",
    "act.recommend": "Registrar la recomendación", "act.select": "Seleccionar", "act.reject": "No seleccionar", "act.report": "Enviar el informe", "act.close": "Cerrar",
    "act.answer": "Responder", "act.follow_up": "Responder", "act.propose_faq": "Proponer para las preguntas frecuentes", "act.take": "Tomar esta pregunta",
    "state.draft": "borrador", "state.submitted": "presentado", "state.under_review": "en evaluación", "state.recommended": "recomendado", "state.selected": "seleccionado",
    "state.not_selected": "no seleccionado", "state.implemented": "ejecutado", "state.closed": "cerrado", "state.routed": "esperando a un experto",
    "state.assigned": "asignada", "state.answered": "respondida", "state.proposed": "propuesta", "state.published": "publicada", "state.declined": "rechazada",
    "help.title": "Mesas de ayuda regionales", "help.intro": "Pregunte a los expertos de su región sobre el carbono del suelo: prácticas, esquemas de compensación, servicios ecosistémicos, seguimiento. La respuesta llega por correo.",
    "help.ask": "Hacer una pregunta", "help.asked": "Gracias. Su pregunta está en la mesa de ayuda de {region}; se envió un enlace para seguirla a {email}.",
    "help.faq": "Preguntas frecuentes", "help.search": "Buscar", "help.noFaq": "Ninguna entrada encontrada.", "help.queue": "Preguntas de mis mesas de ayuda",
    "help.noQueue": "Ninguna pregunta.", "help.review": "Entradas por revisar", "help.publish": "Publicar", "help.decline": "Rechazar",
    "help.thread": "Conversación", "help.expert": "Experto", "help.asker": "Usted", "help.author.expert": "Experto", "help.author.asker": "Solicitante", "help.message": "Mensaje",
    "f.topic": "Tema", "f.language": "Idioma", "f.subject": "Asunto", "f.question": "Pregunta", "f.answer": "Respuesta", "f.text": "Mensaje", "f.expert_id": "Experto", "f.q": "Palabras",
    "opt.practices": "Prácticas", "opt.compensation_schemes": "Esquemas de compensación", "opt.ecosystem_services": "Servicios ecosistémicos", "opt.monitoring": "Seguimiento",
    "inbox.title": "Notificaciones", "inbox.none": "Ninguna notificación.", "inbox.unread": "{n} sin leer", "inbox.readAll": "Marcar todo como leído", "inbox.read": "Marcar como leído",
    "inbox.settings": "Correos", "inbox.saved": "Guardado.", "inbox.save": "Guardar",
    "kind.assignment": "Asignaciones", "kind.decision": "Decisiones", "kind.answer": "Respuestas", "kind.question": "Nuevas preguntas de mi región", "kind.comment": "Comentarios en conversaciones que sigo",
    "opt.immediate": "de inmediato", "opt.digest": "resumen diario", "opt.off": "ninguno",
  },
};
for (const lang of ["en", "fr", "es"]) {
  for (const [key, name] of Object.entries(CRITERIA[lang])) MESSAGES[lang][`crit.${key}`] = name;
}
i18n.add(MESSAGES);

export const REGIONS = ["Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"];
export const TOPICS = ["practices", "compensation_schemes", "ecosystem_services", "monitoring"];

// A state as a badge in the page's language.
export function stateBadge(state) {
  return el("span", { class: `badge state-${state}`, "data-state": state }, i18n.t(`state.${state}`));
}
