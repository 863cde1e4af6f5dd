// Shared by the account pages (apply, invitation, password, profile, users, review, outbox, my
// organisation): their messages in en/fr/es, accountForm (the pages' forms, rendered by the record forms'
// renderer js/forms.js from the JSON Schema of the request they send, GET /api/forms/{name}, labelled from
// the one catalogue messages/records.json), small helpers for the forms that are not a request's schema
// (a user's row, a search) and a confirmation dialog before destructive actions.
import { el } from "./dom.js";
import { loadCatalogue, renderForm } from "./forms.js";
import * as i18n from "./i18n.js";

export const MESSAGES = {
  en: {
    "acc.nav.apply": "Join",
    "acc.nav.profile": "My profile",
    "acc.nav.organisation": "My organisation",
    "acc.nav.review": "Review",
    "acc.nav.users": "Users",
    "acc.nav.outbox": "Outbox",
    "acc.nav.forgot": "Forgotten password?",
    "acc.required": "required",
    "acc.save": "Save",
    "acc.saved": "Saved.",
    "acc.cancel": "Cancel",
    "acc.confirm": "Confirm",
    "acc.send": "Send",
    "acc.signInFirst": "Sign in to see this page.",
    "acc.notAllowed": "Your role does not give access to this page.",
    "acc.fixFields": "Please correct the fields marked below.",
    "acc.none": "Nothing here.",
    "acc.yes": "yes",
    "acc.no": "no",
    "f.organisation_name": "Organisation",
    "f.membership": "Type",
    "f.org_type": "Kind of organisation",
    "f.region": "Region",
    "f.country_iso3": "Country (ISO 3 code, e.g. SEN)",
    "f.website": "Website",
    "f.contact_name": "Contact person",
    "f.contact_email": "Contact e-mail",
    "f.motivation": "Why do you want to join? (at least 20 characters)",
    "f.email": "E-mail",
    "f.name": "Name",
    "f.role": "Role",
    "f.organisation_id": "Organisation",
    "f.language": "Language of e-mails",
    "f.org_admin": "Organisation admin (may invite colleagues)",
    "f.active": "Active",
    "f.password": "New password",
    "f.confirm_password": "New password again",
    "f.current_password": "Current password",
    "f.new_password": "New password",
    "f.reason": "Reason (sent to the applicant)",
    "f.comment": "Comment (what to change)",
    "f.token": "Link",
    "f.lon": "Longitude (°)",
    "f.lat": "Latitude (°)",
    "f.land_use": "Land use",
    "f.description": "Description",
    "f.title": "Title",
    "f.summary": "Summary",
    "f.area_ha": "Area (ha)",
    "f.stage": "Stage",
    "f.year": "Year",
    "f.notes": "Notes",
    "f.practices": "Practices",
    "f.start_year": "Start year",
    "f.url": "Link",
    "opt.member": "Member",
    "opt.partner": "Partner",
    "opt.stc": "Scientific and technical committee",
    "opt.secretariat": "Secretariat",
    "opt.none": "None",
    "opt.country": "Country",
    "opt.farmers_organisation": "Farmers' organisation",
    "opt.research": "Research",
    "opt.ngo": "NGO",
    "opt.private_sector": "Private sector",
    "opt.funder": "Funder",
    "opt.international_organisation": "International organisation",
    "opt.local_authority": "Local authority",
    "opt.other": "Other",
    "opt.Africa": "Africa",
    "opt.Asia": "Asia",
    "opt.Europe": "Europe",
    "opt.Latin America and the Caribbean": "Latin America and the Caribbean",
    "opt.North America and Oceania": "North America and Oceania",
    "opt.en": "English",
    "opt.fr": "Français",
    "opt.es": "Español",
    "apply.title": "Apply for membership",
    "apply.intro": "Organisations join the «4 per 1000» Initiative as members or partners. The Secretariat reviews each application; the contact person receives an invitation to the platform once it is approved.",
    "apply.submit": "Send the application",
    "apply.done": "Thank you: your application was received. A confirmation was sent to {email}.",
    "invite.title": "Set your password",
    "invite.for": "Account: {email}",
    "invite.submit": "Set my password",
    "invite.done": "Your password is set. You can now sign in.",
    "invite.bad": "This link is not valid: it was used already, has expired or is incomplete. Ask the Secretariat for a new invitation.",
    "forgot.title": "Forgotten password",
    "forgot.intro": "Give the e-mail of your account: we send a link to choose a new password (valid 1 hour).",
    "forgot.submit": "Send me a link",
    "forgot.done": "If an account has this e-mail, a link to choose a new password was sent to it. It is valid 1 hour.",
    "reset.title": "Choose a new password",
    "reset.submit": "Save the new password",
    "reset.done": "Your password is changed and every session of your account was signed out. You can now sign in.",
    "reset.bad": "This link is not valid: it was used already, has expired (1 hour) or is incomplete. Ask for a new one.",
    "reset.again": "Ask for a new link",
    "signIn": "Sign in",
    "profile.title": "My profile",
    "profile.details": "My details",
    "profile.role": "Role: {role}; organisation: {organisation}",
    "profile.password": "Change my password",
    "profile.passwordDone": "Your password is changed; your other sessions were signed out.",
    "profile.sessions": "My active sessions",
    "profile.created": "Signed in",
    "profile.expires": "Expires",
    "profile.current": "this session",
    "profile.revoke": "Sign out this session",
    "profile.revokeConfirm": "Sign out this session? Whoever uses it must sign in again.",
    "users.title": "Users",
    "users.search": "Search users",
    "users.invite": "Invite someone",
    "users.invited": "Invitation sent to {email}.",
    "users.deactivate": "Deactivate",
    "users.reactivate": "Reactivate",
    "users.deactivateConfirm": "Deactivate {email}? They are signed out and can no longer sign in.",
    "users.inactive": "inactive",
    "users.count": "Users found: {count}",
    "users.resend": "Send a new invitation",
    "users.resent": "A new invitation was sent to {email}.",
    "review.title": "Review",
    "review.applications": "Membership applications",
    "review.submissions": "Submissions awaiting review",
    "review.approve": "Approve",
    "review.decline": "Decline",
    "review.return": "Return with a comment",
    "review.approveConfirm": "Approve “{title}”? It will be published.",
    "review.approveApplication": "Approve the application of {name}? The organisation and the account of {email} are created and an invitation is sent.",
    "review.approved": "Approved: {title}.",
    "review.declined": "Declined: {title}.",
    "review.returned": "Returned: {title}.",
    "review.submittedBy": "Submitted by {who} on {date}",
    "review.applied": "Applied on {date} by {who} ({email})",
    "review.field": "Field",
    "review.before": "Published version",
    "review.after": "Submitted",
    "review.first": "Never published: every field is new.",
    "review.pendingChange": "A change of a published record: the public sees the published version until you approve it.",
    "review.noChange": "No change since the published version.",
    "outbox.title": "Outbox",
    "outbox.transport": "E-mail goes to: {transport}",
    "outbox.smtp": "E-mail is sent by SMTP: the outbox folder is not used.",
    "outbox.messages": "Messages in the outbox",
    "outbox.queue": "Queue of messages",
    "outbox.date": "Date",
    "outbox.to": "To",
    "outbox.subject": "Subject",
    "outbox.state": "State",
    "outbox.attempts": "Attempts",
    "outbox.error": "Last error",
    "outbox.open": "Open",
    "outbox.close": "Close",
    "org.title": "My organisation",
    "org.drafts": "Drafts",
    "org.submitted": "Awaiting review",
    "org.returned": "Returned",
    "org.published": "Published",
    "org.members": "Members",
    "org.submit": "Submit for review",
    "org.submitAgain": "Submit again",
    "org.submitted.done": "Submitted: {title}.",
    "org.comment": "Comment: {comment}",
    "org.kind": "Kind",
    "org.record": "Record",
    "org.updated": "Changed",
    "org.admin": "admin",
    "org.invitedNoPassword": "invited",
    "org.invite": "Invite a colleague",
    "org.noOrganisation": "Your account belongs to no organisation.",
    "org.more": "{kind}: {shown} of {total} shown.",
    "kind.projects": "Projects",
    "kind.assessments": "STC assessments",
    "kind.practices": "Practices",
    "kind.monitoring-tools": "Monitoring tools",
    "kind.ndcs": "NDC entries",
    "kind.strategies": "Strategies",
    "kind.schemes": "Compensation schemes",
    "kind.studies": "Studies",
    "kind.meetings": "Meetings",
    "kind.networks": "Networks",
    "kind.contacts": "Contacts",
    "kind.brandings": "Brandings",
    "kind.municipalities": "Municipalities",
    "kind.sites": "Sites",
    "kind.observations": "Observations",
    "mail.pending": "waiting to be sent",
    "mail.sent": "sent",
    "mail.failed": "failed",
  },
  fr: {
    "acc.nav.apply": "Adhérer",
    "acc.nav.profile": "Mon profil",
    "acc.nav.organisation": "Mon organisation",
    "acc.nav.review": "Validation",
    "acc.nav.users": "Utilisateurs",
    "acc.nav.outbox": "Boîte d’envoi",
    "acc.nav.forgot": "Mot de passe oublié ?",
    "acc.required": "obligatoire",
    "acc.save": "Enregistrer",
    "acc.saved": "Enregistré.",
    "acc.cancel": "Annuler",
    "acc.confirm": "Confirmer",
    "acc.send": "Envoyer",
    "acc.signInFirst": "Connectez-vous pour voir cette page.",
    "acc.notAllowed": "Votre rôle ne donne pas accès à cette page.",
    "acc.fixFields": "Corrigez les champs signalés ci-dessous.",
    "acc.none": "Rien ici.",
    "acc.yes": "oui",
    "acc.no": "non",
    "f.organisation_name": "Organisation",
    "f.membership": "Type",
    "f.org_type": "Nature de l’organisation",
    "f.region": "Région",
    "f.country_iso3": "Pays (code ISO 3, p. ex. SEN)",
    "f.website": "Site web",
    "f.contact_name": "Personne de contact",
    "f.contact_email": "Courriel de contact",
    "f.motivation": "Pourquoi souhaitez-vous adhérer ? (20 caractères au moins)",
    "f.email": "Courriel",
    "f.name": "Nom",
    "f.role": "Rôle",
    "f.organisation_id": "Organisation",
    "f.language": "Langue des courriels",
    "f.org_admin": "Administrateur de l’organisation (peut inviter des collègues)",
    "f.active": "Actif",
    "f.password": "Nouveau mot de passe",
    "f.confirm_password": "Nouveau mot de passe (confirmation)",
    "f.current_password": "Mot de passe actuel",
    "f.new_password": "Nouveau mot de passe",
    "f.reason": "Motif (envoyé au candidat)",
    "f.comment": "Commentaire (ce qu’il faut modifier)",
    "f.token": "Lien",
    "f.lon": "Longitude (°)",
    "f.lat": "Latitude (°)",
    "f.land_use": "Usage des terres",
    "f.description": "Description",
    "f.title": "Titre",
    "f.summary": "Résumé",
    "f.area_ha": "Surface (ha)",
    "f.stage": "Étape",
    "f.year": "Année",
    "f.notes": "Notes",
    "f.practices": "Pratiques",
    "f.start_year": "Année de début",
    "f.url": "Lien",
    "opt.member": "Membre",
    "opt.partner": "Partenaire",
    "opt.stc": "Comité scientifique et technique",
    "opt.secretariat": "Secrétariat",
    "opt.none": "Aucune",
    "opt.country": "Pays",
    "opt.farmers_organisation": "Organisation d’agriculteurs",
    "opt.research": "Recherche",
    "opt.ngo": "ONG",
    "opt.private_sector": "Secteur privé",
    "opt.funder": "Bailleur de fonds",
    "opt.international_organisation": "Organisation internationale",
    "opt.local_authority": "Collectivité locale",
    "opt.other": "Autre",
    "opt.Africa": "Afrique",
    "opt.Asia": "Asie",
    "opt.Europe": "Europe",
    "opt.Latin America and the Caribbean": "Amérique latine et Caraïbes",
    "opt.North America and Oceania": "Amérique du Nord et Océanie",
    "opt.en": "English",
    "opt.fr": "Français",
    "opt.es": "Español",
    "apply.title": "Demande d’adhésion",
    "apply.intro": "Les organisations rejoignent l’Initiative « 4 pour 1000 » comme membres ou partenaires. Le Secrétariat examine chaque candidature ; la personne de contact reçoit une invitation à la plateforme une fois la candidature acceptée.",
    "apply.submit": "Envoyer la candidature",
    "apply.done": "Merci : votre candidature a été reçue. Une confirmation a été envoyée à {email}.",
    "invite.title": "Choisir votre mot de passe",
    "invite.for": "Compte : {email}",
    "invite.submit": "Enregistrer mon mot de passe",
    "invite.done": "Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.",
    "invite.bad": "Ce lien n’est pas valide : il a déjà servi, a expiré ou est incomplet. Demandez une nouvelle invitation au Secrétariat.",
    "forgot.title": "Mot de passe oublié",
    "forgot.intro": "Indiquez le courriel de votre compte : nous envoyons un lien pour choisir un nouveau mot de passe (valable 1 heure).",
    "forgot.submit": "M’envoyer un lien",
    "forgot.done": "Si un compte a ce courriel, un lien pour choisir un nouveau mot de passe lui a été envoyé. Il est valable 1 heure.",
    "reset.title": "Choisir un nouveau mot de passe",
    "reset.submit": "Enregistrer le nouveau mot de passe",
    "reset.done": "Votre mot de passe est changé et toutes les sessions de votre compte ont été fermées. Vous pouvez maintenant vous connecter.",
    "reset.bad": "Ce lien n’est pas valide : il a déjà servi, a expiré (1 heure) ou est incomplet. Demandez-en un nouveau.",
    "reset.again": "Demander un nouveau lien",
    "signIn": "Se connecter",
    "profile.title": "Mon profil",
    "profile.details": "Mes informations",
    "profile.role": "Rôle : {role} ; organisation : {organisation}",
    "profile.password": "Changer mon mot de passe",
    "profile.passwordDone": "Votre mot de passe est changé ; vos autres sessions ont été fermées.",
    "profile.sessions": "Mes sessions actives",
    "profile.created": "Connexion",
    "profile.expires": "Expire",
    "profile.current": "cette session",
    "profile.revoke": "Fermer cette session",
    "profile.revokeConfirm": "Fermer cette session ? Qui l’utilise devra se reconnecter.",
    "users.title": "Utilisateurs",
    "users.search": "Chercher des utilisateurs",
    "users.invite": "Inviter quelqu’un",
    "users.invited": "Invitation envoyée à {email}.",
    "users.deactivate": "Désactiver",
    "users.reactivate": "Réactiver",
    "users.deactivateConfirm": "Désactiver {email} ? Ses sessions sont fermées et il ne peut plus se connecter.",
    "users.inactive": "inactif",
    "users.count": "Utilisateurs trouvés : {count}",
    "users.resend": "Envoyer une nouvelle invitation",
    "users.resent": "Une nouvelle invitation a été envoyée à {email}.",
    "review.title": "Validation",
    "review.applications": "Demandes d’adhésion",
    "review.submissions": "Soumissions à valider",
    "review.approve": "Approuver",
    "review.decline": "Refuser",
    "review.return": "Renvoyer avec un commentaire",
    "review.approveConfirm": "Approuver « {title} » ? La fiche sera publiée.",
    "review.approveApplication": "Approuver la candidature de {name} ? L’organisation et le compte de {email} sont créés et une invitation est envoyée.",
    "review.approved": "Approuvé : {title}.",
    "review.declined": "Refusé : {title}.",
    "review.returned": "Renvoyé : {title}.",
    "review.submittedBy": "Soumis par {who} le {date}",
    "review.applied": "Candidature du {date} par {who} ({email})",
    "review.field": "Champ",
    "review.before": "Version publiée",
    "review.after": "Soumis",
    "review.first": "Jamais publiée : tous les champs sont nouveaux.",
    "review.pendingChange": "Une modification d’une fiche publiée : le public voit la version publiée jusqu’à votre approbation.",
    "review.noChange": "Aucun changement depuis la version publiée.",
    "outbox.title": "Boîte d’envoi",
    "outbox.transport": "Les courriels vont vers : {transport}",
    "outbox.smtp": "Les courriels partent par SMTP : la boîte d’envoi n’est pas utilisée.",
    "outbox.messages": "Messages de la boîte d’envoi",
    "outbox.queue": "File des messages",
    "outbox.date": "Date",
    "outbox.to": "Destinataire",
    "outbox.subject": "Objet",
    "outbox.state": "État",
    "outbox.attempts": "Tentatives",
    "outbox.error": "Dernière erreur",
    "outbox.open": "Ouvrir",
    "outbox.close": "Fermer",
    "org.title": "Mon organisation",
    "org.drafts": "Brouillons",
    "org.submitted": "En attente de validation",
    "org.returned": "Renvoyés",
    "org.published": "Publiés",
    "org.members": "Membres",
    "org.submit": "Soumettre pour validation",
    "org.submitAgain": "Soumettre de nouveau",
    "org.submitted.done": "Soumis : {title}.",
    "org.comment": "Commentaire : {comment}",
    "org.kind": "Type",
    "org.record": "Fiche",
    "org.updated": "Modifié",
    "org.admin": "administrateur",
    "org.invitedNoPassword": "invité",
    "org.invite": "Inviter un collègue",
    "org.noOrganisation": "Votre compte n’appartient à aucune organisation.",
    "org.more": "{kind} : {shown} sur {total} affichés.",
    "kind.projects": "Projets",
    "kind.assessments": "Évaluations du CST",
    "kind.practices": "Pratiques",
    "kind.monitoring-tools": "Outils de suivi",
    "kind.ndcs": "Fiches CDN",
    "kind.strategies": "Stratégies",
    "kind.schemes": "Mécanismes de compensation",
    "kind.studies": "Études",
    "kind.meetings": "Réunions",
    "kind.networks": "Réseaux",
    "kind.contacts": "Contacts",
    "kind.brandings": "Labels",
    "kind.municipalities": "Communes",
    "kind.sites": "Sites",
    "kind.observations": "Observations",
    "mail.pending": "en attente d’envoi",
    "mail.sent": "envoyé",
    "mail.failed": "échec",
  },
  es: {
    "acc.nav.apply": "Adherirse",
    "acc.nav.profile": "Mi perfil",
    "acc.nav.organisation": "Mi organización",
    "acc.nav.review": "Revisión",
    "acc.nav.users": "Usuarios",
    "acc.nav.outbox": "Bandeja de salida",
    "acc.nav.forgot": "¿Olvidó su contraseña?",
    "acc.required": "obligatorio",
    "acc.save": "Guardar",
    "acc.saved": "Guardado.",
    "acc.cancel": "Cancelar",
    "acc.confirm": "Confirmar",
    "acc.send": "Enviar",
    "acc.signInFirst": "Inicie sesión para ver esta página.",
    "acc.notAllowed": "Su rol no da acceso a esta página.",
    "acc.fixFields": "Corrija los campos señalados abajo.",
    "acc.none": "Nada aquí.",
    "acc.yes": "sí",
    "acc.no": "no",
    "f.organisation_name": "Organización",
    "f.membership": "Tipo",
    "f.org_type": "Naturaleza de la organización",
    "f.region": "Región",
    "f.country_iso3": "País (código ISO 3, p. ej. SEN)",
    "f.website": "Sitio web",
    "f.contact_name": "Persona de contacto",
    "f.contact_email": "Correo de contacto",
    "f.motivation": "¿Por qué desea adherirse? (20 caracteres como mínimo)",
    "f.email": "Correo electrónico",
    "f.name": "Nombre",
    "f.role": "Rol",
    "f.organisation_id": "Organización",
    "f.language": "Idioma de los correos",
    "f.org_admin": "Administrador de la organización (puede invitar a colegas)",
    "f.active": "Activo",
    "f.password": "Contraseña nueva",
    "f.confirm_password": "Contraseña nueva (confirmación)",
    "f.current_password": "Contraseña actual",
    "f.new_password": "Contraseña nueva",
    "f.reason": "Motivo (enviado al solicitante)",
    "f.comment": "Comentario (qué cambiar)",
    "f.token": "Enlace",
    "f.lon": "Longitud (°)",
    "f.lat": "Latitud (°)",
    "f.land_use": "Uso de la tierra",
    "f.description": "Descripción",
    "f.title": "Título",
    "f.summary": "Resumen",
    "f.area_ha": "Superficie (ha)",
    "f.stage": "Etapa",
    "f.year": "Año",
    "f.notes": "Notas",
    "f.practices": "Prácticas",
    "f.start_year": "Año de inicio",
    "f.url": "Enlace",
    "opt.member": "Miembro",
    "opt.partner": "Socio",
    "opt.stc": "Comité científico y técnico",
    "opt.secretariat": "Secretaría",
    "opt.none": "Ninguna",
    "opt.country": "País",
    "opt.farmers_organisation": "Organización de agricultores",
    "opt.research": "Investigación",
    "opt.ngo": "ONG",
    "opt.private_sector": "Sector privado",
    "opt.funder": "Financiador",
    "opt.international_organisation": "Organización internacional",
    "opt.local_authority": "Autoridad local",
    "opt.other": "Otra",
    "opt.Africa": "África",
    "opt.Asia": "Asia",
    "opt.Europe": "Europa",
    "opt.Latin America and the Caribbean": "América Latina y el Caribe",
    "opt.North America and Oceania": "América del Norte y Oceanía",
    "opt.en": "English",
    "opt.fr": "Français",
    "opt.es": "Español",
    "apply.title": "Solicitud de adhesión",
    "apply.intro": "Las organizaciones se unen a la Iniciativa «4 por 1000» como miembros o socios. La Secretaría examina cada solicitud; la persona de contacto recibe una invitación a la plataforma una vez aprobada.",
    "apply.submit": "Enviar la solicitud",
    "apply.done": "Gracias: hemos recibido su solicitud. Se envió una confirmación a {email}.",
    "invite.title": "Elegir su contraseña",
    "invite.for": "Cuenta: {email}",
    "invite.submit": "Guardar mi contraseña",
    "invite.done": "Su contraseña está guardada. Ya puede iniciar sesión.",
    "invite.bad": "Este enlace no es válido: ya se usó, caducó o está incompleto. Pida una nueva invitación a la Secretaría.",
    "forgot.title": "Contraseña olvidada",
    "forgot.intro": "Indique el correo de su cuenta: le enviamos un enlace para elegir una contraseña nueva (válido 1 hora).",
    "forgot.submit": "Enviarme un enlace",
    "forgot.done": "Si una cuenta tiene este correo, se le envió un enlace para elegir una contraseña nueva. Es válido 1 hora.",
    "reset.title": "Elegir una contraseña nueva",
    "reset.submit": "Guardar la contraseña nueva",
    "reset.done": "Su contraseña ha cambiado y se cerraron todas las sesiones de su cuenta. Ya puede iniciar sesión.",
    "reset.bad": "Este enlace no es válido: ya se usó, caducó (1 hora) o está incompleto. Pida uno nuevo.",
    "reset.again": "Pedir un enlace nuevo",
    "signIn": "Iniciar sesión",
    "profile.title": "Mi perfil",
    "profile.details": "Mis datos",
    "profile.role": "Rol: {role}; organización: {organisation}",
    "profile.password": "Cambiar mi contraseña",
    "profile.passwordDone": "Su contraseña ha cambiado; sus otras sesiones se cerraron.",
    "profile.sessions": "Mis sesiones activas",
    "profile.created": "Inicio",
    "profile.expires": "Caduca",
    "profile.current": "esta sesión",
    "profile.revoke": "Cerrar esta sesión",
    "profile.revokeConfirm": "¿Cerrar esta sesión? Quien la use deberá iniciar sesión de nuevo.",
    "users.title": "Usuarios",
    "users.search": "Buscar usuarios",
    "users.invite": "Invitar a alguien",
    "users.invited": "Invitación enviada a {email}.",
    "users.deactivate": "Desactivar",
    "users.reactivate": "Reactivar",
    "users.deactivateConfirm": "¿Desactivar {email}? Se cierran sus sesiones y ya no podrá iniciar sesión.",
    "users.inactive": "inactivo",
    "users.count": "Usuarios encontrados: {count}",
    "users.resend": "Enviar una nueva invitación",
    "users.resent": "Se envió una nueva invitación a {email}.",
    "review.title": "Revisión",
    "review.applications": "Solicitudes de adhesión",
    "review.submissions": "Envíos pendientes de revisión",
    "review.approve": "Aprobar",
    "review.decline": "Rechazar",
    "review.return": "Devolver con un comentario",
    "review.approveConfirm": "¿Aprobar «{title}»? Se publicará.",
    "review.approveApplication": "¿Aprobar la solicitud de {name}? Se crean la organización y la cuenta de {email} y se envía una invitación.",
    "review.approved": "Aprobado: {title}.",
    "review.declined": "Rechazado: {title}.",
    "review.returned": "Devuelto: {title}.",
    "review.submittedBy": "Enviado por {who} el {date}",
    "review.applied": "Solicitud del {date} por {who} ({email})",
    "review.field": "Campo",
    "review.before": "Versión publicada",
    "review.after": "Enviado",
    "review.first": "Nunca publicado: todos los campos son nuevos.",
    "review.pendingChange": "Un cambio de una ficha publicada: el público ve la versión publicada hasta que usted lo apruebe.",
    "review.noChange": "Sin cambios desde la versión publicada.",
    "outbox.title": "Bandeja de salida",
    "outbox.transport": "Los correos van a: {transport}",
    "outbox.smtp": "Los correos se envían por SMTP: la bandeja de salida no se usa.",
    "outbox.messages": "Mensajes de la bandeja de salida",
    "outbox.queue": "Cola de mensajes",
    "outbox.date": "Fecha",
    "outbox.to": "Destinatario",
    "outbox.subject": "Asunto",
    "outbox.state": "Estado",
    "outbox.attempts": "Intentos",
    "outbox.error": "Último error",
    "outbox.open": "Abrir",
    "outbox.close": "Cerrar",
    "org.title": "Mi organización",
    "org.drafts": "Borradores",
    "org.submitted": "Pendientes de revisión",
    "org.returned": "Devueltos",
    "org.published": "Publicados",
    "org.members": "Miembros",
    "org.submit": "Enviar a revisión",
    "org.submitAgain": "Enviar de nuevo",
    "org.submitted.done": "Enviado: {title}.",
    "org.comment": "Comentario: {comment}",
    "org.kind": "Tipo",
    "org.record": "Registro",
    "org.updated": "Modificado",
    "org.admin": "administrador",
    "org.invitedNoPassword": "invitado",
    "org.invite": "Invitar a un colega",
    "org.noOrganisation": "Su cuenta no pertenece a ninguna organización.",
    "org.more": "{kind}: se muestran {shown} de {total}.",
    "kind.projects": "Proyectos",
    "kind.assessments": "Evaluaciones del CCT",
    "kind.practices": "Prácticas",
    "kind.monitoring-tools": "Herramientas de seguimiento",
    "kind.ndcs": "Fichas CDN",
    "kind.strategies": "Estrategias",
    "kind.schemes": "Mecanismos de compensación",
    "kind.studies": "Estudios",
    "kind.meetings": "Reuniones",
    "kind.networks": "Redes",
    "kind.contacts": "Contactos",
    "kind.brandings": "Sellos",
    "kind.municipalities": "Municipios",
    "kind.sites": "Sitios",
    "kind.observations": "Observaciones",
    "mail.pending": "en espera de envío",
    "mail.sent": "enviado",
    "mail.failed": "fallido",
  },
};
i18n.add(MESSAGES);

