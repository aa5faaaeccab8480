"""Chinese search of two-character words: a GIN index over the character pairs of the search text.

A trigram index cannot serve ``LIKE '%电梯%'``: a two-character pattern has no trigram, so every
row is read. ``xieshang_bigrams`` lists every pair of adjacent characters of a text (the pairs at
even offsets, then those at odd offsets), and ``to_tsvector('simple', …)`` of that list holds each
pair as a lexeme; a query for 电梯 then finds its rows in the index. PostgreSQL only; SQLite scans.
"""

from django.db import migrations

# PL/pgSQL and a high cost, not an inlined SQL function: the planner then knows that computing the
# pairs of a row is dear, and reads the index instead of testing rows one by one in list order.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION xieshang_bigrams(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000
AS $$ BEGIN
  RETURN regexp_replace(t, '(..)', '\1 ', 'g') || ' ' || regexp_replace(substr(t, 2), '(..)', '\1 ', 'g');
END $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS proposal_search_bigrams ON proposals_proposal "
        "USING gin (to_tsvector('simple'::regconfig, xieshang_bigrams(search_text)))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS proposal_search_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS xieshang_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_proposal_staff_list")]

    operations = [migrations.RunPython(forwards, backwards)]
