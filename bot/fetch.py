"""Polite, bounded HTTP GETs for feeds, Content API items and pages.

Every fetch has a total deadline (a server trickling bytes cannot hold us), a per-read timeout, a
size cap, a redirect cap with loop detection, a User-Agent naming the project, a minimum gap
between requests to one host, and an in-process cache that honours Cache-Control (max-age less the
response's Age, no-cache, no-store) and revalidates with ETag / Last-Modified. Callers that keep
validators of their own (the feed poller stores them in its database, so they survive a restart)
pass them to `get()` and get a 304 result with an empty body when their copy is still current.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import aiohttp
from multidict import CIMultiDictProxy

from bot.errors import FetchError

log = logging.getLogger(__name__)

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot-dev/newsbot)"
TOTAL_TIMEOUT = 20.0
READ_TIMEOUT = 10.0
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
HOST_INTERVAL = 0.5  # at most two requests a second to one host
CACHE_ENTRIES = 256
CACHE_BYTES = 32 * 1024 * 1024  # the whole cache, so a long-running bot's memory stays bounded
CACHE_MAX_BODY = 2 * 1024 * 1024  # bigger bodies are fetched again rather than held in memory
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Only max-age: s-maxage is for shared caches, and this one is private to the process.
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 (empty body) for a conditional get() whose copy is still current
    body: bytes
    headers: Mapping[str, str]

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


@dataclass(slots=True)
class _CacheEntry:
    result: FetchResult
    fresh_until: float
    etag: str | None
    last_modified: str | None

    def is_version(self, etag: str | None, last_modified: str | None) -> bool:
        """Whether a caller holding these validators holds this entry's version."""
        if etag is not None:
            return etag == self.etag
        return last_modified is not None and last_modified == self.last_modified


