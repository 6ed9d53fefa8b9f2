"""The process's :class:`~engium.runtime.Runtime` as a route finds it on the app.

Routes in the domains read it through this function instead of importing ``engium.runtime``: the
runtime is the composition root that wires the domains together, so a domain importing it would close
an import cycle. The import below is for the type checker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

if TYPE_CHECKING:
    from engium.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime
