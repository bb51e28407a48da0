import datetime

import pytest

from tests.factories import NegotiationRoundFactory, agreement_in

TODAY = datetime.date(2026, 3, 1)

# transition → (source state, extra kwargs satisfying its guard, target state)
CASES = {
    "start_negotiation": ("drafting", {}, "negotiating"),
    "agree_text": ("negotiating", {}, "agreed"),
    "submit_for_approval": ("agreed", {}, "approval"),
    "approve": ("approval", {}, "ready"),
    "reject": ("approval", {"comment": "Article 5 needs rework."}, "negotiating"),
    "sign": (
        "ready",
        {"signed_on": datetime.date(2026, 2, 20), "signing_place": "Nairobi"},
        "in_force",
    ),
    "enter_into_force": (
        "signed",
        {"effective_on": datetime.date(2025, 3, 1)},
        "in_force",
    ),
    "renew": ("in_force", {"renewed_until": datetime.date(2035, 1, 10)}, "in_force"),
    "terminate": ("in_force", {"comment": "Denounced."}, "terminated"),
    "suspend": ("negotiating", {"comment": "Elections."}, "suspended"),
    "resume": ("suspended", {}, "negotiating"),
    "withdraw": ("drafting", {"comment": "No longer needed."}, "withdrawn"),
}
DESK_TRANSITIONS = {
    "start_negotiation",
    "agree_text",
    "submit_for_approval",
    "sign",
    "enter_into_force",
    "renew",
    "suspend",
    "resume",
}
LEADERSHIP_ONLY = {"approve", "reject", "terminate", "withdraw"}


@pytest.fixture
def make_ready_for():
    """A document of ``desk`` in the source state of ``transition``, with what
    its guard needs; returns (document, kwargs, target state)."""

    def make(transition: str, desk):
        source, kwargs, target = CASES[transition]
        agreement = agreement_in(source, desk=desk)
        if transition == "agree_text":
            NegotiationRoundFactory(agreement=agreement)
        return agreement, dict(kwargs), target

    return make
