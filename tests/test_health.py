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
    # The reason goes to the log, not to whoever can reach the probe.
    assert answer["body"]["checks"]["database"] == "unreachable"


def test_readyz_fails_naming_the_broker_in_production_when_redis_is_down(tmp_path):
    answer = probe(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 64,
        DATABASE_URL=f"sqlite:///{tmp_path / 'ready.sqlite3'}",
        REDIS_URL=UNREACHABLE_REDIS,
    )

    assert answer["status"] == 503
    assert answer["body"]["failed"] == ["broker"]
    assert answer["body"]["checks"] == {"database": "ok", "broker": "unreachable"}


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


def test_probes_answer_over_plain_http_with_any_host_in_production(tmp_path):
    """The container health check calls http://127.0.0.1:8000/healthz: no redirect to
    HTTPS, no 400 for a host outside ALLOWED_HOSTS."""
    code = """
import django, json
django.setup()
from django.test import Client
response = Client().get('/healthz', HTTP_HOST='127.0.0.1:8000')
print(json.dumps({'status': response.status_code, 'body': json.loads(response.content)}))
"""
    result = run_python(
        code,
        DJANGO_ENV="production",
        SECRET_KEY="x" * 64,
        ALLOWED_HOSTS="crm.example.org",
        REDIS_URL=UNREACHABLE_REDIS,
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "status": 200,
        "body": {"status": "ok"},
    }


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
