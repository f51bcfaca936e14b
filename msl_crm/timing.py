"""For the benchmark: how long the server spent on a request, how much of it waiting on the
database, and how many queries it made, in the response headers. Only installed when
SERVER_TIMING is on (never by default: the figures tell an attacker about the server)."""

import time

from django.db import connection

from . import page_cache


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0
        in_database = 0.0

        def count(execute, sql, params, many, context):
            nonlocal queries, in_database
            queries += 1
            # On PostgreSQL the statement is planned, run and its rows received before
            # execute returns: what the page would cost with no Python of its own. Not
            # counted: rows fetched after it, from a server-side cursor (Django's choices
            # of a model select) or from SQLite, which computes rows as they are fetched.
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_database += time.perf_counter() - began

        began = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - began) * 1000
        response["Server-Timing"] = (
            f'app;dur={elapsed:.2f}, db;dur={in_database * 1000:.2f};desc="{queries} queries", '
            f'cache;desc="{page_cache.outcome(request)}"'
        )
        response["X-Query-Count"] = str(queries)
        return response
