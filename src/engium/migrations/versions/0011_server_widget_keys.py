"""Public widget keys come from the server; a key already held by several tenants goes to its first holder.

Revision ID: 0011
Revises: 0010

Until now a tenant chose its widget's public key, so a tenant could register another's key (it is in the
victim's page source) and ``widget_tenant()``, which rightly resolves an ambiguous key to nothing, turned
every request of the victim's widget into a 401. The API now generates every key
(``integrations/widget_keys.py``) and refuses one from the client. For keys already held by more than
one tenant, the tenant whose widget credential was created first keeps the key (its page was published
first); every other holder's credential gets a fresh random key, which its owner reads from
``GET /api/v1/integrations`` and puts in its page. Keys held by one tenant only are left as they are.

``integration_credentials`` forces row-level security, which hides every row from the schema owner
running this migration; a policy for the owner on widget credentials exists only inside this
migration's transaction. The fresh key has the shape of the API's: ``wk_`` and 32 URL-safe characters
drawn from two random UUIDs (over 180 random bits).
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FRESH_KEY = (
    "'wk_' || substr(translate(encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'base64'), "
    "'+/=', '-_'), 1, 32)"
)

REKEY_SHARED_WIDGET_KEYS = f"""
create policy widget_key_migration on integration_credentials for all to current_user
    using (kind = 'widget') with check (kind = 'widget');

with holders as (
    select tenant_id, id,
           first_value(tenant_id) over (
               partition by metadata ->> 'public_widget_key' order by created_at, id
           ) as first_holder
      from integration_credentials
     where kind = 'widget' and metadata ->> 'public_widget_key' is not null
)
update integration_credentials c
   set metadata = jsonb_set(c.metadata, '{{public_widget_key}}', to_jsonb({FRESH_KEY}))
  from holders h
 where c.tenant_id = h.tenant_id and c.id = h.id and h.tenant_id <> h.first_holder;

drop policy widget_key_migration on integration_credentials;
"""


def upgrade() -> None:
    op.execute(REKEY_SHARED_WIDGET_KEYS)


def downgrade() -> None:
    # Nothing to undo: the replaced keys were copies that no widget could use, and the schema is unchanged.
    pass
