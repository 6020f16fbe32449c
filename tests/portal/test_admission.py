"""A web process handles at most ``at_once`` requests at a time, and a request waiting on
purpose gives its turn up (``csww_portal/admission.py``, ``server.PortalWorker``)."""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

import pytest
from gunicorn.workers import gthread

from csww_portal import server
from csww_portal.admission import Turns, waiting

TIMEOUT = 10.0


class Counting:
    """Records how many threads are inside at the same time."""

    def __init__(self, hold: float = 0.05) -> None:
        self.hold = hold
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.hold)
        with self.lock:
            self.running -= 1
        return "handled"


def at_once(targets: list[Any]) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_no_more_than_at_once_hold_a_turn(n: int) -> None:
    turns, inside = Turns(n), Counting()

    def request() -> None:
        with turns.turn():
            inside()

    at_once([request] * 8)
    assert inside.most == n


def test_a_turn_is_given_back_when_the_request_fails() -> None:
    turns = Turns(1)
    for _ in range(3):  # a turn not given back would hang the second one
        with pytest.raises(RuntimeError), turns.turn():
            raise RuntimeError("fault")
    with turns.turn():
        pass


class Connection:
    """What the worker reads of gthread's connection."""

    def __init__(self, initialized: bool, data_ready: bool, data_comes: bool = True) -> None:
        self.initialized, self.data_ready, self.data_comes = initialized, data_ready, data_comes
        self.waited = False

    def wait_for_data(self, timeout: float) -> bool:
        self.waited = True
        self.data_ready = self.data_comes
        return self.data_comes


def worker_of(turns: Turns, monkeypatch: pytest.MonkeyPatch, handled: Any) -> Any:
    monkeypatch.setattr(gthread.ThreadWorker, "handle", lambda self, conn: handled(conn))
    worker = server.PortalWorker.__new__(server.PortalWorker)
    worker.turns = turns
    return worker


def test_the_worker_handles_each_connection_in_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """gunicorn's gthread worker hands each connection with a request to a thread; the
    portal's worker lets only ``at_once`` of them handle one at a time."""
    handled = Counting()
    worker = worker_of(Turns(2), monkeypatch, handled)
    results: list[Any] = []
    conns = [Connection(initialized=n % 2 == 0, data_ready=True) for n in range(8)]
    at_once([lambda c=c: results.append(worker.handle(c)) for c in conns])
    assert results == ["handled"] * 8
    assert handled.most == 2


def test_a_new_connection_is_waited_for_outside_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that connects and sends nothing yet does not hold a turn: with the one turn
    held by another request, its first request is still waited for, and when it does not
    come the connection goes back to gunicorn's poller."""
    turns = Turns(1)
    worker = worker_of(turns, monkeypatch, lambda conn: "handled")
    silent = Connection(initialized=False, data_ready=False, data_comes=False)
    with turns.turn():  # the only turn is taken
        assert worker.handle(silent) is gthread._DEFER
    assert silent.waited
    sending = Connection(initialized=False, data_ready=False)
    assert worker.handle(sending) == "handled"
    assert sending.waited


def test_csww_serve_uses_the_portal_worker() -> None:
    options = server.options("127.0.0.1", 8000, processes=2, threads=16)
    assert options["worker_class"] == "csww_portal.server.PortalWorker"
    assert options["threads"] == 16


def test_what_the_server_loaded_is_frozen_before_the_fork() -> None:
    """The application and everything loaded with it are out of the collector's sight (its
    full collections no longer walk them); cycles made afterwards are still collected."""
    application = server.PortalServer(
        server.options("127.0.0.1", 8000, processes=2, threads=4)
    ).load()
    try:
        assert gc.get_freeze_count() > 0
        assert not any(o is application for o in gc.get_objects())

        class Cycle:
            other: object = None

        made = Cycle()
        made.other = made
        assert any(o is made for o in gc.get_objects())
        del made
        assert gc.collect() > 0
    finally:
        gc.unfreeze()


def test_waiting_gives_the_turn_up_and_takes_one_again() -> None:
    """With one turn, A waits on purpose until B has had a turn, and B asks only once A holds
    the turn: B can have one only while A has given its turn up. Then A goes on in a turn."""
    turns = Turns(1)
    a_inside, b_ran = threading.Event(), threading.Event()
    inside = Counting(hold=0)

    def a() -> None:
        with turns.turn():
            a_inside.set()
            with waiting():
                assert b_ran.wait(TIMEOUT)
            inside()

    def b() -> None:
        assert a_inside.wait(TIMEOUT)
        with turns.turn():
            b_ran.set()
            inside()

    at_once([a, b])
    assert b_ran.is_set()
    assert inside.most == 1


def test_waiting_without_a_turn_just_waits() -> None:
    with waiting():
        pass
    turns = Turns(1)
    with turns.turn(), waiting(), waiting():  # given up once, not twice
        pass
    with turns.turn():  # and the one turn is free again
        pass


def test_at_once_must_be_at_least_one() -> None:
    with pytest.raises(ValueError):
        Turns(0)
