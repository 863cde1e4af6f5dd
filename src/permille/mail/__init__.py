"""E-mail of the platform: messages composed in the recipient's language from Jinja2 templates
(:mod:`.compose`), kept in a persisted queue written in the transaction of the action that causes them
(:mod:`.queue`), and delivered by SMTP (``PERMILLE_SMTP_URL``) or, without it, to an outbox folder under
``PERMILLE_HOME`` (:mod:`.transport`). See docs/accounts.md."""
