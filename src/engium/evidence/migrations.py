"""Schema migrations: what the database has applied (``alembic_version``) against what the code ships.

Operator-level and the same for every tenant: read through ``Database.schema_status`` (the owner role,
which owns ``alembic_version``), with every shipped revision's id, parent and title.
"""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import PlatformScope
from engium.kit.database import MIGRATIONS_DIR


def shipped() -> list[dict[str, object]]:
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    revisions: list[dict[str, object]] = []
    for revision in reversed(list(script.walk_revisions())):
        title = (revision.doc or "").strip().splitlines()
        revisions.append({"revision": revision.revision, "down_revision": revision.down_revision,
                          "title": title[0] if title else "", "file": revision.path.rsplit("/", 1)[-1]})
    return revisions


def collect(scope: PlatformScope) -> list[EvidenceFile]:
    status = scope.database.schema_status()
    return [json_file("migrations.json", {
        "as_of": scope.now.isoformat(),
        "applied_heads": list(status.current), "code_heads": list(status.heads),
        "pending": list(status.pending), "unknown_to_this_code": list(status.unknown),
        "schema_matches_code": status.matches, "shipped_revisions": shipped(),
    })]
