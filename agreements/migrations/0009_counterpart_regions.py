"""Each document stores its counterparts' regions (filled here from its
parties), and the dashboard's covering index of signed documents carries them,
replacing the one of migration 0007."""

from django.db import migrations, models

OLD_INDEX = (
    "agreement_signed_covering",
    "agreements_agreement (signed_on) INCLUDE (id, desk_id) "
    "WHERE signed_on IS NOT NULL",
)


def fill(apps, schema_editor):
    from agreements.services import counterpart_regions_store

    counterpart_regions_store(
        apps.get_model("agreements", "Agreement").objects.all(),
        apps.get_model("agreements", "AgreementParty").objects.all(),
    )


def drop_old_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX[0]}")


def create_old_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS {} ON {}".format(*OLD_INDEX))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0008_withdrawn_and_event_state_indexes")]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="counterpart_regions",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                max_length=100,
                verbose_name="counterpart regions",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(drop_old_index, create_old_index),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                condition=models.Q(("signed_on__isnull", False)),
                fields=["signed_on"],
                include=("counterpart_regions", "desk", "id"),
                name="agreement_signed_regions",
            ),
        ),
    ]
