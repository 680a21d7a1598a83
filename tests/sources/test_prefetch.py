"""Sources download at once while the store writes them in turn (``Prefetched``), in bounded memory."""

from __future__ import annotations

import threading

import pytest

from skillpulse.flows.sources.runner import Prefetched


def test_records_arrive_in_order_and_whole():
    assert list(Prefetched(range(5_000), maxsize=10)) == list(range(5_000))


def test_a_second_source_downloads_while_the_first_is_being_written():
    second_started = threading.Event()

    def first():
        yield 1
        # The store is still writing the first source; the second must already be downloading.
        assert second_started.wait(timeout=10), "the second source waited for the first"
        yield 2

    def second():
        second_started.set()
        yield 3

    feeds = [Prefetched(first()), Prefetched(second())]
    assert [list(f) for f in feeds] == [[1, 2], [3]]


def test_a_failing_fetch_is_raised_where_it_is_read():
    def broken():
        yield 1
        raise ConnectionError("host went away")

    feed = iter(Prefetched(broken()))
    assert next(feed) == 1
    with pytest.raises(ConnectionError, match="host went away"):
        next(feed)


def test_a_source_waiting_its_turn_holds_at_most_maxsize_records():
    produced = []

    def many():
        for i in range(1_000):
            produced.append(i)
            yield i

    feed = Prefetched(many(), maxsize=50)
    threading.Event().wait(0.3)  # the reader has not started: the producer must stop at the bound
    assert len(produced) <= 50 + 2  # the queue's bound, plus the record being put and the one made
    assert list(feed) == list(range(1_000))
