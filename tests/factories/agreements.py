import datetime

import factory

from agreements.models import Agreement, AgreementParty, Event, NegotiationRound
from agreements.services import agreement_regions_refresh

from .tracker import DeskFactory, OrganizationFactory, UserFactory, country

__all__ = [
    "AgreementFactory",
    "AgreementPartyFactory",
    "EventFactory",
    "NegotiationRoundFactory",
    "agreement_in",
]


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name_en = factory.Sequence(lambda n: f"Economic Dialogue {n}")
    name_zh = factory.Sequence(lambda n: f"经济对话{n}")
    kind = Event.Kind.MINISTERIAL_DIALOGUE
    starts_on = datetime.date(2026, 6, 1)
    place = "Nairobi"
    desk = factory.SubFactory(DeskFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    """A document in ``drafting`` with a Chinese side and one counterpart.

    ``state=`` sets the state directly (a test fixture, not a transition).
    """

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"MoU on Cooperation {n}")
    title_zh = factory.Sequence(lambda n: f"合作谅解备忘录{n}")
    kind = Agreement.Kind.MOU
    desk = factory.SubFactory(DeskFactory)
    target_signing_date = datetime.date(2026, 6, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        state = kwargs.pop("state", None)
        obj = model_class(*args, **kwargs)
        obj.compute_term_dates()
        obj.save()
        if state:
            # The field is protected: set the state in the database.
            model_class.objects.filter(pk=obj.pk).update(state=state)
            obj = model_class.objects.get(pk=obj.pk)
        return obj

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is False:
            return
        AgreementParty.objects.create(
            agreement=self,
            side=AgreementParty.Side.CHINESE,
            signatory_name="Zheng Shanjie",
            signatory_title="Chairman",
        )
        for code in ["KEN"] if extracted is None else extracted:
            AgreementParty.objects.create(
                agreement=self,
                side=AgreementParty.Side.COUNTERPART,
                country=country(code),
                signing_agency=OrganizationFactory(),
                signatory_name="Minister",
            )
        agreement_regions_refresh(agreement_ids=[self.pk])


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory, parties=False)
    side = AgreementParty.Side.COUNTERPART
    country = factory.LazyFunction(lambda: country("KEN"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        party = super()._create(model_class, *args, **kwargs)
        agreement_regions_refresh(agreement_ids=[party.agreement_id])
        return party


class NegotiationRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegotiationRound

    agreement = factory.SubFactory(AgreementFactory)
    held_on = datetime.date(2026, 1, 15)
    venue = "Beijing"
    outcome = "Comments exchanged."
    recorded_by = factory.SubFactory(UserFactory)


def agreement_in(state: str, **kwargs) -> Agreement:
    """A document already in ``state``, with what that state implies."""
    if state in {"signed", "in_force", "expired", "terminated"}:
        kwargs.setdefault("signed_on", datetime.date(2025, 1, 10))
        kwargs.setdefault("signing_place", "Beijing")
    if state in {"in_force", "expired", "terminated"}:
        kwargs.setdefault("effective_on", datetime.date(2025, 1, 10))
        kwargs.setdefault("duration_years", 5)
    return AgreementFactory(state=state, **kwargs)
