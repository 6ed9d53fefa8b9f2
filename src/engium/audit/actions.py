"""The typed taxonomy of audit events. An action not listed here cannot be recorded."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILED = "failed"


class ActorKind(StrEnum):
    USER = "user"
    API_KEY = "api_key"
    CONTACT = "contact"
    WEBHOOK = "webhook"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"
    # A person at the command line of the server (``engium tenant create``, ``engium user create``).
    OPERATOR = "operator"


class AuditAction(StrEnum):
    # Requests: the middleware's guarantee of coverage, and the record of refused or failed attempts.
    API_MUTATION = "api.mutation"
    REQUEST_DENIED = "request.denied"
    REQUEST_FAILED = "request.failed"

    TENANT_CREATED = "tenant.created"
    DEMO_SEEDED = "demo.seeded"
    TENANT_DELETED = "tenant.deleted"
    # The operator console and CLI (tenancy/lifecycle.py, ADR 0040): on the tenant's chain and the platform's.
    TENANT_SUSPENDED = "tenant.suspended"
    TENANT_UNSUSPENDED = "tenant.unsuspended"
    SETTINGS_UPDATED = "setting.updated"

    AUTH_LOGIN_SUCCEEDED = "auth.login_succeeded"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOGOUT = "auth.logout"
    AUTH_MFA_SETUP_STARTED = "auth.mfa_setup_started"
    AUTH_MFA_ENABLED = "auth.mfa_enabled"
    AUTH_PASSWORD_CHANGED = "auth.password_changed"
    # Password reset by e-mail (identity/password_reset.py, ADR 0040): ids only, never the address or token.
    AUTH_PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
    AUTH_PASSWORD_RESET_COMPLETED = "auth.password_reset_completed"
    # Self-service sign-up (web/pages/signup.py, ADR 0040): requested on the platform chain, verified on both.
    SIGNUP_REQUESTED = "signup.requested"
    SIGNUP_VERIFIED = "signup.verified"

    # Joining a tenant: an invitation the invitee redeems (details: role; never the address or token).
    INVITATION_CREATED = "invitation.created"
    INVITATION_REVOKED = "invitation.revoked"
    INVITATION_ACCEPTED = "invitation.accepted"

    MEMBER_ADDED = "member.added"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    MEMBER_REMOVED = "member.removed"
    USER_CREATED = "user.created"

    APIKEY_CREATED = "apikey.created"
    APIKEY_REVOKED = "apikey.revoked"

    CONTACT_CREATED = "contact.created"
    CONTACT_UPDATED = "contact.updated"
    CONTACT_DELETED = "contact.deleted"
    CONTACT_VIEWED = "contact.viewed"
    # Two records of one person made one (details: the merged id and how many rows of each store moved).
    CONTACT_MERGED = "contact.merged"
    # A widget visitor's one-time code for the number or address they stated (ADR 0043): sent (the channel,
    # never the address), a wrong code, and the proof that links the conversation to the customer.
    CONTACT_PROOF_SENT = "contact.proof_sent"
    CONTACT_PROOF_FAILED = "contact.proof_failed"
    CONTACT_PROOF_VERIFIED = "contact.proof_verified"

    CONVERSATION_CREATED = "conversation.created"
    CONVERSATION_UPDATED = "conversation.updated"
    CONVERSATION_ESCALATED = "conversation.escalated"
    CONVERSATION_ASSIGNED = "conversation.assigned"
    CONVERSATION_RESOLVED = "conversation.resolved"
    CONVERSATION_VIEWED = "conversation.viewed"
    MESSAGE_CREATED = "message.created"
    # A full-text search over message text: a read of personal data (details: filters and hit count, never
    # the words searched for, which may themselves be personal data).
    MESSAGES_SEARCHED = "message.searched"
    CANNED_RESPONSE_CREATED = "canned_response.created"
    CANNED_RESPONSE_UPDATED = "canned_response.updated"
    CANNED_RESPONSE_DELETED = "canned_response.deleted"

    SERVICE_CREATED = "service.created"
    SERVICE_UPDATED = "service.updated"
    SERVICE_DELETED = "service.deleted"
    STAFF_CREATED = "staff.created"
    STAFF_UPDATED = "staff.updated"
    STAFF_DELETED = "staff.deleted"
    AVAILABILITY_UPDATED = "availability.updated"
    AVAILABILITY_EXCEPTION_CREATED = "availability.exception_created"
    AVAILABILITY_EXCEPTION_DELETED = "availability.exception_deleted"
    CLOSURE_CREATED = "closure.created"
    CLOSURE_UPDATED = "closure.updated"
    CLOSURE_DELETED = "closure.deleted"
    # Calendars (calendars/, ADR 0045): a feed's URL is shown once at creation; deleting the feed revokes it.
    CALENDAR_FEED_CREATED = "calendar_feed.created"
    CALENDAR_FEED_REVOKED = "calendar_feed.revoked"
    # Details name the host of an imported calendar's address, never its path or query (a key sits there).
    CALENDAR_IMPORT_CREATED = "calendar_import.created"
    CALENDAR_IMPORT_DELETED = "calendar_import.deleted"
    CALENDAR_IMPORT_REFRESH_REQUESTED = "calendar_import.refresh_requested"
    CALENDAR_IMPORT_REFRESHED = "calendar_import.refreshed"

    BOOKING_CREATED = "booking.created"
    BOOKING_RESCHEDULED = "booking.rescheduled"
    BOOKING_UPDATED = "booking.updated"
    BOOKING_CANCELLED = "booking.cancelled"
    # Migration 0035 (ADR 0042): staff mark a no-show; the customer confirms from a reminder; a confirmation or
    # reminder went out (or was skipped, with the reason code); the reminder timing and no-show policy changed.
    BOOKING_NO_SHOW = "booking.no_show"
    BOOKING_CUSTOMER_CONFIRMED = "booking.customer_confirmed"
    BOOKING_NOTICE_SENT = "booking.notice_sent"
    BOOKING_NOTICE_SKIPPED = "booking.notice_skipped"
    BOOKING_REMINDER_SETTINGS_UPDATED = "booking.reminder_settings_updated"

    # Satisfaction ratings (analytics/ratings.py): ids, the channel and the 1-5 score only.
    RATING_ASKED = "rating.asked"
    RATING_GIVEN = "rating.given"

    # The credentials vault: details name the kind and purpose, never a secret or any part of one.
    CREDENTIAL_CREATED = "credential.created"
    CREDENTIAL_ROTATED = "credential.rotated"
    CREDENTIAL_DELETED = "credential.deleted"
    CREDENTIAL_USED = "credential.used"
    KEY_DATA_ROTATED = "key.data_rotated"
    KEY_ROOT_ROTATED = "key.root_rotated"

    # Outbound webhooks: details hold ids, the URL's origin and status codes, never a secret or payload.
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created"
    WEBHOOK_ENDPOINT_UPDATED = "webhook_endpoint.updated"
    WEBHOOK_ENDPOINT_DELETED = "webhook_endpoint.deleted"
    WEBHOOK_DELIVERED = "webhook.delivered"
    WEBHOOK_DEAD_LETTERED = "webhook.dead_lettered"
    WEBHOOK_REDELIVERY_REQUESTED = "webhook.redelivery_requested"

    # Inbound channels (channels/): ids, provider and counts only, never a message body or phone number.
    WEBHOOK_RECEIVED = "webhook.received"
    WEBHOOK_DUPLICATE = "webhook.duplicate"
    WEBHOOK_REJECTED = "webhook.rejected"
    WIDGET_CONVERSATION_STARTED = "widget.conversation_started"
    WIDGET_MESSAGE_RECEIVED = "widget.message_received"
    CHANNEL_MESSAGE_SENT = "channel.message_sent"
    CHANNEL_SEND_FAILED = "channel.send_failed"
    # A provider's signed status callback moved a message forward (sent, delivered) or reported it failed.
    CHANNEL_DELIVERY_UPDATED = "channel.delivery_updated"
    CHANNEL_DELIVERY_FAILED = "channel.delivery_failed"

    # Outbound e-mail (mail/): ids, attempts and SMTP reply codes; never the subject or body, and the
    # address only sealed under the customer's key (ADR 0021) when the e-mail is about one.
    MAIL_QUEUED = "mail.queued"
    MAIL_SENT = "mail.sent"
    MAIL_FAILED = "mail.failed"
    # A business's own SMTP sender (mail/tenant_sender.py): host, port, security and whether a password is
    # set; never the password. E-mail channels (channels/email_channels.py): the channel id and address.
    MAIL_SENDER_CONFIGURED = "mail.sender_configured"
    MAIL_SENDER_REMOVED = "mail.sender_removed"
    EMAIL_CHANNEL_CREATED = "email_channel.created"
    EMAIL_CHANNEL_DELETED = "email_channel.deleted"

    # Staff notifications (notifications/): the event, the kind and how many members were told in the app
    # and by e-mail; never names or addresses.
    NOTIFICATIONS_CREATED = "notifications.created"
    NOTIFICATIONS_READ = "notifications.read"
    NOTIFICATION_PREFERENCES_CHANGED = "notification.preferences_changed"
    NOTIFICATION_DIGEST_SENT = "notification.digest_sent"

    # --- ai: the model gateway (ai/gateway/). One event per model call, refused and failed included;
    # details are the inference receipt (provider, host, retention, token counts, prompt SHA-256), never
    # prompt or completion text, never an API key.
    AI_INFERENCE = "ai.inference"

    AUDIT_VIEWED = "audit.viewed"
    AUDIT_EXPORTED = "audit.exported"

    # --- knowledge -------------------------------------------------------------------------------
    # Knowledge base (knowledge/): ids, source kinds, sizes and counts; never a document's text, its
    # title or a search query.
    KNOWLEDGE_DOCUMENT_ADDED = "knowledge.document_added"
    KNOWLEDGE_DOCUMENT_REPLACED = "knowledge.document_replaced"
    KNOWLEDGE_DOCUMENT_DELETED = "knowledge.document_deleted"
    KNOWLEDGE_SEARCHED = "knowledge.searched"
    KNOWLEDGE_PARTITION_INDEXED = "knowledge.partition_indexed"

    # --- assistant: the conversation engine (assistant/). Details hold ids, intent and tool names,
    # outcomes, counts and source ids: never message text, names or phone numbers.
    ASSISTANT_REPLIED = "assistant.replied"
    ASSISTANT_TOOL_CALLED = "assistant.tool_called"
    ASSISTANT_ESCALATED = "assistant.escalated"
    ASSISTANT_SKIPPED = "assistant.skipped"
    ASSISTANT_FAILED = "assistant.failed"
    ASSISTANT_HANDED_BACK = "assistant.handed_back"
    # The one follow-up to a customer nobody replied to after a hand-over (ADR 0037).
    ASSISTANT_FOLLOWED_UP = "assistant.followed_up"

    # --- guard: the prompt-injection guard at the conversation engine's seams (assistant/guarding.py).
    # Details hold the detector's score and reasons (rule names), finding kinds and a short excerpt that is
    # sanitised, masked (secrets, e-mail addresses, phone numbers) and never the whole message.
    GUARD_FLAGGED = "guard.flagged"
    GUARD_ACTION_GATED = "guard.action_gated"
    GUARD_OUTPUT_BLOCKED = "guard.output_blocked"
    GUARD_OUTPUT_REWRITTEN = "guard.output_rewritten"

    # --- privacy (privacy/): data-subject requests, erasure, retention, consent. Details hold ids, kinds,
    # dates and counts; anything that identifies the person (the phone a code went to) is sealed under
    # their key (audit/personal.py).
    PRIVACY_SETTINGS_UPDATED = "privacy.settings_updated"
    PRIVACY_REQUEST_RECEIVED = "privacy.request_received"
    PRIVACY_VERIFICATION_SENT = "privacy.verification_sent"
    PRIVACY_VERIFICATION_FAILED = "privacy.verification_failed"
    PRIVACY_REQUEST_VERIFIED = "privacy.request_verified"
    PRIVACY_REQUEST_EXTENDED = "privacy.request_extended"
    PRIVACY_REQUEST_REFUSED = "privacy.request_refused"
    PRIVACY_REQUEST_COMPLETED = "privacy.request_completed"
    PRIVACY_REQUEST_OVERDUE = "privacy.request_overdue"
    PRIVACY_EXPORT_DOWNLOADED = "privacy.export_downloaded"
    PRIVACY_SUBJECT_ERASED = "privacy.subject_erased"
    CONSENT_RECORDED = "consent.recorded"
    RETENTION_PURGED = "retention.purged"
    # The operator removed a month of the audit log after exporting it (engium audit remove-month).
    AUDIT_MONTH_REMOVED = "audit.month_removed"

    # --- evidence (evidence/): a SOC 2 evidence archive was exported. Details: the window, the sections, the
    # number of files and a SHA-256 over their paths and hashes (never their contents).
    EVIDENCE_EXPORTED = "evidence.exported"

    # --- trust centre (trust/): the subprocessor register and the generated DPA. Details hold the
    # subprocessor's key and name, dates, versions and hashes; never personal data.
    SUBPROCESSOR_REGISTER_CHANGED = "subprocessor.register_changed"
    SUBPROCESSOR_ANNOUNCED = "subprocessor.announced"
    SUBPROCESSOR_OBJECTED = "subprocessor.objected"
    DPA_GENERATED = "dpa.generated"
    DPA_ACCEPTED = "dpa.accepted"

    # --- incidents (incidents/): operator-level events land in the platform chain; what a business is
    # told lands in its own chain. Details hold ids, severity, statuses, categories and counts, never the
    # timeline's free text.
    INCIDENT_DECLARED = "incident.declared"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENT_STATUS_CHANGED = "incident.status_changed"
    INCIDENT_ENTRY_ADDED = "incident.entry_added"
    INCIDENT_TRIGGERED = "incident.triggered"
    INCIDENT_DEADLINE_REMINDED = "incident.deadline_reminded"
    INCIDENT_TENANT_NOTIFIED = "incident.tenant_notified"
    INCIDENT_EVIDENCE_EXPORTED = "incident.evidence_exported"
    # The operator console (web/pages/operator.py): a sign-in with the operator token, and its sign-out.
    # The actor is the name the operator gave ("console:<name>"); details are empty.
    OPERATOR_SIGNED_IN = "operator.signed_in"
    OPERATOR_SIGNED_OUT = "operator.signed_out"
    # The periodic verification of the audit log (incidents/tasks.py): ok or the number of broken chains.
    AUDIT_VERIFIED = "audit.verified"
