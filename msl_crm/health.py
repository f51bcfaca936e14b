"""Liveness and readiness probes for load balancers and orchestrators.

They are answered by a middleware placed before everything else: an orchestrator probes
over plain HTTP with whatever Host header it likes, and neither the HTTPS redirect nor host
validation nor sessions should stand between it and the answer.
"""

import logging

from django.conf import settings
from django.db import connections
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

from .celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {"/healthz": healthz, "/readyz": readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = probe(request)
        add_never_cache_headers(response)
        return response


def healthz(request):
    """The process is alive; says nothing about what it depends on."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready to serve: the database answers, and the broker does when one is configured."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker()
    failed = sorted(name for name, result in checks.items() if result != "ok")
    body = {"status": "unavailable" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


def _check_database() -> str:
    try:
        for alias in connections:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception:  # any failure means not ready; the body says which, the log says why
        logger.exception("Readiness: the database did not answer")
        return "unreachable"
    return "ok"


def _check_broker() -> str:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:  # any failure means not ready; the body says which, the log says why
        logger.exception("Readiness: the broker did not answer")
        return "unreachable"
    return "ok"
