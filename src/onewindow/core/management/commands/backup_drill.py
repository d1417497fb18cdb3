"""`onewindow backup_drill`: dump the PostgreSQL database with pg_dump, restore it into a fresh database,
and check that every table has the same number of rows. Prints one line per table that differs and a
summary; exits non-zero on any difference. Use it to prove backups restore (see docs/operations.md)."""

import os
import subprocess
import tempfile
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from psycopg.conninfo import make_conninfo


def _conninfo(db: Any, name: str | None = None) -> dict[str, str]:
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
        "dbname": name or db["NAME"],
    }


def _dsn(info: dict[str, str]) -> str:
    return make_conninfo(**{k: v for k, v in info.items() if v})


def _row_counts(info: dict[str, str]) -> dict[str, int]:
    with psycopg.connect(_dsn(info)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
        counts: dict[str, int] = {}
        for t in tables:
            row = conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            counts[t] = int(row[0]) if row else 0
        return counts


class Command(BaseCommand):
    help = "Dump, restore into a scratch database and compare row counts (PostgreSQL only)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", action="store_true", help="keep the scratch database and the dump file")
        parser.add_argument("--dump-file", default="", help="where to write the dump (default: a temporary file)")

    def handle(self, *args: object, **options: object) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("backup_drill needs PostgreSQL (DATABASE_URL=postgres://…)")
        source = _conninfo(db)
        scratch_name = f"{source['dbname']}_restore_drill"
        env = {**os.environ, "PGPASSWORD": source["password"]}
        common = ["-h", source["host"], "-p", source["port"], "-U", source["user"]]
        dump_path = str(options["dump_file"]) or tempfile.mktemp(suffix=".dump", prefix="onewindow-")
        subprocess.run(["pg_dump", *common, "-Fc", "-f", dump_path, source["dbname"]], check=True, env=env)
        admin = {**source, "dbname": "postgres"}
        with psycopg.connect(_dsn(admin), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch_name}"')
            conn.execute(f'CREATE DATABASE "{scratch_name}"')
        try:
            subprocess.run(["pg_restore", *common, "--no-owner", "-d", scratch_name, dump_path], check=True, env=env)
            before = _row_counts(source)
            after = _row_counts({**source, "dbname": scratch_name})
        finally:
            if not options["keep"]:
                with psycopg.connect(_dsn(admin), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{scratch_name}"')
                os.unlink(dump_path)
        differing = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
        for table in sorted(differing):
            self.stdout.write(f"DIFFERS {table}: {before.get(table)} → {after.get(table)}")
        total = sum(before.values())
        self.stdout.write(f"backup drill: {len(before)} tables, {total} rows dumped and restored, {len(differing)} differ")
        if differing:
            raise CommandError("restored database differs from the source")
