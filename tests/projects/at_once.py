"""Two transactions that write to one project at once, for the tests that
the facts stored on it count both."""

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction


def two_writes_at_once(
    write: Callable[[bool], None], refresh: Callable[[], None]
) -> None:
    """Run ``write(first)`` in two transactions at once, each followed by
    ``refresh()``: the first refreshes, then waits before it commits, while
    the second refreshes."""
    refreshed = threading.Event()
    errors = []

    def run(first: bool) -> None:
        try:
            with transaction.atomic():
                write(first)
                if first:
                    refresh()
                    refreshed.set()
                    # Not yet committed when the other one refreshes.
                    time.sleep(0.5)
                else:
                    refreshed.wait(timeout=10)
                    refresh()
        except Exception as exc:  # reported below, from the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
