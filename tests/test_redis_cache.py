"""The Redis cache backend: Django's, with one client per server shared by every call."""

from django.core.cache import caches


def test_the_cache_keeps_values_through_one_shared_client(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "msl_crm.redis_cache.RedisCache", "LOCATION": redis_url}
    }
    cache = caches["default"]
    cache.set("redis-cache-test", {"a": 1}, 30)
    cache.set_many({"redis-cache-test-2": 2}, 30)

    assert cache.get("redis-cache-test") == {"a": 1}
    assert cache.get_many(["redis-cache-test", "redis-cache-test-2"]) == {
        "redis-cache-test": {"a": 1},
        "redis-cache-test-2": 2,
    }
    cache.delete_many(["redis-cache-test", "redis-cache-test-2"])
    assert cache.get("redis-cache-test") is None
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
