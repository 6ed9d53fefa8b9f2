"""The personal-data map: every table, which of its columns hold personal data, and how a person's rows
are reached for export, erasure and retention.

It is the single source for the record of processing (``processing_record.py``), for the subject export
and erasure (which walk the stores it names) and for docs/privacy.md. ``tests/privacy/test_data_map.py``
compares it with the live catalog: a column that exists in the database but is classified here neither as
personal nor as not personal fails that test, so a new column cannot hold personal data unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DataSubject(StrEnum):
    CUSTOMER = "customer"  # people who write to the business (contacts)
    STAFF = "staff"  # members of the business, people invited to join it
    BUSINESS = "business"  # the business's own contact details: personal data when it is a sole trader


class Category(StrEnum):
    IDENTITY = "identity"  # names
    CONTACT_DETAILS = "contact_details"  # phone numbers, e-mail addresses, a site's user id
    COMMUNICATIONS = "communications"  # what people wrote, and replies to them
    APPOINTMENTS = "appointments"  # who is booked when, and notes about it
    NETWORK = "network"  # IP addresses and user agents
    REFERENCE = "reference"  # ids or hashes that point at one person's records (pseudonymous)
    CREDENTIALS = "credentials"  # password hashes, token hashes, second-factor secrets
    CONSENT = "consent"  # what a person agreed to or objected to, and when
    REQUESTS = "requests"  # a person's data-subject requests and how they were handled


class Erasure(StrEnum):
    """What a customer's erasure does to a store."""

    DELETED = "deleted"  # the erasure deletes the person's rows
    CASCADE = "cascade"  # the database deletes them with the contact (ON DELETE CASCADE)
    DETACHED = "detached"  # the link to the person is cleared (ON DELETE SET NULL); the row stays
    CRYPTO_SHREDDED = "crypto_shredded"  # ciphertext stays, the person's key is destroyed
    REDACTED = "redacted"  # the person's identifiers are replaced in the text, vectors recomputed
    KEPT_AS_EVIDENCE = "kept_as_evidence"  # kept without identifiers: proof the request was handled
    NOT_CUSTOMER_DATA = "not_customer_data"  # holds no customer's personal data


class Activity(StrEnum):
    """Processing activities (GDPR Art. 30(1)(b)); their purposes and legal bases are in ACTIVITIES."""

    CONVERSATIONS = "conversations"
    APPOINTMENTS = "appointments"
    ASSISTANT = "assistant"
    INTEGRATIONS = "integrations"
    SECURITY = "security"
    STAFF_ACCOUNTS = "staff_accounts"
    PRIVACY = "privacy"
    OPERATIONS = "operations"


@dataclass(frozen=True)
class ActivityDescription:
    name: str
    purpose: str
    legal_basis: str
    subjects: tuple[DataSubject, ...]


