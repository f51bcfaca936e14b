"""Run the project in a separate Python process with its own environment.

Some behaviours only show at process start or against a service that is really down:
settings refusing to load, a readiness probe facing an unreachable database.
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Variables a developer or CI may have set that would leak into the child's configuration.
PROJECT_VARIABLES = (
    "DJANGO_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "PAGE_CACHE",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in PROJECT_VARIABLES}
    env.update(environment)
    env.setdefault("DJANGO_SETTINGS_MODULE", "msl_crm.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **environment,
    )