export const t = i18n.t;
let fieldCount = 0;

// The form of the request ``name`` (apply, invite, password, change-password, profile, forgot-password),
// rendered by js/forms.js from its JSON Schema: onSubmit(data, form) sends it and may throw the API's error,
// shown on the form (422 details next to their fields, by their labels; the first bad field focused).
// Options are renderForm's (values, omit, choices, autocomplete, confirm, submitLabel). Returns the form
// (form.element to place on the page).
export async function accountForm(ctx, name, { onSubmit, ...options }) {
  const [schema] = await Promise.all([ctx.api(`/forms/${name}`), loadCatalogue()]);
  const form = renderForm(document.createElement("div"), schema, {
    kind: name,
    idPrefix: `acc-${name}`,
    ...options,
    onSubmit: async ({ data, problems }) => {
      if (problems.length) return form.showErrors(problems);
      form.clearErrors(); // nothing stale left on screen
      try {
        await onSubmit(data, form);
      } catch (error) {
        form.showErrors(error.details?.length && typeof error.details[0] === "object" ? error.details : [{ loc: [], message: error.message }]);
      }
      return undefined;
    },
  });
  form.element.classList.add("account-form");
  return form;
}

// A labelled control: {name, type: text|email|password|textarea|select|checkbox, options: [values] (labels
// "opt.<value>") or [[value, label]], value, required, autocomplete, help}. The label is "f.<name>".
export function field({ name, type = "text", options, value, required = false, autocomplete, help, label }) {
  const id = `acc-${name}-${++fieldCount}`;
  const labelText = label || t(`f.${name}`);
  const describedBy = [];
  const helpNode = help ? el("p", { class: "small muted", id: `${id}-help` }, help) : null;
  if (helpNode) describedBy.push(helpNode.id);
  const errorNode = el("p", { class: "error field-error", id: `${id}-error`, hidden: true });
  describedBy.push(errorNode.id);
  const common = { id, name, required, autocomplete, "aria-describedby": describedBy.join(" ") };
  let control;
  if (type === "textarea") control = el("textarea", { ...common, rows: 5 }, value ?? "");
  else if (type === "select") {
    control = el(
      "select",
      common,
      options.map((option) => {
        const [optionValue, optionLabel] = Array.isArray(option) ? option : [option, t(`opt.${option}`)];
        return el("option", { value: optionValue, selected: String(optionValue) === String(value ?? "") }, optionLabel);
      }),
    );
  } else if (type === "checkbox") {
    control = el("input", { ...common, type: "checkbox", checked: Boolean(value), required: false });
    return el("div", { class: "field field-check", "data-field": name }, el("label", { for: id }, control, " ", labelText), helpNode, errorNode);
  } else control = el("input", { ...common, type, value: value ?? "" });
  return el(
    "div",
    { class: "field", "data-field": name },
    el("label", { for: id }, labelText, required ? el("span", { class: "muted small" }, ` (${t("acc.required")})`) : null),
    control,
    helpNode,
    errorNode,
  );
}