class Fetcher:
    """An aiohttp session with limits. Use `async with Fetcher() as fetcher:` or call `close()`."""

    def __init__(
        self,
        *,
        total_timeout: float = TOTAL_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        host_interval: float = HOST_INTERVAL,
        user_agent: str = USER_AGENT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.total_timeout = total_timeout
        self.read_timeout = read_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.host_interval = host_interval
        self.user_agent = user_agent
        self._clock = clock
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self._cache: OrderedDict[str, _CacheEntry] = OrderedDict()
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._host_next: dict[str, float] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": self.user_agent},
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self.read_timeout, sock_read=self.read_timeout
                ),
            )
        return self._session

    async def get(
        self,
        url: str,
        accept: str | None = None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET `url`, following up to `max_redirects` redirects; FetchError on any failure.

        Given `etag` and/or `last_modified` (validators from an earlier response), the request is
        conditional, and a result with status 304 and an empty body means the caller's copy is
        still current. Without them a 304 never reaches the caller: the cache revalidates its own
        copy and returns that.
        """
        current = url
        seen = {url}
        for _ in range(self.max_redirects + 1):
            result = await self._get_one(current, accept, etag, last_modified)
            if result.status not in REDIRECT_STATUSES:
                return result
            location = result.headers.get("Location")
            if not location:
                raise FetchError(f"HTTP {result.status} from {current} without a Location to follow.")
            current = urljoin(current, location)
            if current in seen:
                raise FetchError(f"Redirect loop fetching {url} (back to {current}).")
            seen.add(current)
        raise FetchError(f"Too many redirects (more than {self.max_redirects}) fetching {url}.")

    async def _get_one(
        self, url: str, accept: str | None, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        """One request (no redirect following), through the cache and the per-host gate."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"Cannot fetch {url}: only http and https URLs are supported.")
        conditional = bool(etag or last_modified)
        cached = self._cache.get(url)
        if cached is not None and cached.fresh_until > self._clock():
            self._cache.move_to_end(url)
            log.debug("cache hit url=%s", url)
            if conditional and cached.is_version(etag, last_modified):
                return FetchResult(url=url, status=304, body=b"", headers=cached.result.headers)
            return cached.result
        headers: dict[str, str] = {}
        if accept:
            headers["Accept"] = accept
        if conditional:
            # The caller's validators, not the cache's: a 304 must mean "your copy is current".
            sent_etag, sent_modified = etag, last_modified
        elif cached is not None:
            sent_etag, sent_modified = cached.etag, cached.last_modified
        else:
            sent_etag = sent_modified = None
        if sent_etag:
            headers["If-None-Match"] = sent_etag
        if sent_modified:
            headers["If-Modified-Since"] = sent_modified
        await self._wait_for_host(parts.hostname.lower(), parts.port)
        try:
            async with asyncio.timeout(self.total_timeout):
                status, response_headers, body = await self._request(url, headers)
        except aiohttp.ServerTimeoutError:
            # aiohttp's per-read / connect timeout (it is also a TimeoutError, so it goes first)
            raise FetchError(f"Timed out after {self.read_timeout:g} s waiting for {url}.") from None
        except TimeoutError:
            raise FetchError(f"Timed out after {self.total_timeout:g} s fetching {url}.") from None
        except aiohttp.ClientError as error:
            raise FetchError(f"Could not fetch {url}: {_describe(error)}.") from None
        if status == 304 and conditional:
            if cached is not None and cached.is_version(etag, last_modified):
                self._remember(url, cached.result, response_headers, revalidated=cached)
            return FetchResult(url=url, status=304, body=b"", headers=response_headers)
        if status == 304 and cached is not None:
            self._remember(url, cached.result, response_headers, revalidated=cached)
            return cached.result
        if status >= 400 or (status >= 300 and status not in REDIRECT_STATUSES):
            raise FetchError(f"HTTP {status} from {url}.")
        result = FetchResult(url=url, status=status, body=body, headers=response_headers)
        if status == 200:
            self._remember(url, result, response_headers)
        return result

    async def _request(self, url: str, headers: dict[str, str]) -> tuple[int, CIMultiDictProxy[str], bytes]:
        session = self._get_session()
        async with session.get(url, headers=headers, allow_redirects=False) as response:
            if response.status in REDIRECT_STATUSES or response.status >= 300:
                return response.status, response.headers, b""
            declared = response.content_length
            if declared is not None and declared > self.max_bytes:
                raise FetchError(_too_large(url, self.max_bytes))
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    # Stop reading: leaving the context manager closes the connection.
                    raise FetchError(_too_large(url, self.max_bytes))
                chunks.append(chunk)
            return response.status, response.headers, b"".join(chunks)

    async def _wait_for_host(self, host: str, port: int | None) -> None:
        """Space requests to one host `host_interval` apart (politeness, not correctness)."""
        key = f"{host}:{port}"
        lock = self._host_locks.setdefault(key, asyncio.Lock())
        async with lock:
            wait = self._host_next.get(key, 0.0) - self._clock()
            if wait > 0:
                await self._sleep(wait)
            self._host_next[key] = self._clock() + self.host_interval

    def _remember(
        self,
        url: str,
        result: FetchResult,
        headers: Mapping[str, str],
        *,
        revalidated: _CacheEntry | None = None,
    ) -> None:
        """Cache `result` as `headers` allow. After a 304, `revalidated` is the entry it confirmed:
        what the 304 does not restate (validators, Cache-Control) carries over from it. A fresh
        200 carries nothing over, so a body served without validators is never paired with the
        previous body's ETag and later handed out on a 304."""
        source = headers
        if revalidated is not None and "Cache-Control" not in headers:
            source = revalidated.result.headers
        control = ",".join(_all(source, "Cache-Control"))
        lowered = control.lower()
        if "no-store" in lowered or len(result.body) > CACHE_MAX_BODY:
            self._cache.pop(url, None)
            return
        match = _MAX_AGE.search(control)
        max_age = 0 if "no-cache" in lowered or match is None else int(match.group(1))
        # Age: how long the response already sat in caches upstream (GOV.UK's CDN) counts too.
        age = headers.get("Age", "")
        max_age -= int(age) if age.isdigit() else 0
        etag = headers.get("ETag")
        last_modified = headers.get("Last-Modified")
        if revalidated is not None:
            etag = etag or revalidated.etag
            last_modified = last_modified or revalidated.last_modified
        if max_age <= 0 and not etag and not last_modified:
            self._cache.pop(url, None)  # nothing to reuse it with
            return
        self._cache[url] = _CacheEntry(result, self._clock() + max(max_age, 0), etag, last_modified)
        self._cache.move_to_end(url)
        while len(self._cache) > CACHE_ENTRIES or self._cached_bytes() > CACHE_BYTES:
            self._cache.popitem(last=False)

    def _cached_bytes(self) -> int:
        return sum(len(entry.result.body) for entry in self._cache.values())


def _all(headers: Mapping[str, str], name: str) -> list[str]:
    """Every value of a header that may be repeated (aiohttp's multidict), or the one there is."""
    if isinstance(headers, CIMultiDictProxy):
        return headers.getall(name, [])
    value = headers.get(name)
    return [value] if value is not None else []


def _too_large(url: str, limit: int) -> str:
    return f"{url} is larger than {limit // (1024 * 1024)} MB; not reading more."


def _describe(error: aiohttp.ClientError) -> str:
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {error.host}:{error.port}"
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return "the server closed the connection"
    return str(error) or type(error).__name__
