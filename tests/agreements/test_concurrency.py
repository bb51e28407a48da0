"""Two people transition the same document at the same moment, on PostgreSQL
with two real connections: exactly one wins and one log row is written; the
other is told the document changed."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_fsm import ConcurrentTransition

from agreements import services
from agreements.models import Agreement
from tests.factories import agreement_in
from workflows.models import TransitionLog

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _at_once(works) -> list:
    """Run each callable in its own thread (own connection); return results or
    the exception each raised, in order."""
    results: list = [None] * len(works)

    def run(index, work):
        try:
            results[index] = work()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_it_lets_exactly_one_of_two_simultaneous_transitions_win(desk, officer, chief):
    agreement = agreement_in("negotiating", desk=desk)
    barrier = threading.Barrier(2)

    def attempt(user, transition):
        def work():
            # Each thread reads the document on its own connection...
            mine = Agreement.objects.get(pk=agreement.pk)
            barrier.wait(timeout=10)
            # ...and both write from the same starting state.
            return services.agreement_transition(
                agreement=mine, transition=transition, by=user, comment="Pause"
            )

        return work

    results = _at_once([attempt(officer, "suspend"), attempt(chief, "suspend")])
    wins = [r for r in results if isinstance(r, TransitionLog)]
    losses = [r for r in results if isinstance(r, ConcurrentTransition)]
    assert (len(wins), len(losses)) == (1, 1), results
    assert TransitionLog.objects.count() == 1
    assert Agreement.objects.get(pk=agreement.pk).state == "suspended"


def test_the_loser_gets_a_message_from_the_page_not_an_error(
    desk, officer, chief, monkeypatch
):
    agreement = agreement_in("negotiating", desk=desk)
    barrier = threading.Barrier(2)
    real = services.transition_run

    def together(**kwargs):
        # Both requests have read the document and passed their checks.
        barrier.wait(timeout=10)
        return real(**kwargs)

    monkeypatch.setattr(services, "transition_run", together)
    url = reverse("agreements:transition", args=[agreement.pk, "suspend"])

    def post_as(user, reason):
        def work():
            client = Client()
            client.force_login(user)
            response = client.post(url, {"comment": reason})
            return response, [str(m) for m in get_messages(response.wsgi_request)]

        return work

    results = _at_once([post_as(officer, "Elections"), post_as(chief, "Budget")])
    assert all(not isinstance(r, Exception) for r in results), results
    assert [response.status_code for response, _ in results] == [302, 302]
    texts = [messages[0] for _, messages in results]
    assert sum("changed this document" in text for text in texts) == 1
    assert sum(text.startswith("Done") for text in texts) == 1
    log = TransitionLog.objects.get()
    assert log.comment in {"Elections", "Budget"}
    assert Agreement.objects.get(pk=agreement.pk).state == "suspended"
