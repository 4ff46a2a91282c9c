"""The database's part of a backup: a consistent copy while the site runs, and putting it back.

- SQLite: the online backup API (`sqlite3.Connection.backup`), page by page in one step under a read
  lock — writers go on in WAL mode; restore copies the pages back over the database in one step.
- PostgreSQL: `pg_dump --format=custom` (one snapshot) and, to restore, `pg_restore` turned into SQL
  and run by `psql` in a single transaction together with dropping what the database held: the
  restore happens whole or not at all. The client tools must be of the server's major version.
  The connection comes from DATABASE_URL through libpq's environment (PGHOST, PGUSER, …); a password
  goes in PGPASSWORD, never on a command line.

Never `dumpdata`/`loaddata`: JSON cuts timestamps to milliseconds and the journal's chain then fails
(backup/tests/test_dumpdata_breaks_the_chain.py).
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

from .manifest import BackupError

# Tables a freshly migrated database already fills (Django's own bookkeeping): rows there are not data.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}


def engine():
    """The engine of the default database: `SQLite` or `PostgreSQL` below."""
    if connection.vendor == "sqlite":
        return SQLite()
    if connection.vendor == "postgresql":
        return PostgreSQL()
    raise BackupError(_("Резервне копіювання вміє SQLite і PostgreSQL, а тут %(vendor)s.") % {"vendor": connection.vendor})


def table_with_data():
    """The name of the first table that holds data (beside Django's bookkeeping), or None."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in BOOKKEEPING:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                return table
    return None


def _outside_transaction():
    if connection.in_atomic_block:
        raise BackupError(_("Відновлення не можна запускати всередині транзакції."))


class SQLite:
    name = "sqlite"
    path = "database.sqlite3"

    def prepare(self):
        """On a new machine the database's folder may not exist yet."""
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)

    def dump(self, target):
        """Copy the live database into the new file `target`; returns details for the manifest."""
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            # One self-contained file (the copy would otherwise stay in WAL mode, with -wal and -shm beside it).
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        if verdict != "ok":
            raise BackupError(_("Копія бази даних не пройшла перевірку цілісності: %(verdict)s") % {"verdict": verdict})
        return {"sqlite_version": sqlite3.sqlite_version}

    def migrations(self, target):
        copy = sqlite3.connect(f"file:{target}?mode=ro&immutable=1", uri=True)
        try:
            return copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        finally:
            copy.close()

    def restore(self, source):
        """Replace the whole database with the copy in `source`, in one step."""
        _outside_transaction()
        connection.ensure_connection()
        copy = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
            connection.close()


def _major(version_text):
    match = re.search(r"\b(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else None


class PostgreSQL:
    name = "postgresql"
    path = "database.pgdump"

    def prepare(self):
        """The database itself must exist (createdb, as for `migrate`)."""

    def _env(self):
        """libpq's environment for the default database: host, port, user, name, password, SSL."""
        settings_dict = connection.settings_dict
        options = settings_dict.get("OPTIONS") or {}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        values = {
            "PGHOST": settings_dict.get("HOST"), "PGPORT": settings_dict.get("PORT"),
            "PGUSER": settings_dict.get("USER"), "PGDATABASE": settings_dict.get("NAME"),
            "PGPASSWORD": settings_dict.get("PASSWORD"), "PGSSLMODE": options.get("sslmode"),
            "PGSSLROOTCERT": options.get("sslrootcert"), "PGSSLCERT": options.get("sslcert"),
            "PGSSLKEY": options.get("sslkey"), "PGAPPNAME": "valiza-backup",
        }
        env.update({k: str(v) for k, v in values.items() if v})
        return env

    def _tool(self, name):
        """The path of a client tool of the server's major version, or BackupError saying what to install."""
        path = shutil.which(name)
        connection.ensure_connection()
        server = connection.pg_version // 10000
        if not path:
            raise BackupError(_("Немає програми %(tool)s: встановіть postgresql-client-%(major)d (Debian).")
                              % {"tool": name, "major": server})
        client = _major(subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout)
        if client != server:
            raise BackupError(_("%(tool)s версії %(client)s, а сервер PostgreSQL — %(server)d: встановіть "
                                "postgresql-client-%(server)d.") % {"tool": name, "client": client, "server": server})
        return path

    def _run(self, args, what):
        result = subprocess.run(args, env=self._env(), capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupError(_("%(what)s не вдалося: %(error)s") % {"what": what, "error": result.stderr.strip()[-2000:]})
        return result.stdout

    def dump(self, target):
        pg_dump = self._tool("pg_dump")
        self._run([pg_dump, "--format=custom", "--no-password", f"--file={target}"], "pg_dump")
        return {"server_version": connection.pg_version}

    def migrations(self, target):
        """The applied migrations, read from the dump itself (its django_migrations table)."""
        script = self._run([self._tool("pg_restore"), "--data-only", "--table=django_migrations", "--file=-",
                            str(target)], "pg_restore")
        rows, copying = [], False
        for line in script.splitlines():
            if line.startswith("COPY ") and "django_migrations" in line:
                columns = [c.strip().strip('"') for c in line[line.index("(") + 1:line.index(")")].split(",")]
                copying = True
            elif copying and line == "\\.":
                break
            elif copying:
                values = dict(zip(columns, line.split("\t"), strict=True))
                rows.append((int(values["id"]), values["app"], values["name"]))
        return [(app, name) for _id, app, name in sorted(rows)]

    def _drop_everything(self):
        """SQL that drops every table, view and sequence of the database's schema."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT viewname FROM pg_views WHERE schemaname = current_schema()")
            views = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            sequences = [r[0] for r in cursor.fetchall()]
        statements = [f"DROP VIEW IF EXISTS {quote(v)} CASCADE;" for v in views]
        statements += [f"DROP TABLE IF EXISTS {quote(t)} CASCADE;" for t in tables]
        statements += [f"DROP SEQUENCE IF EXISTS {quote(s)} CASCADE;" for s in sequences]
        return "\n".join(statements) + "\n"

    def restore(self, source):
        """Drop what the database holds and load the dump, in one transaction (psql --single-transaction)."""
        _outside_transaction()
        pg_restore, psql = self._tool("pg_restore"), self._tool("psql")
        prelude = self._drop_everything().encode()
        connection.close()  # our own connection holds no lock while psql works
        env = self._env()
        with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
            script = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", str(source)],
                                      env=env, stdout=subprocess.PIPE, stderr=restore_err)
            loader = subprocess.Popen([psql, "--no-psqlrc", "--quiet", "--no-password", "--single-transaction",
                                       "--set=ON_ERROR_STOP=1", "--file=-"],
                                      env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err)
            try:
                loader.stdin.write(prelude)
                shutil.copyfileobj(script.stdout, loader.stdin, 1024 * 1024)
            except BrokenPipeError:
                pass  # psql stopped at an error: its message says which
            script.stdout.close()
            if script.wait():
                # A script cut short must not be committed: psql commits at the end of its input, so it
                # is stopped before it sees one, and its transaction is rolled back.
                loader.kill()
            try:
                loader.stdin.close()
            except BrokenPipeError:
                pass
            loader.wait()
            for process, err, what in ((script, restore_err, "pg_restore"), (loader, psql_err, "psql")):
                if process.returncode:
                    err.seek(0)
                    message = err.read().decode("utf-8", "replace").strip()[-2000:]
                    raise BackupError(_("%(what)s не вдалося, базу даних не змінено: %(error)s")
                                      % {"what": what, "error": message})
