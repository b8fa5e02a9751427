"""Backup and restore beside pg_dump and pg_restore of the same PostgreSQL database.

``make bench`` runs it on its 16x database. On its own it times any PostgreSQL
database whose name contains "bench" (it creates and drops databases named after
it for the restores):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_demo_bench \\
        .venv/bin/python benchmarks/backup_restore.py

It prints the seconds and peak memory of ``manage.py backup`` and ``manage.py
restore`` (into a freshly migrated database, as the command expects), of
``pg_dump -Fc`` and of ``pg_restore`` (into an empty database), and the ratios.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESTORE_TARGET_RATIO = 3.0


def _database_url_with_name(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _admin_sql(url: str, statement: str) -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def _timed(command: list[str], environment: dict) -> tuple[float, float]:
    """Run a command; its wall seconds and peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def _libpq_arguments(url: str) -> list[str]:
    import dj_database_url

    config = dj_database_url.parse(url)
    arguments = ["--host", config.get("HOST") or "127.0.0.1", "--port", str(config.get("PORT") or 5432)]
    if config.get("USER"):
        arguments += ["--username", config["USER"]]
    return arguments


def backup_restore_timings(database_url: str, environment: dict) -> dict:
    import dj_database_url

    name = dj_database_url.parse(database_url)["NAME"]
    if "bench" not in name:
        raise SystemExit(
            f"The benchmark creates and drops databases named after {name!r}: use a 'bench' one."
        )
    portal_target = f"{name}_restore_portal"
    pg_target = f"{name}_restore_pg"
    manage = [sys.executable, "manage.py"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="portal-bench-backup-") as folder:
        backup_file = Path(folder) / "portal.zip"
        dump_file = Path(folder) / "portal.dump"
        source = environment | {"DATABASE_URL": database_url}
        results["backup"] = _timed([*manage, "backup", str(backup_file)], source)
        results["pg_dump"] = _timed(
            ["pg_dump", "-Fc", "-f", str(dump_file), *_libpq_arguments(database_url), name], source
        )
        try:
            for target in (portal_target, pg_target):
                _admin_sql(database_url, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
                _admin_sql(database_url, f'CREATE DATABASE "{target}"')
            target_url = _database_url_with_name(database_url, portal_target)
            restored = environment | {"DATABASE_URL": target_url}
            subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=restored, check=True)
            results["restore"] = _timed([*manage, "restore", str(backup_file)], restored)
            results["pg_restore"] = _timed(
                [
                    "pg_restore",
                    "--no-owner",
                    "-d",
                    pg_target,
                    *_libpq_arguments(database_url),
                    str(dump_file),
                ],
                source,
            )
        finally:
            for target in (portal_target, pg_target):
                _admin_sql(database_url, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        results["sizes"] = {"backup": backup_file.stat().st_size, "pg_dump": dump_file.stat().st_size}
    return results


def print_backup_restore(results: dict) -> None:
    print("\nBackup and restore beside pg_dump and pg_restore (seconds, peak memory)")
    for step in ("backup", "pg_dump", "restore", "pg_restore"):
        seconds, megabytes = results[step]
        print(f"  {step:<11} {seconds:8.2f} s {megabytes:8.0f} MB")
    backup_ratio = results["backup"][0] / results["pg_dump"][0]
    restore_ratio = results["restore"][0] / results["pg_restore"][0]
    verdict = "within" if restore_ratio <= RESTORE_TARGET_RATIO else "OVER"
    print(f"  backup / pg_dump:     {backup_ratio:.1f}x")
    print(f"  restore / pg_restore: {restore_ratio:.1f}x ({verdict} the {RESTORE_TARGET_RATIO:.0f}x target)")
    sizes = results["sizes"]
    print(f"  files: backup {sizes['backup'] / 1e6:.1f} MB, pg_dump {sizes['pg_dump'] / 1e6:.1f} MB")


def main():
    database_url = os.environ.get("BENCH_DATABASE_URL")
    if not database_url:
        raise SystemExit("Set BENCH_DATABASE_URL to the PostgreSQL database to time.")
    environment = dict(os.environ)
    environment.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x1y2z3" * 8)
    environment.setdefault("DEBUG", "false")
    environment.pop("REDIS_URL", None)
    environment["LOG_LEVEL"] = "WARNING"
    print_backup_restore(backup_restore_timings(database_url, environment))


if __name__ == "__main__":
    main()
