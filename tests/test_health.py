import json

import pytest

from tests.subprocesses import run_python

# Asks /readyz from inside a fresh process whose settings point at the given services.
PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get('/readyz', HTTP_HOST='localhost', secure=True)
print(json.dumps({'status': response.status_code, 'body': json.loads(response.content)}))
"""
UNREACHABLE_POSTGRES = "postgresql://nobody@127.0.0.1:9/unreachable?connect_timeout=2"
UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"


def probe(**environment):
    result = run_python(PROBE, ALLOWED_HOSTS="localhost", **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_readyz_fails_naming_the_database_when_it_is_unreachable(tmp_path):
    answer = probe(DATABASE_URL=UNREACHABLE_POSTGRES)

    assert answer["status"] == 503
    assert answer["body"]["status"] == "unavailable"
    assert answer["body"]["failed"] == ["database"]
    assert answer["body"]["checks"]["database"].startswith("error: OperationalError")


def test_readyz_fails_naming_the_broker_in_production_when_redis_is_down(tmp_path):
    answer = probe(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 64,
        DATABASE_URL=f"sqlite:///{tmp_path / 'ready.sqlite3'}",
        REDIS_URL=UNREACHABLE_REDIS,
    )

    assert answer["status"] == 503
    assert answer["body"]["failed"] == ["broker"]
    assert answer["body"]["checks"]["database"] == "ok"


def test_readyz_checks_the_real_broker_when_one_is_configured(tmp_path, redis_url):
    answer = probe(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 64,
        DATABASE_URL=f"sqlite:///{tmp_path / 'ready.sqlite3'}",
        REDIS_URL=redis_url,
    )

    assert answer == {
        "status": 200,
        "body": {"status": "ok", "checks": {"database": "ok", "broker": "ok"}},
    }