// The values of a form's named controls (checkboxes → booleans; empty optional text → left out).
export function values(form) {
  const out = {};
  for (const control of form.querySelectorAll("[name]")) {
    if (control.type === "checkbox") out[control.name] = control.checked;
    else if (control.value !== "" || control.required) out[control.name] = control.value;
  }
  return out;
}

export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-error");
  if (summary) summary.hidden = true;
}

// Show an API error on its form: each 422 detail next to its field (the field's label, never its path),
// the others in the form's summary; the first bad field gets the focus. Nothing typed is lost.
export function showError(form, error) {
  clearErrors(form);
  const summary = form.querySelector(".form-error");
  const loose = [];
  let first = null;
  for (const detail of error.details || []) {
    const loc = Array.isArray(detail.loc) ? detail.loc : [];
    const name = [...loc].reverse().find((part) => form.querySelector(`[data-field="${part}"]`));
    const box = name ? form.querySelector(`[data-field="${name}"]`) : null;
    if (!box) {
      loose.push(detail.message || String(detail));
      continue;
    }
    const node = box.querySelector(".field-error");
    node.textContent = node.textContent ? `${node.textContent}; ${detail.message}` : detail.message;
    node.hidden = false;
    const control = box.querySelector("input, select, textarea");
    control.setAttribute("aria-invalid", "true");
    first = first || control;
  }
  summary.textContent = first && !loose.length ? t("acc.fixFields") : [error.message, ...loose].join(" — ");
  summary.hidden = false;
  (first || summary).focus();
}

