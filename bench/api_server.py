"""An import-string app factory for the throughput benchmark, so uvicorn can run several workers.

    uvicorn api_server:app_factory --factory --app-dir bench --workers 2

Reads the usual ``ENGIUM_*`` settings; the benchmark points ``ENGIUM_DATABASE_URL`` and
``ENGIUM_OWNER_DATABASE_URL`` at the embedded PostgreSQL it started, so every worker attaches to the same
server exactly as a production deployment would attach to an external one.
"""

from __future__ import annotations

from fastapi import FastAPI

from engium.app import create_app
from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime


def app_factory() -> FastAPI:
    settings = Settings()
    if settings.database_url is None or settings.owner_database_url is None:
        raise RuntimeError("the benchmark server needs ENGIUM_DATABASE_URL and ENGIUM_OWNER_DATABASE_URL")
    database = Database.open(
        app_url=settings.database_url.get_secret_value(),
        owner_url=settings.owner_database_url.get_secret_value(),
        data_dir=settings.resolved_data_dir,
        pool_size=settings.db_pool_size,
    )
    return create_app(Runtime(settings=settings, database=database))
