from rest_framework.throttling import SimpleRateThrottle


class PerTokenRateThrottle(SimpleRateThrottle):
    """Against bulk extraction: each token (or, in the browser, each user) has its own
    budget of requests per hour."""

    scope = "api"

    def get_cache_key(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        token = request.auth
        ident = f"token-{token.pk}" if hasattr(token, "pk") else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
