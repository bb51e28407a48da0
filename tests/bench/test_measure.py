import gc
from types import SimpleNamespace

from bench.measure import FullCollections, Timing, _time


class CollectingClient:
    """Answers every page; the second one runs into a full collection."""

    def __init__(self):
        self.calls = 0

    def get(self, url, secure=True):
        self.calls += 1
        if self.calls == 2:
            gc.collect()
        return SimpleNamespace(status_code=200)


def test_it_counts_full_collections_only():
    with FullCollections() as collections:
        gc.collect(0)
        gc.collect(1)
        gc.collect()
    assert len(collections.pauses) == 1
    assert collections not in gc.callbacks


def test_it_tells_which_timed_request_a_full_collection_ran_in():
    client, timing = CollectingClient(), Timing()
    with FullCollections() as collections:
        for _ in range(3):
            _time(timing, client, "/documents/", collections)
    assert len(timing.samples) == 3
    assert len(timing.collections) == 1
    assert timing.collections[0] <= max(timing.samples)
