"""Transport retries against a real loopback HTTP server that misbehaves on purpose."""

from __future__ import annotations

import asyncio

import httpx2

from summarizer.llm.transport import RETRY_COUNTER, RetryPolicy, RetryTransport

from .fakes import Drop, Reply, ScriptedServer


def _post(server: ScriptedServer, policy: RetryPolicy, waits: list[float]) -> httpx2.Response:
    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> httpx2.Response:
        transport = RetryTransport(policy=policy, sleep=fake_sleep)
        async with httpx2.AsyncClient(transport=transport, timeout=5) as client:
            return await client.post(server.base_url + "/chat/completions", json={"x": 1})

    return asyncio.run(go())


def test_429_honours_retry_after_then_succeeds() -> None:
    script = [Reply(429, {"error": "slow down"}, {"Retry-After": "7"}), Reply(200, {"ok": True})]
    waits: list[float] = []
    with ScriptedServer(script) as server:
        response = _post(server, RetryPolicy(attempts=3, max_wait=30), waits)
        assert response.status_code == 200 and response.json() == {"ok": True}
        assert len(server.requests) == 2
    assert len(waits) == 1 and 7.0 <= waits[0] <= 30.0


def test_5xx_and_dropped_connections_are_retried_with_bounded_backoff() -> None:
    script = [
        Reply(503, {"error": "busy"}),
        Drop(),
        Reply(502, {"error": "bad gw"}),
        Reply(200, {}),
    ]
    waits: list[float] = []
    with ScriptedServer(script) as server:
        response = _post(server, RetryPolicy(attempts=5, base_wait=0.5, max_wait=4), waits)
        assert response.status_code == 200
        assert len(server.requests) == 4
    assert len(waits) == 3 and all(0 <= w <= 4 for w in waits)


def test_gives_up_after_the_attempt_limit_with_the_last_response() -> None:
    waits: list[float] = []
    with ScriptedServer([Reply(500, {"error": f"boom {i}"}) for i in range(5)]) as server:
        response = _post(server, RetryPolicy(attempts=3, max_wait=1), waits)
        assert response.status_code == 500 and response.json() == {"error": "boom 2"}
        assert len(server.requests) == 3


def test_client_errors_are_not_retried() -> None:
    waits: list[float] = []
    with ScriptedServer([Reply(400, {"error": "bad request"}), Reply(200, {})]) as server:
        response = _post(server, RetryPolicy(attempts=5), waits)
        assert response.status_code == 400
        assert len(server.requests) == 1 and waits == []


def test_retries_are_counted_for_the_current_task() -> None:
    waits: list[float] = []
    counter = [0]
    token = RETRY_COUNTER.set(counter)
    try:
        with ScriptedServer([Reply(503, {}), Reply(503, {}), Reply(200, {})]) as server:
            _post(server, RetryPolicy(attempts=5, max_wait=1), waits)
    finally:
        RETRY_COUNTER.reset(token)
    assert counter == [2]
