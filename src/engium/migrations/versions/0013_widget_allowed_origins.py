"""The embeddable widget: per-tenant allowed origins, and the details a visitor states for a booking.

Revision ID: 0013
Revises: 0012

* ``tenant_settings.widget_allowed_origins``: the websites (``scheme://host[:port]``, as a browser
  serialises its ``Origin`` header) that may call the widget API from a browser. Empty: none may.
  Requests without an ``Origin`` (servers, curl) are not browsers and are unaffected (ADR 0017).
* Two resolvers that run before any tenant is bound, SECURITY DEFINER and owned by ``engium_auth``
  like ``widget_tenant()``, each answering one boolean and nothing else:
  ``widget_origin_allowed(key, origin)`` (does the tenant holding this widget key list this origin?)
  decides every cross-origin widget request; ``widget_origin_listed(origin)`` (does any tenant list
  it?) answers a CORS preflight, which carries no header values and so no widget key. ``engium_auth``
  sees two columns of the settings rows that list an origin, nothing else.
* ``contacts.unverified_phone`` / ``unverified_email``: what a widget visitor typed into the details
  form before a booking. Kept apart from ``phone``/``email`` on purpose: those identify a contact (an
  SMS from a number lands on the contact holding it, and a verified customer may read that contact's
  bookings), so a claim nobody has confirmed must never become one. Not unique: two visitors may type
  the same number. A one-time code will later promote a confirmed number.
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# One origin: http(s), a lower-case DNS name or IPv4 address or a bracketed IPv6 address, and a port
# other than the scheme's default (browsers omit that one). array_to_string skips NULLs: checked apart.
ORIGIN = r"https?://([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(:[0-9]{1,5})?"

SCHEMA = f"""
alter table tenant_settings
    add column widget_allowed_origins text[] not null default '{{}}'
        check (cardinality(widget_allowed_origins) <= 50
               and array_position(widget_allowed_origins, null) is null
               and array_to_string(widget_allowed_origins, ' ') ~ '^({ORIGIN}( |$))*$');
-- The preflight resolver looks an origin up across tenants.
create index tenant_settings_widget_origins_idx on tenant_settings using gin (widget_allowed_origins);

alter table contacts
    add column unverified_phone text check (unverified_phone ~ '^\\+[1-9][0-9]{{6,14}}$'),
    add column unverified_email text check (length(unverified_email) between 3 and 320);
"""

FUNCTIONS = """
create function widget_origin_allowed(p_widget_key text, p_origin text) returns boolean
language sql stable security definer set search_path = pg_catalog, public as $$
    select coalesce(bool_or(s.widget_allowed_origins @> array[p_origin]), false)
      from public.tenant_settings s
     where s.tenant_id = public.widget_tenant(p_widget_key)
       and length(p_origin) <= 300
$$;

create function widget_origin_listed(p_origin text) returns boolean
language sql stable security definer set search_path = pg_catalog, public as $$
    select exists (
        select 1 from public.tenant_settings s
         where s.widget_allowed_origins @> array[p_origin] and length(p_origin) <= 300
    )
$$;
"""

FUNCTION_SIGNATURES = ("widget_origin_allowed(text, text)", "widget_origin_listed(text)")


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute(
        "create policy widget_origin_resolver on tenant_settings for select to engium_auth "
        "using (cardinality(widget_allowed_origins) > 0)"
    )
    op.execute("grant select (tenant_id, widget_allowed_origins) on tenant_settings to engium_auth")
    op.execute(FUNCTIONS)
    for signature in FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    op.execute("revoke select (tenant_id, widget_allowed_origins) on tenant_settings from engium_auth")
    op.execute("drop policy if exists widget_origin_resolver on tenant_settings")
    op.execute("alter table contacts drop column if exists unverified_phone, drop column if exists unverified_email")
    op.execute("drop index if exists tenant_settings_widget_origins_idx")
    op.execute("alter table tenant_settings drop column if exists widget_allowed_origins")
