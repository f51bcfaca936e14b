"""`python manage.py verify_audit` as an operator runs it: a real process, a real exit code."""

import sqlite3

from tests.subprocesses import run_manage


def test_the_command_exits_non_zero_naming_the_broken_entry(tmp_path):
    database = tmp_path / "audit.sqlite3"
    environment = {"DATABASE_URL": f"sqlite:///{database}", "DEMO_PASSWORD": "demo-password-cli"}
    assert run_manage("migrate", "--no-input", **environment).returncode == 0
    assert run_manage("seed_demo", **environment).returncode == 0

    intact = run_manage("verify_audit", **environment)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE compliance_auditentry SET object_repr = 'forged' WHERE sequence = 3")
    broken = run_manage("verify_audit", **environment)

    assert intact.returncode == 0, intact.stderr
    assert "Audit trail intact" in intact.stdout
    assert broken.returncode == 1
    assert "Audit trail broken at entry #3" in broken.stderr
