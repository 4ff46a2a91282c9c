"""Trigram indexes for the request list's search on PostgreSQL (issue 17); SQLite has none and skips this.

The search (visits.queries.filtered_requests) matches inside words: name_key LIKE '%…%', street
ILIKE (Django: UPPER(street) LIKE UPPER(…)), and the digits of a number or phone. A B-tree cannot
answer those; a GIN index of trigrams (pg_trgm) can, so a name search reads the matching rows only.
"""

from django.db import migrations

INDEXES = {
    "visits_req_name_trgm": '("name_key" gin_trgm_ops)',
    "visits_req_street_trgm": '(UPPER("street"::text) gin_trgm_ops)',
    "visits_req_number_trgm": '("number" gin_trgm_ops)',
    "visits_req_aphone_trgm": '("applicant_phone" gin_trgm_ops)',
    "visits_req_rphone_trgm": '("requester_phone" gin_trgm_ops)',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, columns in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "visits_visitrequest" USING gin {columns}')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("visits", "0015_indexes_for_a_million_requests")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
