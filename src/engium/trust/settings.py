"""The operator's own subprocessors (``ENGIUM_SUBPROCESSORS``, a JSON list) and the notice period for new
ones (``ENGIUM_SUBPROCESSOR_NOTICE_DAYS``).

The default describes a self-hosted deployment honestly: the only party that receives the data is whoever
runs the server and its database. An operator who hosts with a cloud provider, sends e-mail through a
service or keeps off-site backups declares each one here.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Categories of the personal-data map (privacy/data_map.py Category). A literal copy, because the register
# sits below privacy in the import graph; tests/trust checks both lists are the same.
CATEGORIES = ("identity", "contact_details", "communications", "appointments", "network", "reference",
              "credentials", "consent", "requests")
DEFAULT_NOTICE_DAYS = 30


class OperatorSubprocessor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=500)
    location: str = Field(min_length=1, max_length=200)
    data_categories: tuple[str, ...] = Field(min_length=1)
    # When the operator started using it; unknown for the defaults ("since this deployment began").
    since: date | None = None

    @field_validator("data_categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown data categories {unknown}; use {list(CATEGORIES)}")
        return tuple(sorted(set(value)))


DEFAULT_SUBPROCESSORS: tuple[OperatorSubprocessor, ...] = (
    OperatorSubprocessor(
        name="The operator of this Engium deployment",
        purpose="Hosting: runs the application, its PostgreSQL database and their backups (self-hosted; no "
                "further subprocessor is declared by the operator)",
        location="Wherever the operator runs the server (not declared: set ENGIUM_SUBPROCESSORS)",
        data_categories=CATEGORIES,
    ),
)
