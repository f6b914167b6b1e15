"""The change log is signed with an HMAC key kept outside the database (issue 10, item 8).

Existing entries are re-signed in order with the configured key: LIS has not run in production
with the unkeyed chain, so a trial database is brought onto the keyed chain as a whole. On
PostgreSQL a trigger then refuses UPDATE and DELETE on the log table, whoever asks."""

from django.db import migrations, models

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION lis_changelog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_changelogentry är append-only: %% är inte tillåtet', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER lis_changelog_append_only
    BEFORE UPDATE OR DELETE ON core_changelogentry
    FOR EACH ROW EXECUTE FUNCTION lis_changelog_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS lis_changelog_append_only ON core_changelogentry;
DROP FUNCTION IF EXISTS lis_changelog_append_only();
"""


def resign(apps, schema_editor):
    from lis.core.changelog import GENESIS_HASH, compute_hash, current_key_id

    Entry = apps.get_model("core", "ChangeLogEntry")
    Head = apps.get_model("core", "ChangeLogHead")
    key_id = current_key_id()
    previous = GENESIS_HASH
    batch = []
    for entry in Entry.objects.order_by("sequence").iterator(chunk_size=2000):
        entry.key_id = key_id
        entry.prev_hash = previous
        entry.hash = compute_hash(entry)
        previous = entry.hash
        batch.append(entry)
    Entry.objects.bulk_update(batch, ["key_id", "prev_hash", "hash"], batch_size=2000)
    if batch:
        Head.objects.filter(pk=1).update(sequence=batch[-1].sequence, hash=previous)


def append_only_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notification")]

    operations = [
        migrations.AddField(
            model_name="changelogentry",
            name="client_request_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="changelogentry",
            name="key_id",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(resign, migrations.RunPython.noop),
        migrations.RunPython(append_only_trigger, drop_trigger),
    ]
