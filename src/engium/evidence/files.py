"""What a section produces: named files with their bytes, JSON written one canonical way."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Archive paths are plain relative names: no "..", no absolute paths, nothing a careless unzip could misplace.
_PATH = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")


@dataclass(frozen=True)
class EvidenceFile:
    path: str
    content: bytes

    def __post_init__(self) -> None:
        if not _PATH.fullmatch(self.path) or ".." in self.path:
            raise ValueError(f"not an archive path: {self.path!r}")


def _plain(value: Any) -> Any:
    # Times in ISO 8601 ("2026-05-01T09:00:00+00:00"), as everywhere else in Engium's exports.
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def json_file(path: str, data: Any) -> EvidenceFile:
    """Sorted keys and a fixed indent, so the same records always give the same bytes (and hash)."""
    text = json.dumps(data, sort_keys=True, indent=2, default=_plain, ensure_ascii=False) + "\n"
    return EvidenceFile(path, text.encode("utf-8"))
