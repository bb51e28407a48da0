"""A first history record for each party that existed before its history was
kept, dated with its document's creation, so its first later change has
something to be compared with."""

from django.db import migrations

BASELINE = "baseline"
BATCH = 1000


def add_baseline(apps, schema_editor):
    party_model = apps.get_model("agreements", "AgreementParty")
    history_model = apps.get_model("agreements", "HistoricalAgreementParty")
    parties = (
        party_model.objects.exclude(pk__in=history_model.objects.values("id"))
        .select_related("agreement")
        .order_by("pk")
    )
    batch = []
    for party in parties.iterator(chunk_size=BATCH):
        batch.append(
            history_model(
                id=party.pk,
                agreement_id=party.agreement_id,
                side=party.side,
                country_id=party.country_id,
                organization_id=party.organization_id,
                signing_agency_id=party.signing_agency_id,
                signatory_name=party.signatory_name,
                signatory_title=party.signatory_title,
                history_date=party.agreement.created_at,
                history_type="+",
                history_change_reason=BASELINE,
            )
        )
        if len(batch) == BATCH:
            history_model.objects.bulk_create(batch)
            batch = []
    history_model.objects.bulk_create(batch)


def drop_baseline(apps, schema_editor):
    history_model = apps.get_model("agreements", "HistoricalAgreementParty")
    history_model.objects.filter(history_change_reason=BASELINE).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_party_history")]

    operations = [migrations.RunPython(add_baseline, drop_baseline)]
