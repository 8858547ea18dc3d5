"""The reference server as an ASGI app, for either profile, with its mutants (one, or a pair: `A+B`) and at most one
variation.

It answers every request with JSON, including unknown paths, other methods
and crashes, and never 422. The steps are in `server.py` and `store.py`;
mutants and variations are patched onto them by `variants.py`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.dataset import Dataset
from conformance.profiles import check_profile
from reference.server import SERVERS
from reference.store import Store
from reference.variants import choose


def create_app(dataset: Dataset, profile: str, mutant: str | None = None, variation: str | None = None) -> Starlette:
    """Raises UnknownSwitch for a mutant or variation not declared for `profile`."""
    chosen = choose(check_profile(profile), mutant, variation)
    server = chosen.applied(SERVERS[profile])(chosen.applied(Store)(dataset))

    async def get_messages(request: Request) -> Response:
        return await server.answer(request)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)  # unknown path (404), other method (405)
        return server.respond_error(exc.status_code, exc.detail, exc.headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        return server.respond_error(500, "Internal Server Error")

    app = Starlette(
        routes=[Route(server.path, get_messages, methods=["GET"])],
        middleware=server.middleware(),
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.router.redirect_slashes = False  # a redirect would be a non-JSON answer; a trailing slash is a 404
    return app