ACTIVITIES: dict[Activity, ActivityDescription] = {
    Activity.CONVERSATIONS: ActivityDescription(
        "Answering customers", "Receive and answer customers' messages on the website chat, SMS and WhatsApp",
        "Art. 6(1)(b) steps at the customer's request before a contract, and the contract itself",
        (DataSubject.CUSTOMER,)),
    Activity.APPOINTMENTS: ActivityDescription(
        "Appointments", "Book, move and cancel customers' appointments", "Art. 6(1)(b) contract",
        (DataSubject.CUSTOMER, DataSubject.STAFF)),
    Activity.ASSISTANT: ActivityDescription(
        "AI assistant", "Draft answers from the business's knowledge base; inference only, no training (P4)",
        "Art. 6(1)(f) legitimate interest in answering promptly; Art. 6(1)(b) for bookings",
        (DataSubject.CUSTOMER,)),
    Activity.INTEGRATIONS: ActivityDescription(
        "Integrations", "Tell the business's own systems about bookings and conversations (webhooks)",
        "Art. 6(1)(f) legitimate interest; 'sharing' endpoints only with the customer's consent",
        (DataSubject.CUSTOMER,)),
    Activity.SECURITY: ActivityDescription(
        "Security and accountability", "Append-only audit log of every change and every read of personal data",
        "Art. 6(1)(c) legal obligation (Art. 5(2), 32 GDPR) and Art. 6(1)(f) security",
        (DataSubject.CUSTOMER, DataSubject.STAFF)),
    Activity.STAFF_ACCOUNTS: ActivityDescription(
        "Staff accounts", "Sign-in, roles, invitations, API keys of the business's members",
        "Art. 6(1)(b) contract with the member", (DataSubject.STAFF,)),
    Activity.PRIVACY: ActivityDescription(
        "Data-protection compliance", "Data-subject requests, consent and opt-outs, deletion certificates",
        "Art. 6(1)(c) legal obligation (Art. 7(1), 12-22 GDPR; CCPA 1798.100-135)",
        (DataSubject.CUSTOMER,)),
    Activity.OPERATIONS: ActivityDescription(
        "Running the service", "Business profile, catalogue, background jobs, encryption keys",
        "Art. 6(1)(b) contract with the business", (DataSubject.BUSINESS,)),
}


@dataclass(frozen=True)
class PersonalField:
    column: str
    category: Category
    subject: DataSubject


@dataclass(frozen=True)
class Store:
    table: str
    domain: str  # the package that owns the table
    activity: Activity
    personal: tuple[PersonalField, ...]
    other: frozenset[str]  # columns that hold no personal data
    reached_by: str  # how one customer's rows are found
    erasure: Erasure
    # What removes rows in the end: a retention setting of privacy/policy.py (the purge in
    # privacy/retention.py then has a rule for the table; tests/privacy checks both ways), or a description.
    retention: str

    def columns(self) -> frozenset[str]:
        return frozenset(f.column for f in self.personal) | self.other


def _fields(whose: DataSubject, /, **columns: Category) -> tuple[PersonalField, ...]:
    return tuple(PersonalField(column, category, whose) for column, category in columns.items())


C, S, B = DataSubject.CUSTOMER, DataSubject.STAFF, DataSubject.BUSINESS
K = Category


def _other(names: str) -> frozenset[str]:
    return frozenset(names.split())


NO_CUSTOMER = "holds no customer data"
BY_CONTACT = "contact_id = the contact"
BY_CONVERSATION = "conversation_id in the contact's conversations"

