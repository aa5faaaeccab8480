"""Chinese search: a pg_trgm GIN index on the denormalised search text (PostgreSQL only).

ILIKE '%词%' uses a trigram GIN index, so search stays fast without word segmentation.
On SQLite the search falls back to a plain scan (icontains), which is fine at demo size.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS proposal_search_trgm ON proposals_proposal USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS published_reply_body_trgm ON proposals_publishedreply "
        "USING gin ((title || ' ' || body || ' ' || unit_name) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS proposal_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS published_reply_body_trgm")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
