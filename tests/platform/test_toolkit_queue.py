"""The toolkit's queue (issue 19, point 4): places go to clients in turn, so one client's many heavy
calculations delay another's by at most one; the queue is bounded per client and in total (503 with
Retry-After); a calculation whose client hung up leaves the queue without running. The database plays
no part (SQLite)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from permille.api.app import create_app
from permille.registry.db import make_engine
from permille.toolkit import fairness
from permille.toolkit.examples import EXAMPLES
from permille.toolkit.fairness import FairSlots, QueueFull


def _run(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps an event loop running in the
    main thread for the whole session."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def _hold(slots: FairSlots, client: str, order: list[str], release: asyncio.Event, name: str):
    async with slots.place(client):
        order.append(name)
        await release.wait()


def test_a_freed_place_goes_to_the_clients_in_turn():
    async def scenario() -> list[str]:
        slots, order, release = FairSlots(1), [], asyncio.Event()
        tasks = [asyncio.create_task(_hold(slots, "a", order, release, "a1"))]
        await asyncio.sleep(0)
        tasks += [asyncio.create_task(_hold(slots, "a", order, release, f"a{i}")) for i in (2, 3, 4)]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(_hold(slots, "b", order, release, "b1")))
        await asyncio.sleep(0)
        release.set()
        await asyncio.gather(*tasks)
        return order

    assert _run(scenario()) == ["a1", "a2", "b1", "a3", "a4"]


def test_the_queue_is_bounded_per_client_and_in_total(monkeypatch):
    monkeypatch.setattr(fairness, "MAX_QUEUED", 6)

    async def scenario():
        slots, order, release = FairSlots(1), [], asyncio.Event()
        tasks = [asyncio.create_task(_hold(slots, "a", order, release, "a")) for _ in range(4)]
        await asyncio.sleep(0)
        with pytest.raises(QueueFull, match="per client"):
            async with slots.place("a"):
                pass
        tasks += [asyncio.create_task(_hold(slots, c, order, release, c)) for c in ("b", "c")]
        await asyncio.sleep(0)
        with pytest.raises(QueueFull, match="queued"):
            async with slots.place("d"):
                pass
        release.set()
        await asyncio.gather(*tasks)
        assert slots.queued == 0 and slots.running == 0

    _run(scenario())


def test_a_cancelled_waiting_calculation_never_runs():
    async def scenario() -> list[str]:
        slots, order, release = FairSlots(1), [], asyncio.Event()
        first = asyncio.create_task(_hold(slots, "a", order, release, "first"))
        await asyncio.sleep(0)
        gone = asyncio.create_task(_hold(slots, "b", order, release, "hung up"))
        last = asyncio.create_task(_hold(slots, "c", order, release, "last"))
        await asyncio.sleep(0)
        gone.cancel()
        release.set()
        await asyncio.gather(first, last)
        assert gone.cancelled() and slots.queued == 0 and slots.running == 0
        return order

    assert _run(scenario()) == ["first", "last"]


def test_a_full_queue_is_answered_503_with_retry_after(tmp_path, monkeypatch):
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    try:
        with TestClient(create_app(engine, seed=False, toolkit_workers=0)) as client:
            body = EXAMPLES["sampling"]()
            assert client.post("/api/toolkit/sampling", json=body).status_code == 200
            monkeypatch.setattr(fairness, "MAX_QUEUED_PER_CLIENT", 0)
            answer = client.post("/api/toolkit/sampling", json=body)
            assert answer.status_code == 503, answer.text
            assert int(answer.headers["Retry-After"]) == fairness.RETRY_AFTER_S
            assert answer.json()["error"]["code"] == "busy"
    finally:
        engine.dispose()