STORES: tuple[Store, ...] = (
    # -- customers -------------------------------------------------------------------------------------
    Store("contacts", "conversations", Activity.CONVERSATIONS,
          _fields(C, name=K.IDENTITY, email=K.CONTACT_DETAILS, phone=K.CONTACT_DETAILS,
                  widget_id=K.CONTACT_DETAILS, unverified_phone=K.CONTACT_DETAILS,
                  unverified_email=K.CONTACT_DETAILS),
          _other("tenant_id id created_at updated_at"), "id = the contact", Erasure.DELETED,
          "contact_inactive_days"),
    Store("conversations", "conversations", Activity.CONVERSATIONS,
          _fields(C, contact_id=K.REFERENCE, subject=K.COMMUNICATIONS, escalation_reason=K.COMMUNICATIONS),
          _other("tenant_id id channel status assignee_user_id created_at updated_at last_message_at escalated_at "
                 "resolved_at"),
          BY_CONTACT, Erasure.CASCADE, "conversation_days"),
    Store("messages", "conversations", Activity.CONVERSATIONS,
          _fields(C, body=K.COMMUNICATIONS, delivery_error=K.COMMUNICATIONS),
          _other("tenant_id id conversation_id direction author_kind author_user_id created_at delivery_status "
                 "delivery_updated_at in_reply_to provider provider_message_id"),
          BY_CONVERSATION, Erasure.CASCADE, "conversation_days"),
    Store("bookings", "bookings", Activity.APPOINTMENTS,
          _fields(C, contact_id=K.REFERENCE, starts_at=K.APPOINTMENTS, notes=K.APPOINTMENTS),
          _other("tenant_id id service_id staff_id ends_at status created_at cancelled_at booked_by channel "
                 "customer_confirmed_at no_show_at"),
          BY_CONTACT, Erasure.CASCADE, "booking_days"),
    # The Message-IDs of e-mail conversations (migration 0039): a customer's e-mail's id and subject, ours.
    Store("email_thread_messages", "channels", Activity.CONVERSATIONS,
          _fields(C, rfc_message_id=K.REFERENCE, subject=K.COMMUNICATIONS),
          _other("tenant_id conversation_id direction created_at"),
          BY_CONVERSATION, Erasure.CASCADE, "conversation_days"),
    # Confirmations and reminders sent about a booking (migration 0035): ids, codes and times; the text is
    # the conversation's message or the e-mail it names. They go with the booking (on delete cascade).
    Store("booking_messages", "bookings", Activity.APPOINTMENTS,
          _fields(C, booking_id=K.REFERENCE, starts_at=K.APPOINTMENTS),
          _other("tenant_id id kind status reason channel conversation_id message_id mail_id created_at"),
          "booking_id in the contact's bookings", Erasure.CASCADE, "booking_days"),
    Store("widget_sessions", "channels", Activity.CONVERSATIONS,
          _fields(C, contact_id=K.REFERENCE, token_hash=K.CREDENTIALS),
          _other("tenant_id id conversation_id created_at expires_at"), BY_CONTACT, Erasure.CASCADE,
          "session_days"),
    Store("assistant_states", "assistant", Activity.ASSISTANT,
          _fields(C, pending=K.APPOINTMENTS),
          _other("tenant_id conversation_id failed_turns guard_strikes language updated_at handover_id "
                 "handed_over_at handover_reason followed_up_at"), BY_CONVERSATION,
          Erasure.CASCADE, "conversation_days"),
    # A customer's 1-5 answer to "how did we do?" at a resolution (migration 0037, analytics/ratings.py).
    Store("satisfaction_ratings", "analytics", Activity.CONVERSATIONS,
          _fields(C, conversation_id=K.REFERENCE, question_message_id=K.REFERENCE, rating=K.COMMUNICATIONS),
          _other("tenant_id id channel asked_at expires_at rated_at"), BY_CONVERSATION,
          Erasure.CASCADE, "conversation_days"),
    Store("inbound_deliveries", "channels", Activity.CONVERSATIONS,
          _fields(C, provider_event_id=K.REFERENCE, message_id=K.REFERENCE),
          _other("tenant_id provider received_at"), "message_id in the contact's messages",
          Erasure.DETACHED, "delivery_log_days"),
    Store("webhook_deliveries", "webhooks", Activity.INTEGRATIONS,
          _fields(C, payload=K.REFERENCE),
          _other("tenant_id id endpoint_id event_type status attempts next_attempt_at last_attempt_at "
                 "last_status_code last_error created_at"),
          "payload names the contact, one of its conversations or bookings", Erasure.DELETED,
          "delivery_log_days"),
    # E-mails (mail/): one-time codes for a customer's request, later staff notifications. Settled rows keep
    # no body (emptied when sent or failed); those not tied to a contact are reached by their address.
    Store("outbound_mail", "mail", Activity.PRIVACY,
          _fields(C, contact_id=K.REFERENCE, recipient=K.CONTACT_DETAILS, subject=K.COMMUNICATIONS,
                  body=K.COMMUNICATIONS, last_error=K.COMMUNICATIONS, message_id=K.REFERENCE,
                  in_reply_to=K.REFERENCE, thread_references=K.REFERENCE),
          # reply_to: the business's own channel address (migration 0039).
          _other("tenant_id id status attempts smtp_message_id created_at sent_at reply_to"),
          "contact_id = the contact, or no contact and recipient = one of the contact's e-mail addresses",
          Erasure.DELETED, "delivery_log_days"),
    # Staff notifications (notifications/): ids of the conversation or booking they are about, never a
    # customer's words; they go with it (on delete cascade).
    Store("staff_notifications", "notifications", Activity.CONVERSATIONS,
          _fields(C, conversation_id=K.REFERENCE, booking_id=K.REFERENCE),
          _other("tenant_id id user_id kind email_state email_id created_at read_at"),
          BY_CONVERSATION + ", or booking_id in the contact's bookings", Erasure.DELETED,
          "with their conversation or booking"),
    Store("knowledge_documents", "knowledge", Activity.ASSISTANT,
          _fields(C, title=K.COMMUNICATIONS, content=K.COMMUNICATIONS, source_filename=K.COMMUNICATIONS),
          _other("tenant_id id source_kind content_sha256 source_bytes chunk_count embedding_model created_at "
                 "updated_at"),
          "content mentions the contact's phone, e-mail or full name", Erasure.REDACTED,
          "until the business deletes the document"),
    Store("knowledge_chunks", "knowledge", Activity.ASSISTANT,
          _fields(C, content=K.COMMUNICATIONS, embedding=K.COMMUNICATIONS, tsv=K.COMMUNICATIONS),
          _other("tenant_id id document_id ordinal start_offset end_offset"),
          "chunks of a document that mentions the contact", Erasure.REDACTED,
          "until the business deletes the document"),
    Store("audit_events", "audit", Activity.SECURITY,
          _fields(C, actor_id=K.REFERENCE, ip=K.NETWORK, user_agent=K.NETWORK, resource_id=K.REFERENCE,
                  details=K.REFERENCE),
          _other("tenant_id seq occurred_at actor_kind request_id action resource_type outcome prev_hash hash"),
          "actor or details name the contact; personal values sealed under the contact's key",
          Erasure.CRYPTO_SHREDDED, "audit_months (whole months, after export)"),
    Store("subject_keys", "crypto", Activity.SECURITY, _fields(C, contact_id=K.REFERENCE),
          _other("tenant_id id kind period ciphertext created_at"), BY_CONTACT, Erasure.DELETED,
          "network keys: network_metadata_days; contact keys: with the contact"),
    Store("consents", "privacy", Activity.PRIVACY,
          _fields(C, contact_id=K.REFERENCE, purpose=K.CONSENT, granted=K.CONSENT, channel=K.CONSENT,
                  source=K.CONSENT, wording_version=K.CONSENT, recorded_at=K.CONSENT),
          _other("tenant_id id"), BY_CONTACT, Erasure.CASCADE, "with the contact"),
    Store("keyword_replies", "privacy", Activity.PRIVACY, _fields(C, message_id=K.REFERENCE),
          _other("tenant_id keyword"), BY_CONVERSATION, Erasure.CASCADE, "with the message"),
    Store("privacy_requests", "privacy", Activity.PRIVACY,
          _fields(C, contact_id=K.REFERENCE, payload=K.REQUESTS, extension_reason=K.REQUESTS,
                  refusal_reason=K.REQUESTS),
          _other("tenant_id id kind status regime source received_at clock_started_at due_at extended_until "
                 "completed_at outcome logged_by overdue_recorded_at created_at updated_at"),
          BY_CONTACT, Erasure.KEPT_AS_EVIDENCE, "request_evidence_days"),
    # A widget visitor's one-time-code challenge (ADR 0031): the code only as a salted hash, no number.
    Store("widget_privacy_challenges", "channels", Activity.PRIVACY,
          _fields(C, contact_id=K.REFERENCE, requested_by=K.REFERENCE, code_sha256=K.CREDENTIALS),
          _other("tenant_id id kind channel wrong_codes created_at expires_at voided_at confirmed_at request_id"),
          "contact_id or requested_by = the contact", Erasure.CASCADE, "session_days"),
    # A widget visitor's code for the number or address they stated (ADR 0043): code and address as hashes.
    Store("contact_proofs", "channels", Activity.PRIVACY,
          _fields(C, contact_id=K.REFERENCE, address_sha256=K.REFERENCE, code_sha256=K.CREDENTIALS),
          _other("tenant_id id conversation_id channel wrong_codes created_at expires_at voided_at confirmed_at"),
          BY_CONTACT, Erasure.CASCADE, "session_days"),
    Store("privacy_exports", "privacy", Activity.PRIVACY, _fields(C, contact_id=K.REFERENCE, sealed=K.REQUESTS),
          _other("tenant_id request_id bytes created_at expires_at"), BY_CONTACT, Erasure.DELETED, "30 days"),
    Store("privacy_certificates", "privacy", Activity.PRIVACY, _fields(C, statement=K.REFERENCE),
          _other("tenant_id request_id signature key_id issued_at"),
          "the request's contact id; identifiers only as salted hashes", Erasure.KEPT_AS_EVIDENCE,
          "request_evidence_days"),
    Store("procrastinate_jobs", "jobs", Activity.OPERATIONS,
          _fields(C, args=K.REFERENCE),
          _other("id queue_name task_name priority lock queueing_lock status scheduled_at attempts "
                 "abort_requested worker_id"),
          "args name the contact, one of its conversations or messages", Erasure.DELETED,
          "job_days"),
    # -- staff ----------------------------------------------------------------------------------------
    Store("users", "identity", Activity.STAFF_ACCOUNTS,
          _fields(S, email=K.CONTACT_DETAILS, email_normalized=K.CONTACT_DETAILS, display_name=K.IDENTITY,
                  password_hash=K.CREDENTIALS, totp_secret=K.CREDENTIALS, totp_ciphertext=K.CREDENTIALS),
          _other("id totp_last_step totp_enabled failed_login_count locked_until created_at"),
          NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "while the account exists"),
    Store("memberships", "identity", Activity.STAFF_ACCOUNTS, _fields(S, user_id=K.REFERENCE),
          _other("tenant_id role created_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "while a member"),
    Store("sessions", "identity", Activity.STAFF_ACCOUNTS,
          _fields(S, user_id=K.REFERENCE, token_hash=K.CREDENTIALS, csrf_hash=K.CREDENTIALS),
          _other("tenant_id id mfa_verified created_at last_seen_at expires_at"), NO_CUSTOMER,
          Erasure.NOT_CUSTOMER_DATA, "session_days"),
    Store("api_keys", "identity", Activity.STAFF_ACCOUNTS,
          _fields(S, created_by_user_id=K.REFERENCE, key_hash=K.CREDENTIALS),
          _other("tenant_id id name key_prefix role creator_kind created_by_api_key_id created_at last_used_at "
                 "revoked_at"),
          NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "until revoked"),
    Store("invitations", "identity", Activity.STAFF_ACCOUNTS,
          _fields(S, email=K.CONTACT_DETAILS, email_normalized=K.CONTACT_DETAILS, accepted_user_id=K.REFERENCE,
                  invited_by_id=K.REFERENCE, token_hash=K.CREDENTIALS),
          _other("tenant_id id role invited_by_kind created_at expires_at accepted_at revoked_at"), NO_CUSTOMER,
          Erasure.NOT_CUSTOMER_DATA, "session_days"),
    Store("notification_preferences", "notifications", Activity.STAFF_ACCOUNTS, _fields(S, user_id=K.REFERENCE),
          _other("tenant_id email_enabled on_call daily_digest email_muted_kinds last_digest_on updated_at"),
          NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "while a member"),
    # Migration 0033 (ADR 0040): reset links and sign-up verifications; global (no tenant yet, or the person's
    # account across tenants). The daily retention job deletes them a week after expiry.
    Store("password_resets", "identity", Activity.STAFF_ACCOUNTS,
          _fields(S, user_id=K.REFERENCE, token_hash=K.CREDENTIALS),
          _other("id created_at expires_at used_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
          "7 days after expiry (privacy.retention)"),
    Store("signup_requests", "identity", Activity.STAFF_ACCOUNTS,
          _fields(S, email=K.CONTACT_DETAILS, email_normalized=K.CONTACT_DETAILS, token_hash=K.CREDENTIALS),
          _other("id business_name timezone created_at expires_at verified_at"), NO_CUSTOMER,
          Erasure.NOT_CUSTOMER_DATA, "7 days after expiry (privacy.retention)"),
    Store("staff", "bookings", Activity.APPOINTMENTS, _fields(S, name=K.IDENTITY, email=K.CONTACT_DETAILS),
          _other("tenant_id id active booking_version created_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
          "until removed by the business"),
    Store("availability_exceptions", "bookings", Activity.APPOINTMENTS, _fields(S, note=K.APPOINTMENTS),
          _other("tenant_id id staff_id on_date kind start_time end_time"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
          "until removed by the business"),
    # -- calendars (calendars/, migration 0038_calendar_feeds, ADR 0045) --------------------------------
    # A feed's token is a credential (only its hash is stored); what the feed shows is read from bookings.
    Store("calendar_feeds", "calendars", Activity.APPOINTMENTS, _fields(S, token_sha256=K.CREDENTIALS),
          _other("tenant_id id staff_id label include_customer_names created_at"), NO_CUSTOMER,
          Erasure.NOT_CUSTOMER_DATA, "until revoked by the business"),
    # A staff member's private calendar address (sealed: it carries the calendar's key), and the times it shows
    # busy: times only, never what the staff member's own events were.
    Store("calendar_imports", "calendars", Activity.APPOINTMENTS, _fields(S, url_ciphertext=K.CREDENTIALS),
          _other("tenant_id id staff_id url_hint last_attempt_at last_success_at last_error busy_span_count "
                 "created_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "until removed by the business"),
    Store("staff_busy_spans", "bookings", Activity.APPOINTMENTS, _fields(S, starts_at=K.APPOINTMENTS,
                                                                          ends_at=K.APPOINTMENTS),
          _other("tenant_id id import_id staff_id"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
          "replaced at every fetch; removed with the import"),
    # -- the trust centre (trust/): members' ids on objections and acceptances; the DPA names the business --
    Store("subprocessor_objections", "trust", Activity.PRIVACY, _fields(S, objected_by=K.REFERENCE),
          _other("tenant_id announcement_id reason objected_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
          "while the tenant exists"),
    Store("dpa_acceptances", "trust", Activity.PRIVACY, _fields(S, accepted_by=K.REFERENCE),
          _other("tenant_id version accepted_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "while the tenant exists"),
    Store("dpa_versions", "trust", Activity.PRIVACY, _fields(B, document=K.CONTACT_DETAILS),
          _other("tenant_id version sha256 signature key_id generated_at"), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
          "while the tenant exists"),
    # -- the business ---------------------------------------------------------------------------------
    Store("tenant_settings", "tenancy", Activity.OPERATIONS,
          _fields(B, phone=K.CONTACT_DETAILS, email=K.CONTACT_DETAILS, address=K.CONTACT_DETAILS),
          _other("tenant_id business_name timezone language website opening_hours faqs assistant_persona "
                 "escalation_rules mfa_required public_base_url ai_accept_retention guard_threshold link_allow_list "
                 "widget_allowed_origins csat_enabled updated_at"),
          NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA, "while the tenant exists"),
    # -- holds no personal data -----------------------------------------------------------------------
    *(
        Store(table, domain, Activity.OPERATIONS, (), _other(columns), NO_CUSTOMER, Erasure.NOT_CUSTOMER_DATA,
              "while the tenant exists")
        for table, domain, columns in (
            ("tenants", "tenancy", "id name public_id created_at suspended_at suspension_reason"),
            ("services", "bookings", "tenant_id id name description duration_minutes price_cents currency active "
                                     "created_at"),
            ("staff_services", "bookings", "tenant_id staff_id service_id"),
            # Reminder timing and the no-show policy (migration 0035): the business's own words.
            ("booking_reminder_settings", "bookings", "tenant_id reminders_enabled hours_before no_show_policy "
                                                      "updated_at"),
            ("availability_rules", "bookings", "tenant_id id staff_id weekday start_time end_time"),
            # Holidays and special hours: the business's own labels ("Christmas Day"), never a person's.
            ("business_closures", "bookings", "tenant_id id label start_date end_date opens_at closes_at "
                                              "repeats_yearly created_at updated_at"),
            ("tenant_data_keys", "crypto", "tenant_id version wrapped_key root_key_id state encryptions created_at "
                                           "rewrapped_at"),
            ("integration_credentials", "integrations", "tenant_id id kind name ciphertext key_version last4 metadata "
                                                        "created_at rotated_at previous_ciphertext "
                                                        "previous_valid_until"),
            ("webhook_endpoints", "webhooks", "tenant_id id url description event_types active disabled_reason "
                                              "credential_id shares_personal_data created_at updated_at"),
            ("audit_heads", "audit", "tenant_id last_seq last_hash"),
            # Incident response (incidents/): operator-level records and what each business was told. The
            # timeline and notices describe systems and data categories, never a customer's data.
            ("incident_notifications", "incidents", "tenant_id id incident_id title severity categories aware_at "
                                                    "window_start window_end body notified_at"),
            ("incidents", "incidents", "id title severity status owner tenant_ids notified_tenant_ids categories "
                                       "aware_at window_start window_end regulator_due_at tenants_due_at "
                                       "contained_at regulator_notified_at closed_at review trigger_key reminders "
                                       "created_at updated_at"),
            ("incident_entries", "incidents", "incident_id seq at kind actor body"),
            ("audit_checkpoints", "audit", "tenant_id seq head_hash sealed_at key_id signature"),
            # Which months of the audit log were removed, and the digest of the export that holds them.
            ("audit_pruned_ranges", "audit", "tenant_id first_seq last_seq first_month last_month events "
                                             "checkpoint_hash export_sha256 export_name pruned_at"),
            ("procrastinate_events", "jobs", "id job_id type at"),
            ("procrastinate_periodic_defers", "jobs", "id task_name defer_timestamp job_id periodic_id"),
            ("procrastinate_workers", "jobs", "id last_heartbeat"),
            ("alembic_version", "migrations", "version_num"),
            # Companies, not people: the register names subprocessors; announced_by is the operator's account.
            ("subprocessor_changes", "trust", "tenant_id id occurred_at change subprocessor_key name purpose "
                                              "location data_categories reason"),
            ("subprocessor_announcements", "trust", "id name purpose location data_categories effective_on "
                                                    "announced_at announced_by"),
            # The business's ready-made replies (migration 0034_inbox_tools): its own wording, not a customer's.
            ("canned_responses", "conversations", "tenant_id id title body shortcut created_at updated_at"),
            # The business's own SMTP sender and inbound e-mail channels (migration 0039): its addresses and
            # servers, not a customer's; the secrets are vault credentials.
            ("tenant_mail_senders", "mail", "tenant_id host port security username from_address credential_id "
                                            "updated_at"),
            ("email_channels", "channels", "tenant_id id address credential_id created_at"),
            ("privacy_settings", "privacy", "tenant_id conversation_days contact_inactive_days booking_days "
                                            "delivery_log_days job_days session_days network_metadata_days "
                                            "audit_months request_evidence_days regime updated_at"),
        )
    ),
)


def store(table: str) -> Store:
    for candidate in STORES:
        if candidate.table == table:
            return candidate
    raise KeyError(table)


def customer_stores() -> list[Store]:
    """The stores a customer's export and erasure must reach."""
    return [s for s in STORES if any(f.subject is DataSubject.CUSTOMER for f in s.personal)]
