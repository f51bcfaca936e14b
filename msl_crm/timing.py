"""For the benchmark: how long the server spent on a request and how many queries it made,
in the response headers. Only installed when SERVER_TIMING is on (never by default: the
figures tell an attacker about the server)."""

import time

from django.db import connection

from . import page_cache


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        began = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - began) * 1000
        response["Server-Timing"] = (
            f'app;dur={elapsed:.2f}, db;desc="{queries} queries", '
            f'cache;desc="{page_cache.outcome(request)}"'
        )
        response["X-Query-Count"] = str(queries)
        return response
