"""Django's Redis cache with one redis-py client per server instead of one per call.

Django makes a new client for every cache call, and a client copies its table of reply
handlers when made: about 65 µs, paid several times by every page (the session, the page
cache's generations, the compliance rules) and by every save. Django gives each thread its
own cache object, so each thread keeps its own client; the connections come from the
pool either way."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
