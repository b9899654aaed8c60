"""Probes and metrics for the people and load balancers who run the platform.

``/api/health`` and ``/api/health/live`` say the process answers (no database touched);
``/api/health/ready`` says whether it can serve: the database answers, its schema is at the
newest revision, and the start-up aggregates are warm. A failed check is a 503 naming it, so a
load balancer stops sending traffic to a worker that would answer 500. Each answers HEAD too.
``/metrics`` is Prometheus text for the operator, or for a scraper on the loopback address.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..access import Permission, Principal, authorise
from ..errors import ConfigError
from ..ledger import require_current
from .answers import api_router
from .answers.platform import HealthAnswer, ReadyAnswer
from .openapi import answers
from .platform import PlatformDep
from .principals import principal

router = api_router(prefix="")
LOOPBACK = frozenset({"127.0.0.1", "::1"})


@router.get("/api/health", tags=["platform"])
async def health(request: Request) -> HealthAnswer:
    """Liveness, without touching the database; ``warm`` once the start-up aggregates
    (statistics, double-publicity counts) are computed. Readiness is ``/api/health/ready``."""
    return HealthAnswer.model_validate({"status": "ok", "warm": request.app.state.platform.warmed})


@router.get("/api/health/live", tags=["platform"])
async def live(request: Request) -> HealthAnswer:
    """Liveness (as ``/api/health``): the process answers; no database is touched."""
    return HealthAnswer.model_validate(await health(request))


@router.get(
    "/api/health/ready",
    tags=["platform"],
    responses={
        200: {"model": ReadyAnswer},
        503: {"description": "a check failed; `checks` names it"},
    },
)
def ready(p: PlatformDep) -> JSONResponse:
    """Ready to serve: the database answers, its schema is current, the caches are warm."""
    checks: dict[str, str] = {}
    try:
        with p.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except sa.exc.SQLAlchemyError as exc:
        checks["database"] = f"unreachable: {type(getattr(exc, 'orig', None) or exc).__name__}"
    if checks["database"] == "ok":
        try:
            require_current(p.engine)
            checks["migrations"] = "ok"
        except ConfigError as exc:
            checks["migrations"] = exc.code
    checks["caches"] = "ok" if p.warmed else "warming"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ok else "not-ready", "checks": checks}, 200 if ok else 503
    )


@router.get(
    "/metrics",
    tags=["platform"],
    response_class=Response,
    responses=answers(401, 403, 429),
    openapi_extra={"security": [{"bearer": []}, {"session": []}, {}]},
)
async def metrics(request: Request, p: PlatformDep) -> Response:
    """Prometheus metrics: requests by route and status, latency, screening outcomes, dispatch
    lag, deliveries and quarantine, the screening index's age. For the operator role, or any
    caller on the loopback address when ``XINYONG_METRICS_FROM_LOOPBACK`` is on."""
    from starlette.concurrency import run_in_threadpool

    from .metrics import CONTENT_TYPE, exposition

    who: Principal = await principal(request, p)
    if not (p.settings.metrics_from_loopback and who.client in LOOPBACK):
        authorise(who, Permission.READ_METRICS)
    body = await run_in_threadpool(exposition, p)
    return Response(body, media_type=CONTENT_TYPE)


# HEAD, as load balancers probe: the same answers without a body (not in the OpenAPI document,
# where a second method of one route would repeat its operation id)
for _path, _endpoint in (
    ("/api/health", health),
    ("/api/health/live", live),
    ("/api/health/ready", ready),
):
    router.add_api_route(_path, _endpoint, methods=["HEAD"], include_in_schema=False)
