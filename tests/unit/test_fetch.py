"""Fetcher against a real aiohttp server on 127.0.0.1: errors, limits, redirects and caching."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.errors import FetchError
from bot.fetch import USER_AGENT, Fetcher


def make_app(hits: Counter[str]) -> web.Application:
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
    return app


@pytest.fixture
def hits() -> Counter[str]:
    return Counter()


@pytest.fixture
async def base(hits: Counter[str]) -> AsyncIterator[str]:
    server = TestServer(make_app(hits), host="127.0.0.1", port=0)
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


async def test_requests_to_one_host_are_spaced(base: str) -> None:
    async with Fetcher(host_interval=0.05) as fetcher:
        started = time.monotonic()
        for _ in range(3):
            await fetcher.get(f"{base}/status/200")
        assert time.monotonic() - started >= 0.1


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "not a url"])
async def test_only_http_urls(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        await fetcher.get(url)


async def test_connection_refused_is_a_fetch_error(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="Could not fetch"):
        await fetcher.get("http://127.0.0.1:9/")
