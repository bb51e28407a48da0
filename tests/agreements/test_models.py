import datetime

import pytest

from agreements.models import Agreement, add_months, add_years


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (datetime.date(2030, 3, 31), -1, datetime.date(2030, 2, 28)),
        (datetime.date(2030, 1, 15), -6, datetime.date(2029, 7, 15)),
        (datetime.date(2030, 12, 31), 2, datetime.date(2031, 2, 28)),
    ],
)
def test_it_moves_dates_by_months_clipping_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_it_moves_29_february_by_years():
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_it_computes_expiry_and_the_last_notice_date():
    agreement = Agreement(
        effective_on=datetime.date(2026, 5, 31), duration_years=5, notice_months=3
    )
    agreement.compute_term_dates()
    assert agreement.expires_on == datetime.date(2031, 5, 31)
    assert agreement.notice_deadline == datetime.date(2031, 2, 28)
    agreement.renewed_until = datetime.date(2036, 5, 31)
    agreement.compute_term_dates()
    assert agreement.expires_on == datetime.date(2036, 5, 31)
    agreement.duration_years = None
    agreement.renewed_until = None
    agreement.compute_term_dates()
    assert (agreement.expires_on, agreement.notice_deadline) == (None, None)


def test_the_state_field_has_exactly_the_designed_transitions():
    field = Agreement._meta.get_field("state")
    found = {(t.name, t.source) for t in field.get_all_transitions(Agreement)}
    names = {name for name, _ in found}
    assert names == set(Agreement.TRANSITIONS)
    sources = {}
    for name, source in found:
        sources.setdefault(name, set()).add(source)
    assert sources["withdraw"] == {
        "drafting",
        "negotiating",
        "agreed",
        "approval",
        "ready",
        "suspended",
    }
    assert sources["suspend"] == {"negotiating", "agreed", "approval"}
    assert sources["renew"] == {"in_force", "expired"}
    assert field.protected


def test_the_state_cannot_be_set_directly():
    agreement = Agreement(title_en="x")
    with pytest.raises(AttributeError):
        agreement.state = "signed"
