"""A batch's look-ups as one function, its plan made once a connection (PostgreSQL).

Planning the look-ups cost PostgreSQL more than running them: five small queries, each
planned again for every upload. Inside a PL/pgSQL function the plan is kept for the
connection. A plan made once is made for the tables as they are then (empty, on a new
database), so each query here has exactly one index it can take, and sequential scans
are off: whatever the tables hold when the plan is made, it is the same plan.

- passages by client id: the unique index on (client id, checkpoint), whose condition
  the query states word for word;
- hand-offs by key: the index on the key alone (added here). The query does not name
  the state, which would let the index by unit path and state compete: the open ones
  are picked by the aggregate's filter;
- persons by ID key: the unique index on it;
- the reference stamp by its name; the keys for the new rows from their sequences.
"""

from django.db import migrations, models

FUNCTION = r"""
CREATE OR REPLACE FUNCTION checkpoints_passage_lookups(
    client_ids text[], handoff_keys text[], id_keys text[], stamp_name text,
    sequences text[], counts integer[],
    OUT passages text, OUT handoffs text, OUT persons text, OUT stamp bigint,
    OUT drawn text)
LANGUAGE plpgsql
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    SELECT
        (SELECT coalesce(json_agg(json_build_array(p.checkpoint_id, p.client_id, p.id)),
                         '[]')::text
           FROM checkpoints_passage p
          WHERE NOT (p.client_id = '') AND p.client_id = ANY (client_ids)),
        (SELECT coalesce(json_agg(json_build_array(h.unit_id, h.key, h.id, h.fever))
                           FILTER (WHERE h.state = 'open'), '[]')::text
           FROM checkpoints_handoff h
          WHERE h.key = ANY (handoff_keys)),
        (SELECT coalesce(json_agg(json_build_array(r.id_key, r.id)), '[]')::text
           FROM people_person r
          WHERE r.id_key = ANY (id_keys)),
        (SELECT s.value FROM core_stamp s WHERE s.name = stamp_name),
        (SELECT json_agg(ARRAY(SELECT nextval(q.seq::regclass)
                                 FROM generate_series(1, q.n)) ORDER BY q.i)::text
           FROM unnest(sequences, counts) WITH ORDINALITY AS q (seq, n, i))
    INTO passages, handoffs, persons, stamp, drawn;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS checkpoints_passage_lookups(text[], text[], text[], text, text[], integer[])"  # noqa: E501


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0005_passage_checkpoint_index_in_the_composite"),
        ("core", "0001_initial"),
        ("people", "0008_policy_report_times"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(fields=["key"], name="handoff_key"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
