"""Fetcher against a real aiohttp server on 127.0.0.1: errors, limits, redirects, caching,
conditional GETs and per-host spacing (measured with a fake clock: nothing sleeps for real)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.errors import FetchError
from bot.fetch import HOST_INTERVAL, USER_AGENT, Fetcher

LAST_MODIFIED = "Wed, 25 Nov 2026 09:00:00 GMT"
# (path, If-None-Match, If-Modified-Since) of each request to the endpoints that validate
Sent = list[tuple[str, str | None, str | None]]


class FakeTime:
    """A monotonic clock and a sleep that only moves it, recording each wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def make_app(hits: Counter[str], sent: Sent) -> web.Application:
    async def ok(request: web.Request) -> web.Response:
        hits["ok"] += 1
        return web.Response(text="hello", headers={"Cache-Control": "public, max-age=300"})

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="nope")

    async def hang(request: web.Request) -> web.Response:
        await asyncio.Event().wait()  # never answers
        raise AssertionError("unreachable")

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(1000):  # one byte every 20 ms: no single read ever times out
            await response.write(b"x")
            await asyncio.sleep(0.02)
        return response

    async def loop_a(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop-b")

    async def loop_b(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop-a")

    async def chain(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return web.Response(text="end of chain")
        raise web.HTTPSeeOther(f"/chain/{n - 1}")

    async def big_declared(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 5000)

    async def big_streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"y" * 1000)
        hits["big-streamed-finished"] += 1
        return response

    async def etag(request: web.Request) -> web.Response:
        hits["etag"] += 1
        if request.headers.get("If-None-Match") == '"v1"':
            hits["etag-304"] += 1
            return web.Response(status=304, headers={"ETag": '"v1"', "Cache-Control": "max-age=0"})
        return web.Response(text="tagged", headers={"ETag": '"v1"', "Cache-Control": "max-age=0"})

    async def no_store(request: web.Request) -> web.Response:
        hits["no-store"] += 1
        return web.Response(text="fresh", headers={"Cache-Control": "no-store, max-age=300"})

    async def user_agent(request: web.Request) -> web.Response:
        return web.Response(text=request.headers.get("User-Agent", ""))

    def record(request: web.Request) -> None:
        hits[request.path] += 1
        sent.append(
            (request.path, request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )

    async def versioned(request: web.Request) -> web.Response:
        # Validates either way, as GOV.UK does; no max-age, so every get() asks.
        record(request)
        validators = {"ETag": '"v1"', "Last-Modified": LAST_MODIFIED}
        if request.headers.get("If-None-Match") == '"v1"' or (
            "If-None-Match" not in request.headers
            and request.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return web.Response(status=304, headers=validators)
        return web.Response(text="version one", headers=validators)

    async def flaky(request: web.Request) -> web.Response:
        # The feed, then an error page served as a 200 without validators, then the feed again,
        # 304 to anyone still holding the first version's ETag.
        record(request)
        if hits[request.path] == 1:
            return web.Response(text="feed v1", headers={"ETag": '"v1"'})
        if hits[request.path] == 2:
            return web.Response(text="<html>Service unavailable</html>", content_type="text/html")
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text="feed v2", headers={"ETag": '"v2"'})

    async def cache_control(request: web.Request) -> web.Response:
        # Serves the headers its query asks for; a 304 (without them) when the ETag matches.
        record(request)
        if request.headers.get("If-None-Match") == '"cc"':
            return web.Response(status=304)
        headers = {name: value for name, value in request.query.items()}
        return web.Response(text=f"response {hits[request.path]}", headers=headers)

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/hang", hang)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/loop-a", loop_a)
    app.router.add_get("/loop-b", loop_b)
    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/big-declared", big_declared)
    app.router.add_get("/big-streamed", big_streamed)
    app.router.add_get("/etag", etag)
    app.router.add_get("/no-store", no_store)
    app.router.add_get("/ua", user_agent)
    app.router.add_get("/versioned", versioned)
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/cc", cache_control)
    return app


@pytest.fixture
def hits() -> Counter[str]:
    return Counter()


@pytest.fixture
def sent() -> Sent:
    return []


@pytest.fixture
async def base(hits: Counter[str], sent: Sent) -> AsyncIterator[str]:
    server = TestServer(make_app(hits, sent), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(total_timeout=2.0, read_timeout=1.0, max_bytes=4096, host_interval=0) as f:
        yield f


async def test_ok_and_user_agent(base: str, fetcher: Fetcher) -> None:
    result = await fetcher.get(f"{base}/ok")
    assert (result.status, result.body) == (200, b"hello")
    assert (await fetcher.get(f"{base}/ua")).body.decode() == USER_AGENT


@pytest.mark.parametrize("code", [404, 410, 500])
async def test_http_errors_name_the_status_and_url(base: str, fetcher: Fetcher, code: int) -> None:
    with pytest.raises(FetchError, match=f"HTTP {code} from {base}/status/{code}"):
        await fetcher.get(f"{base}/status/{code}")


async def test_a_server_that_never_answers_times_out(base: str) -> None:
    async with Fetcher(total_timeout=5.0, read_timeout=0.1, host_interval=0) as fetcher:
        with pytest.raises(FetchError, match=r"Timed out after 0.1 s"):
            await fetcher.get(f"{base}/hang")


async def test_total_deadline_stops_a_trickling_server(base: str) -> None:
    async with Fetcher(total_timeout=0.3, read_timeout=5.0, host_interval=0) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"Timed out after 0.3 s fetching"):
            await fetcher.get(f"{base}/trickle")
        assert time.monotonic() - started < 3


async def test_redirect_loop_is_detected(base: str, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="Redirect loop"):
        await fetcher.get(f"{base}/loop-a")


async def test_redirects_are_followed_up_to_the_cap(base: str, fetcher: Fetcher) -> None:
    result = await fetcher.get(f"{base}/chain/5")
    assert result.body == b"end of chain" and result.url == f"{base}/chain/0"
    with pytest.raises(FetchError, match=r"Too many redirects \(more than 5\)"):
        await fetcher.get(f"{base}/chain/6")


async def test_declared_oversized_body_is_refused(base: str, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="larger than"):
        await fetcher.get(f"{base}/big-declared")


async def test_streamed_oversized_body_stops_reading(base: str, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="larger than"):
        await fetcher.get(f"{base}/big-streamed")


async def test_max_age_is_served_from_cache(base: str, fetcher: Fetcher, hits: Counter[str]) -> None:
    await fetcher.get(f"{base}/ok")
    await fetcher.get(f"{base}/ok")
    assert hits["ok"] == 1


async def test_stale_entry_is_revalidated_with_etag(base: str, fetcher: Fetcher, hits: Counter[str]) -> None:
    first = await fetcher.get(f"{base}/etag")
    second = await fetcher.get(f"{base}/etag")
    assert first.body == second.body == b"tagged"
    assert (hits["etag"], hits["etag-304"]) == (2, 1)


async def test_no_store_is_never_cached(base: str, fetcher: Fetcher, hits: Counter[str]) -> None:
    await fetcher.get(f"{base}/no-store")
    await fetcher.get(f"{base}/no-store")
    assert hits["no-store"] == 2


# --- conditional GETs with the caller's validators (the poller keeps them across restarts) ------


async def test_callers_etag_gets_an_empty_304(base: str, fetcher: Fetcher, sent: Sent) -> None:
    result = await fetcher.get(f"{base}/versioned", etag='"v1"')
    assert (result.status, result.body, result.url) == (304, b"", f"{base}/versioned")
    assert result.headers.get("ETag") == '"v1"'
    assert sent == [("/versioned", '"v1"', None)]


async def test_callers_last_modified_gets_an_empty_304(base: str, fetcher: Fetcher, sent: Sent) -> None:
    result = await fetcher.get(f"{base}/versioned", last_modified=LAST_MODIFIED)
    assert (result.status, result.body) == (304, b"")
    assert sent == [("/versioned", None, LAST_MODIFIED)]


async def test_outdated_validators_get_the_body(base: str, fetcher: Fetcher, sent: Sent) -> None:
    result = await fetcher.get(f"{base}/versioned", etag='"v0"', last_modified="Mon, 1 Jan 2024 00:00:00 GMT")
    assert (result.status, result.body) == (200, b"version one")
    assert sent == [("/versioned", '"v0"', "Mon, 1 Jan 2024 00:00:00 GMT")]


async def test_without_validators_a_304_returns_the_cached_copy(
    base: str, fetcher: Fetcher, sent: Sent
) -> None:
    first = await fetcher.get(f"{base}/versioned")
    again = await fetcher.get(f"{base}/versioned")
    assert first.status == again.status == 200 and again.body == b"version one"
    assert [etag for _, etag, _ in sent] == [None, '"v1"']


async def test_the_callers_validators_win_over_the_caches(base: str, fetcher: Fetcher, sent: Sent) -> None:
    await fetcher.get(f"{base}/versioned")  # cached under "v1"
    result = await fetcher.get(f"{base}/versioned", etag='"v0"')
    assert (result.status, result.body) == (200, b"version one")
    conditional = await fetcher.get(f"{base}/versioned", etag='"v1"')
    assert (conditional.status, conditional.body) == (304, b"")
    assert [etag for _, etag, _ in sent] == [None, '"v0"', '"v1"']
    # the 304 confirmed the cache's copy too
    assert (await fetcher.get(f"{base}/versioned")).body == b"version one"


async def test_a_fresh_cached_copy_answers_a_conditional_get_without_asking(
    base: str, fetcher: Fetcher, hits: Counter[str]
) -> None:
    url = f"{base}/cc?Cache-Control=max-age%3D60&ETag=%22cc%22"
    assert (await fetcher.get(url)).body == b"response 1"
    same = await fetcher.get(url, etag='"cc"')
    assert (same.status, same.body) == (304, b"")
    other = await fetcher.get(url, etag='"older"')
    assert (other.status, other.body) == (200, b"response 1")
    assert hits["/cc"] == 1


async def test_a_fresh_200_without_an_etag_drops_the_old_one(base: str, fetcher: Fetcher, sent: Sent) -> None:
    # Regression: the error page inherited the feed's ETag, so the next 304 served the error page.
    assert (await fetcher.get(f"{base}/flaky")).body == b"feed v1"
    assert (await fetcher.get(f"{base}/flaky")).body == b"<html>Service unavailable</html>"
    third = await fetcher.get(f"{base}/flaky")
    assert (third.status, third.body) == (200, b"feed v2")
    assert [etag for _, etag, _ in sent] == [None, '"v1"', None]


# --- Cache-Control, on a fake clock ----------------------------------------------------------------


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def timed(fake_time: FakeTime) -> AsyncIterator[Fetcher]:
    async with Fetcher(host_interval=0, clock=fake_time.clock, sleep=fake_time.sleep) as f:
        yield f


async def test_max_age_expires(base: str, timed: Fetcher, fake_time: FakeTime, hits: Counter[str]) -> None:
    url = f"{base}/cc?Cache-Control=public,%20max-age%3D60"
    await timed.get(url)
    fake_time.now += 59
    assert (await timed.get(url)).body == b"response 1"
    fake_time.now += 2
    assert (await timed.get(url)).body == b"response 2"
    assert hits["/cc"] == 2


async def test_age_from_upstream_caches_counts(
    base: str, timed: Fetcher, fake_time: FakeTime, hits: Counter[str]
) -> None:
    url = f"{base}/cc?Cache-Control=max-age%3D60&Age=50"
    await timed.get(url)
    fake_time.now += 11
    await timed.get(url)
    assert hits["/cc"] == 2


async def test_s_maxage_is_for_shared_caches_only(base: str, timed: Fetcher, hits: Counter[str]) -> None:
    url = f"{base}/cc?Cache-Control=s-maxage%3D600,%20max-age%3D0"
    await timed.get(url)
    await timed.get(url)
    assert hits["/cc"] == 2


async def test_no_cache_revalidates_every_time(base: str, timed: Fetcher, sent: Sent) -> None:
    url = f"{base}/cc?Cache-Control=no-cache,%20max-age%3D600&ETag=%22cc%22"
    bodies = [(await timed.get(url)).body for _ in range(3)]
    assert bodies == [b"response 1"] * 3
    assert [etag for _, etag, _ in sent] == [None, '"cc"', '"cc"']


async def test_a_304_keeps_the_stored_cache_control(
    base: str, timed: Fetcher, fake_time: FakeTime, hits: Counter[str]
) -> None:
    # The 304 restates nothing, so the stored max-age applies again from the revalidation.
    url = f"{base}/cc?Cache-Control=max-age%3D60&ETag=%22cc%22"
    await timed.get(url)
    fake_time.now += 61
    await timed.get(url)  # revalidated: 304
    fake_time.now += 59
    assert (await timed.get(url)).body == b"response 1"
    assert hits["/cc"] == 2


async def test_no_store_with_validators_is_not_cached(base: str, timed: Fetcher, sent: Sent) -> None:
    url = f"{base}/cc?Cache-Control=no-store&ETag=%22cc%22"
    await timed.get(url)
    assert (await timed.get(url)).body == b"response 2"
    assert [etag for _, etag, _ in sent] == [None, None]


# --- per-host spacing, measured as the waits the fetcher schedules ---------------------------------


def test_the_default_spacing_is_a_few_requests_a_second_at_most() -> None:
    assert 1 / HOST_INTERVAL <= 4


async def test_requests_to_one_host_are_spaced(base: str, fake_time: FakeTime) -> None:
    async with Fetcher(host_interval=0.5, clock=fake_time.clock, sleep=fake_time.sleep) as fetcher:
        for _ in range(3):
            await fetcher.get(f"{base}/status/200")
        assert fake_time.sleeps == [0.5, 0.5]
        fake_time.now += 10  # an idle host is not made to wait
        await fetcher.get(f"{base}/status/200")
        assert fake_time.sleeps == [0.5, 0.5]


async def test_concurrent_requests_to_one_host_queue(base: str, fake_time: FakeTime) -> None:
    async with Fetcher(host_interval=0.5, clock=fake_time.clock, sleep=fake_time.sleep) as fetcher:
        started = fake_time.now
        await asyncio.gather(*(fetcher.get(f"{base}/status/200") for _ in range(5)))
        assert fake_time.sleeps == [0.5] * 4
        assert fake_time.now - started == 2.0  # five requests: no more than two a second


async def test_hosts_are_spaced_separately_and_cache_hits_do_not_wait(
    base: str, hits: Counter[str], sent: Sent, fake_time: FakeTime
) -> None:
    other = TestServer(make_app(hits, sent), host="127.0.0.1", port=0)
    await other.start_server()
    try:
        other_base = str(other.make_url("")).rstrip("/")
        async with Fetcher(host_interval=0.5, clock=fake_time.clock, sleep=fake_time.sleep) as fetcher:
            await fetcher.get(f"{base}/ok")
            await fetcher.get(f"{other_base}/ok")
            await fetcher.get(f"{base}/ok")  # max-age=300: from the cache
            assert fake_time.sleeps == []
            assert hits["ok"] == 2
    finally:
        await other.close()


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "not a url"])
async def test_only_http_urls(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        await fetcher.get(url)


async def test_connection_refused_is_a_fetch_error(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="Could not fetch"):
        await fetcher.get("http://127.0.0.1:9/")
