from tests.subprocesses import run_manage, run_python

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
    "ALLOWED_HOSTS": "crm.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_refuses_to_start_without_a_secret_key():
    environment = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}

    result = run_python("import django; django.setup()", **environment)

    assert result.returncode != 0
    assert "SECRET_KEY is required when DJANGO_ENV=production" in result.stderr


def test_production_refuses_to_start_without_a_broker():
    environment = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}

    result = run_python("import django; django.setup()", **environment)

    assert result.returncode != 0
    assert "REDIS_URL is required" in result.stderr


def test_the_page_cache_is_on_with_redis_and_refused_without_it():
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.PAGE_CACHE)"
    )

    with_redis = run_python(code, REDIS_URL="redis://127.0.0.1:6379/0")
    without = run_python(code)
    asked_without = run_python(code, PAGE_CACHE="true")

    assert with_redis.stdout.strip() == "True"
    assert without.stdout.strip() == "False"
    assert asked_without.returncode != 0
    assert "PAGE_CACHE needs REDIS_URL" in asked_without.stderr


def test_lists_must_count_at_least_a_thousand_rows():
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.LIST_ROWS_COUNTED)"

    default = run_python(code)
    too_few = run_python(code, LIST_ROWS_COUNTED="30")

    assert default.stdout.strip() == "10000"
    assert too_few.returncode != 0
    assert "LIST_ROWS_COUNTED is 30; lists must count at least 1,000 rows." in too_few.stderr


def test_an_unknown_environment_name_is_refused():
    result = run_python("import django; django.setup()", DJANGO_ENV="staging")

    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def test_the_deployment_checklist_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_turns_debug_off_and_cookies_secure():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.PASSWORD_HASHERS[0].rsplit('.', 1)[-1])",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "Argon2PasswordHasher",
    ]


def test_development_needs_no_environment_at_all():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "msl_crm.db.sqlite3", "True"]


def test_with_redis_sessions_are_read_from_the_cache_and_without_it_from_the_database():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_ENGINE)"
    )
    with_redis = run_python(code, REDIS_URL="redis://127.0.0.1:6379/0")
    without = run_python(code)

    assert with_redis.stdout.strip() == "django.contrib.sessions.backends.cached_db"
    # A per-process cache would keep an ended session alive in the other processes.
    assert without.stdout.strip() == "django.contrib.sessions.backends.db"


def test_postgresql_connections_plan_for_a_web_app():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['OPTIONS']['options'])",
        DATABASE_URL="postgresql://user:secret@db.example.org:5432/crm",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["-c", "jit=off", "-c", "random_page_cost=1.1"]