// A form with its fields, a summary error box and a submit button; onSubmit(values, form) may throw an
// API error (shown on the form).
export function form({ fields, submit, onSubmit, extra = [] }) {
  const node = el(
    "form",
    { class: "stack account-form", novalidate: true },
    fields,
    extra,
    el("p", { class: "error form-error", role: "alert", tabindex: "-1", hidden: true }),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "btn" }, submit)),
  );
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = node.querySelector('button[type="submit"]');
    button.disabled = true;
    clearErrors(node);
    try {
      await onSubmit(values(node), node);
    } catch (error) {
      showError(node, error);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

// A modal confirmation (Escape or Cancel: false). withText: also ask for a text (a reason, a comment),
// required; resolves to the text then.
export function confirmAction(message, { withText = null, confirmLabel = t("acc.confirm") } = {}) {
  return new Promise((resolve) => {
    const textField = withText ? field({ name: withText, type: "textarea", required: true }) : null;
    const error = el("p", { class: "error", role: "alert", hidden: true });
    const dialog = el(
      "dialog",
      { class: "confirm-dialog", "aria-label": message },
      el(
        "form",
        { method: "dialog", class: "stack" },
        el("p", {}, message),
        textField,
        error,
        el(
          "div",
          { class: "actions" },
          el("button", { type: "submit", class: "btn", value: "yes" }, confirmLabel),
          el("button", { type: "submit", class: "btn btn-secondary", value: "no", formnovalidate: true }, t("acc.cancel")),
        ),
      ),
    );
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (event.submitter?.value !== "yes") return finish(withText ? null : false);
      if (!withText) return finish(true);
      const text = dialog.querySelector("textarea").value.trim();
      if (!text) {
        error.textContent = `${t(`f.${withText}`)}: ${t("acc.required")}`;
        error.hidden = false;
        dialog.querySelector("textarea").focus();
        return;
      }
      finish(text);
    });
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(withText ? null : false);
    });
    document.body.append(dialog);
    dialog.showModal();
    (textField ? dialog.querySelector("textarea") : dialog.querySelector('button[value="no"]')).focus();
  });
}

// A page that needs a role: renders a message and returns false when the user may not see it.
export function gate(root, ctx, roles = null) {
  if (!ctx.user) {
    root.append(el("p", { class: "notice" }, t("acc.signInFirst")));
    return false;
  }
  if (roles && !roles.includes(ctx.user.role)) {
    root.append(el("p", { class: "notice" }, t("acc.notAllowed")));
    return false;
  }
  return true;
}

// A record kind's name in the page's language (its URL name when there is none).
export function kindName(kind) {
  const key = `kind.${kind}`;
  const name = t(key);
  return name === key ? kind : name;
}

// A field's label in the page's language where the account pages have one, else its name.
export function fieldName(name) {
  const key = `f.${name}`;
  const label = t(key);
  return label === key ? name : label;
}

export function notice(text, kind = "notice") {
  return el("p", { class: kind, role: kind === "error" ? "alert" : "status", tabindex: "-1" }, text);
}
