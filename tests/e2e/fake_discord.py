"""A small fake of Discord for end-to-end tests: the v10 REST API and gateway the bot uses.

An aiohttp server on 127.0.0.1 that real discord.py talks to over real sockets. It serves login
(`/users/@me`, `/oauth2/applications/@me`), `/gateway(/bot)`, command sync, interaction callbacks,
webhook follow-ups and edits, and channel messages; and a websocket gateway (HELLO, IDENTIFY → READY
+ GUILD_CREATE, heartbeats, RESUME with replay of what was missed) speaking JSON, zlib-stream
compressed when the client asks for it (discord.py does by default).

It models Discord where the bot could get it wrong: after a deferred (type 5) callback the first
follow-up replaces the "thinking" message and keeps the defer's visibility; an interaction is
acknowledged once; a channel message with `enforce_nonce` returns the earlier message for a repeated
nonce; messages breaking Discord's limits (embeds, components, autocomplete choices) get a 400 and
are recorded in `FakeDiscord.invalid` so every test can assert the bot never sent one. Tests drive it
with `slash()`, `autocomplete()` and `press()`, which build INTERACTION_CREATE payloads shaped like
Discord's from the command definitions the bot synced.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

T = TypeVar("T")

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
IS_COMPONENTS_V2 = 1 << 15
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content

# Application command option types, interaction types, callback types and gateway opcodes.
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE = 4, 5
DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT = 6, 7, 8
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 9, 10, 11

JSON_BODY = web.RequestKey("json_body", object)  # the request's parsed JSON, read once by the middleware

EVERYONE_PERMISSIONS = "2248473465835073"  # what a member of a fresh guild gets
MANAGE_GUILD = 1 << 5
MODERATOR_PERMISSIONS = str(int(EVERYONE_PERMISSIONS) | MANAGE_GUILD)  # what /updates needs
VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS = 1 << 10, 1 << 11, 1 << 14
OPTION_CHANNEL, OPTION_ROLE = 7, 8
THREAD_TYPES = (10, 11, 12)
APP_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 38))


class Snowflakes:
    """Increasing ids, as Discord's are, starting from a fixed instant so runs are repeatable."""

    def __init__(self, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self._base = (int(start.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        return str(self._base + (next(self._counter) << 12))


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """discord.py only parses bodies whose Content-Type is exactly application/json."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def _form_error(errors: list[str]) -> dict[str, Any]:
    return {"code": 50035, "message": "Invalid Form Body", "errors": {"_errors": errors}}


# --- Discord's limits ------------------------------------------------------------------------------


def units(text: str) -> int:
    """Length as Discord counts it here: UTF-16 code units (an emoji can count 2). Stricter than code
    points, so a message passing this fake passes Discord."""
    return len(text.encode("utf-16-le")) // 2


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 across a message's embeds."""
    total = units(embed.get("title") or "") + units(embed.get("description") or "")
    total += units((embed.get("footer") or {}).get("text") or "")
    total += units((embed.get("author") or {}).get("name") or "")
    for fld in embed.get("fields") or []:
        total += units(fld.get("name") or "") + units(fld.get("value") or "")
    return total


def message_problems(body: Mapping[str, Any]) -> list[str]:
    """Why Discord would answer 400 to this message body; empty when it would accept it."""
    problems: list[str] = []
    content = body.get("content")
    if content is not None and units(content) > 2000:
        problems.append(f"content is {units(content)} characters (max 2000)")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (max 10)")
    for i, embed in enumerate(embeds):
        for key, limit in (("title", 256), ("description", 4096)):
            value = embed.get(key)
            if value is not None and units(value) > limit:
                problems.append(f"embeds[{i}].{key} is {units(value)} characters (max {limit})")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embeds[{i}] has {len(fields)} fields (max 25)")
        for j, fld in enumerate(fields):
            if not fld.get("name") or units(fld["name"]) > 256:
                problems.append(f"embeds[{i}].fields[{j}].name is empty or over 256 characters")
            if not fld.get("value") or units(fld["value"]) > 1024:
                problems.append(f"embeds[{i}].fields[{j}].value is empty or over 1024 characters")
        footer = (embed.get("footer") or {}).get("text")
        if footer is not None and units(footer) > 2048:
            problems.append(f"embeds[{i}].footer.text is {units(footer)} characters (max 2048)")
        author = (embed.get("author") or {}).get("name")
        if author is not None and units(author) > 256:
            problems.append(f"embeds[{i}].author.name is {units(author)} characters (max 256)")
        url = embed.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            problems.append(f"embeds[{i}].url {url!r} is not an http(s) URL")
    total = sum(embed_length(e) for e in embeds)
    if total > 6000:
        problems.append(f"embeds total {total} characters (max 6000)")
    if not int(body.get("flags") or 0) & IS_COMPONENTS_V2:
        problems.extend(_component_problems(body.get("components") or []))
    return problems


def _component_problems(rows: list[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows (max 5)")
    custom_ids: list[str] = []
    for i, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(children) <= 5:
            problems.append(f"components[{i}] is not an action row of 1 to 5 components")
        for child in children:
            if child.get("type") == 2:  # button
                label = child.get("label") or ""
                if len(label) > 80:
                    problems.append(f"button label {label!r} over 80 characters")
                if child.get("style") == 5:
                    if not child.get("url"):
                        problems.append("link button without url")
                elif not child.get("custom_id") or len(child["custom_id"]) > 100:
                    problems.append("button custom_id missing or over 100 characters")
                if not label and not child.get("emoji"):
                    problems.append("button with neither label nor emoji")
            if child.get("custom_id"):
                custom_ids.append(child["custom_id"])
    if len(custom_ids) != len(set(custom_ids)):
        problems.append(f"duplicate custom_ids {custom_ids}")
    return problems


def choice_problems(choices: list[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(choices) > 25:
        problems.append(f"{len(choices)} autocomplete choices (max 25)")
    for choice in choices:
        name, value = choice.get("name", ""), choice.get("value")
        if not 1 <= len(name) <= 100:
            problems.append(f"choice name {name!r} not 1 to 100 characters")
        if isinstance(value, str) and not 1 <= len(value) <= 100:
            problems.append(f"choice value {value!r} not 1 to 100 characters")
    return problems


# --- records -----------------------------------------------------------------------------------------


@dataclass
class Request:
    """One REST request the bot made, as the fake saw and answered it."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    status: int
    at: float  # loop.time() when it arrived


@dataclass
class Interaction:
    """One interaction the test sent and everything the bot did with it."""

    payload: dict[str, Any]
    dispatched_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # every callback body, accepted or not
    callback_at: float | None = None
    original: dict[str, Any] | None = None  # the message the interaction's response created or updated
    followups: list[dict[str, Any]] = field(default_factory=list)  # new messages from follow-ups
    edits: list[dict[str, Any]] = field(default_factory=list)  # bodies of edits to the original
    deferred_pending: bool = False  # a type-5 callback awaits the follow-up that replaces it

    @property
    def id(self) -> str:
        return str(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])

    @property
    def callback(self) -> dict[str, Any] | None:
        return self.callbacks[0] if self.callbacks else None

    @property
    def latency(self) -> float | None:
        return None if self.callback_at is None else self.callback_at - self.dispatched_at


@dataclass
class GatewayConnection:
    path: str
    query: dict[str, str]
    ws: web.WebSocketResponse
    request: web.Request
    compressor: Any | None  # zlib compressobj for zlib-stream, else None
    identified: bool = False
    resumed: bool = False
    dropped: bool = False
    heartbeats: int = 0


@dataclass
class RateLimitPlan:
    remaining: int
    retry_after: float
    is_global: bool
    match: Callable[[str, str], bool]


# --- the server ------------------------------------------------------------------------------------


class FakeDiscord:
    """A fake Discord for one bot. `await start()`, point discord.py at `api_base`/`gateway_url`."""

    def __init__(self, *, token: str = "fake-bot-token.not-a-real-secret") -> None:
        self.token = token
        self.wait_seconds = 5.0  # how long wait_until() waits before failing the test
        self.ids = Snowflakes()
        self.app_id = self.ids()
        self.bot_user: dict[str, Any] = self.user(self.app_id, "newsbot", bot=True)
        self.owner = self.user(self.ids(), "owner")
        self.guild_id = self.ids()
        self.channel_id = self.ids()
        self.other_channel_id = self.ids()
        # Every guild the bot is in (id -> name) and every channel (id -> payload); tests add more
        # with add_guild() / add_channel() before the bot starts.
        self.guild_names: dict[str, str] = {self.guild_id: "Test Guild"}
        self.channels: dict[str, dict[str, Any]] = {
            self.channel_id: self.channel(self.channel_id, "news"),
            self.other_channel_id: self.channel(self.other_channel_id, "general"),
        }
        self.roles: dict[str, dict[str, Any]] = {}  # role id -> payload, beside each guild's @everyone
        # Channels whose message sends fail: channel id -> (status, Discord error code).
        self.refuse_posts: dict[str, tuple[int, int]] = {}
        self.hold_posts: asyncio.Event | None = None  # set: channel message posts wait for it
        self.user_a = self.user(self.ids(), "alice")
        self.user_b = self.user(self.ids(), "bob")

        self.requests: list[Request] = []
        self.invalid: list[str] = []  # every message or choice list Discord would have refused
        self.synced: dict[str | None, list[dict[str, Any]]] = {}  # guild id (None: global) -> commands
        self.sync_count = 0
        self.sync_error: tuple[int, dict[str, Any]] | None = None  # answer command syncs with this
        self.messages: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.connections: list[GatewayConnection] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.resume_payloads: list[dict[str, Any]] = []

        self.session_id = secrets.token_hex(16)
        self._seq = 0
        self._sent_dispatches: list[dict[str, Any]] = []  # replayed after a RESUME
        self._nonces: dict[tuple[str, str], str] = {}
        self._rate_limits: list[RateLimitPlan] = []
        self._server_errors: list[list[Any]] = []  # [remaining, status, match]
        self.global_limit: int | None = None  # e.g. 50: enforce Discord's global rate limit
        self.global_429s = 0
        self._recent: collections.deque[float] = collections.deque()  # times of counted requests
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume-gateway", self._gateway)
        r = app.router
        p = API_PREFIX
        r.add_get(p + "/users/@me", self._get_me)
        r.add_get(p + "/oauth2/applications/@me", self._get_application)
        r.add_get(p + "/gateway", self._get_gateway)
        r.add_get(p + "/gateway/bot", self._get_gateway_bot)
        r.add_put(p + "/applications/{app}/commands", self._put_commands)
        r.add_put(p + "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        r.add_get(p + "/applications/{app}/commands", self._get_commands)
        r.add_get(p + "/applications/{app}/guilds/{guild}/commands", self._get_commands)
        r.add_post(p + "/interactions/{id}/{token}/callback", self._callback)
        r.add_post(p + "/webhooks/{app}/{token}", self._followup)
        r.add_route("*", p + "/webhooks/{app}/{token}/messages/{message}", self._webhook_message)
        r.add_get(p + "/channels/{channel}", self._get_channel)
        r.add_post(p + "/channels/{channel}/messages", self._post_channel_message)
        r.add_get(p + "/channels/{channel}/messages", self._list_channel_messages)
        r.add_route("*", p + "/channels/{channel}/messages/{message}", self._channel_message)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for conn in self.connections:
            if not conn.ws.closed:
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- waiting ---------------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, check: Callable[[], T | None]) -> T:
        """Wait until `check()` returns something other than None/False, and return it."""
        async with asyncio.timeout(self.wait_seconds), self._changed:
            while True:
                result = check()
                if result is not None and result is not False:
                    return result
                await self._changed.wait()

    async def wait_request(self, method: str, path_part: str) -> Request:
        def find() -> Request | None:
            return next((r for r in self.requests if r.method == method and path_part in r.path), None)

        return await self.wait_until(find)

    # --- rate limits -----------------------------------------------------------------------------

    def rate_limit_next(
        self,
        count: int,
        *,
        retry_after: float = 0.05,
        is_global: bool = False,
        match: Callable[[str, str], bool] = lambda method, path: True,
    ) -> None:
        """Answer the next `count` matching REST requests with a 429 (as Discord, with a Via header)."""
        self._rate_limits.append(RateLimitPlan(count, retry_after, is_global, match))

    def _over_global_limit(self, path: str) -> bool:
        """Discord's global limit: at most `global_limit` bot requests in any one second
        (interaction callbacks and webhooks are exempt)."""
        if self.global_limit is None or path.startswith(("/interactions/", "/webhooks/")):
            return False
        now = asyncio.get_running_loop().time()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.global_limit:
            return True
        self._recent.append(now)
        return False

    def server_error_next(
        self, count: int, *, status: int = 500, match: Callable[[str, str], bool] = lambda method, path: True
    ) -> None:
        """Handle the next `count` matching requests, then answer them with `status` instead."""
        self._server_errors.append([count, status, match])

    def _take_server_error(self, method: str, path: str) -> int | None:
        for plan in self._server_errors:
            if plan[0] > 0 and plan[2](method, path):
                plan[0] -= 1
                return int(plan[1])
        return None

    def _take_rate_limit(self, method: str, path: str) -> RateLimitPlan | None:
        for plan in self._rate_limits:
            if plan.remaining > 0 and plan.match(method, path):
                plan.remaining -= 1
                return plan
        return None

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        body = await self._read_body(request)
        record = Request(
            request.method, path, dict(request.query), body, 0, asyncio.get_running_loop().time()
        )
        self.requests.append(record)
        await self._notify()  # wait_request() sees a request as soon as it arrives
        bucket = f"{request.method}:{request.match_info.route.resource.canonical if request.match_info.route.resource else path}"
        limit_headers = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{datetime.now(UTC).timestamp() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": format(zlib.crc32(bucket.encode()), "08x"),
        }
        plan = self._take_rate_limit(request.method, path)
        if plan is None and self._over_global_limit(path):
            self.global_429s += 1
            plan = RateLimitPlan(1, 0.05, True, lambda method, path: True)
        response: web.StreamResponse
        if plan is not None:
            response = json_response(
                {
                    "message": "You are being rate limited.",
                    "retry_after": plan.retry_after,
                    "global": plan.is_global,
                },
                status=429,
                headers={
                    **limit_headers,
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": f"{plan.retry_after:.3f}",
                    "X-RateLimit-Scope": "global" if plan.is_global else "user",
                    "Retry-After": str(max(1, round(plan.retry_after))),
                    "Via": "1.1 google",
                    **({"X-RateLimit-Global": "true"} if plan.is_global else {}),
                },
            )
        elif not self._authorised(request, path):
            response = json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        else:
            request[JSON_BODY] = body
            response = await handler(request)
            failure = self._take_server_error(request.method, path)
            if failure is not None:
                # Discord did the work (a message was created) but the answer is lost: a 5xx.
                response = json_response({"message": "Internal Server Error", "code": 0}, status=failure)
            for key, value in limit_headers.items():
                response.headers.setdefault(key, value)
        record.status = response.status
        await self._notify()
        return response

    def _authorised(self, request: web.Request, path: str) -> bool:
        # Interaction callbacks and webhooks authenticate by their token in the URL.
        if path.startswith(("/interactions/", "/webhooks/")):
            return True
        return request.headers.get("Authorization") == f"Bot {self.token}"

    @staticmethod
    async def _read_body(request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type == "multipart/form-data":
            form = await request.post()
            raw = form.get("payload_json")
            return json.loads(str(raw)) if raw is not None else {}
        data = await request.read()
        return json.loads(data) if data else None

    # --- login ----------------------------------------------------------------------------------

    async def _get_me(self, request: web.Request) -> web.Response:
        return json_response(self.bot_user)

    async def _get_application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": self.app_id,
                "name": "newsbot",
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "hook": True,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED: the bot has no privileged intents
                "owner": self.owner,
                "team": None,
                "bot": self.bot_user,
                "rpc_origins": [],
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "install_params": None,
                "integration_types_config": {"0": {}},
                "approximate_guild_count": 1,
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    # --- application commands --------------------------------------------------------------------

    def remember_commands(
        self, commands: list[dict[str, Any]], guild: str | None = None
    ) -> list[dict[str, Any]]:
        """Store command definitions as Discord would after a sync (a sync in an earlier run)."""
        stored = [
            {
                "id": self.ids(),
                "application_id": self.app_id,
                "version": self.ids(),
                "type": cmd.get("type", 1),
                "default_member_permissions": cmd.get("default_member_permissions"),
                "nsfw": cmd.get("nsfw", False),
                **({"guild_id": guild} if guild else {}),
                **cmd,
            }
            for cmd in commands
        ]
        self.synced[guild] = stored
        return stored

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        if self.sync_error is not None:
            status, error = self.sync_error
            return json_response(error, status=status)
        if request.match_info["app"] != self.app_id:
            return json_response({"message": "Unknown Application", "code": 10002}, status=404)
        commands = self.remember_commands(list(request[JSON_BODY] or []), guild)
        self.sync_count += 1
        return json_response(commands)

    async def _get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.synced.get(request.match_info.get("guild"), []))

    # --- interactions ----------------------------------------------------------------------------

    async def _callback(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(request.match_info["id"])
        if inter is None or inter.token != request.match_info["token"]:
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        body = request[JSON_BODY] or {}
        inter.callbacks.append(body)
        if len(inter.callbacks) > 1:
            return json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, status=400
            )
        inter.callback_at = asyncio.get_running_loop().time()
        kind, data = body.get("type"), body.get("data") or {}
        problems = choice_problems(data.get("choices") or []) if kind == AUTOCOMPLETE_RESULT else []
        if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            problems = message_problems(data)
        if problems:
            self.invalid.extend(problems)
            return json_response(_form_error(problems), status=400)

        message: dict[str, Any] | None = None
        if kind == CHANNEL_MESSAGE:
            message = self._new_message(inter, data)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self._new_message(inter, {"content": "", "flags": flags})
            inter.deferred_pending = True
        elif kind in (UPDATE_MESSAGE, DEFERRED_UPDATE):
            message = inter.original
            if message is not None and kind == UPDATE_MESSAGE:
                self._apply_edit(message, data)
        elif kind != AUTOCOMPLETE_RESULT:
            return json_response(_form_error([f"callback type {kind} not modelled"]), status=400)
        if message is not None and kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            inter.original = message
        answer: dict[str, Any] = {"interaction": {"id": inter.id, "type": inter.payload["type"]}}
        if message is not None:
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=bool(message["flags"] & LOADING),
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            answer["resource"] = {"type": kind, "message": message}
        else:
            answer["resource"] = {"type": kind}
        return json_response(answer)

    def _interaction_by_token(self, app: str, token: str) -> Interaction | None:
        if app != self.app_id:
            return None
        return next((i for i in self.interactions.values() if i.token == token), None)

    async def _followup(self, request: web.Request) -> web.Response:
        inter = self._interaction_by_token(request.match_info["app"], request.match_info["token"])
        if inter is None or not inter.callbacks:
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        body = request[JSON_BODY] or {}
        problems = message_problems(body)
        if problems:
            self.invalid.extend(problems)
            return json_response(_form_error(problems), status=400)
        if inter.deferred_pending and inter.original is not None:
            # Discord: the first follow-up after a deferred response replaces the "thinking"
            # message, and keeps the defer's visibility whatever flags it asks for.
            inter.deferred_pending = False
            flags = (int(body.get("flags") or 0) & ~EPHEMERAL) | (inter.original["flags"] & EPHEMERAL)
            self._apply_edit(inter.original, {**body, "flags": flags})
            inter.edits.append(body)
            return json_response(inter.original)
        message = self._new_message(inter, body)
        inter.followups.append(message)
        return json_response(message)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        inter = self._interaction_by_token(request.match_info["app"], request.match_info["token"])
        if inter is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        wanted = request.match_info["message"]
        if wanted == "@original":
            message = inter.original
        else:
            message = next((m for m in [inter.original, *inter.followups] if m and m["id"] == wanted), None)
        if message is not None and message is inter.original:

            def on_edit(body: Mapping[str, Any]) -> None:
                inter.deferred_pending = False
                inter.edits.append(body)

            return self._message_request(request, message, on_edit)
        return self._message_request(request, message)

    def _message_request(
        self,
        request: web.Request,
        message: dict[str, Any] | None,
        on_edit: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> web.Response:
        """GET, DELETE or PATCH one message, as Discord answers them for channels and webhooks."""
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        if request.method == "GET":
            return json_response(message)
        if request.method == "DELETE":
            message["deleted"] = True
            return web.Response(status=204)
        if request.method != "PATCH":
            return json_response({"message": "405: Method Not Allowed", "code": 0}, status=405)
        body = request[JSON_BODY] or {}
        problems = message_problems({**message, **body})
        if problems:
            self.invalid.extend(problems)
            return json_response(_form_error(problems), status=400)
        if on_edit is not None:
            on_edit(body)
        self._apply_edit(message, body)
        return json_response(message)

    def _new_message(self, inter: Interaction, body: Mapping[str, Any]) -> dict[str, Any]:
        payload = inter.payload
        user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
        owners = {"0": payload["guild_id"]} if payload.get("guild_id") else {"1": user.get("id")}
        message = self._message(
            str(payload["channel"]["id"]),
            body,
            message_type=20 if payload["type"] == APPLICATION_COMMAND else 0,
            webhook_id=self.app_id,
        )
        message["interaction_metadata"] = {
            "id": inter.id,
            "type": payload["type"],
            "user": user,
            "authorizing_integration_owners": owners,
        }
        return message

    def _message(
        self,
        channel_id: str,
        body: Mapping[str, Any],
        *,
        message_type: int = 0,
        webhook_id: str | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": self.ids(),
            "channel_id": channel_id,
            "type": message_type,
            "author": self.bot_user,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": bool(body.get("tts")),
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "flags": int(body.get("flags") or 0),
            "allowed_mentions": body.get("allowed_mentions"),  # kept so tests can assert on it
            "application_id": self.app_id,
        }
        if webhook_id is not None:
            message["webhook_id"] = webhook_id
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        self.messages[message["id"]] = message
        return message

    @staticmethod
    def _apply_edit(message: dict[str, Any], body: Mapping[str, Any]) -> None:
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            message["flags"] = int(body["flags"])
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = _now_iso()

    # --- channels --------------------------------------------------------------------------------

    def channel(
        self, channel_id: str, name: str, *, guild_id: str | None = None, deny: int = 0, kind: int = 0
    ) -> dict[str, Any]:
        guild_id = guild_id or self.guild_id
        # `deny` is taken from @everyone (whose role id is the guild's id), so from the bot too.
        overwrites = [{"id": guild_id, "type": 0, "allow": "0", "deny": str(deny)}] if deny else []
        return {
            "id": channel_id,
            "type": kind,
            "guild_id": guild_id,
            "name": name,
            "position": 0,
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "permission_overwrites": overwrites,
            "flags": 0,
        }

    def add_guild(self, name: str) -> tuple[str, str]:
        """Another server with the bot in it and one text channel: (guild id, channel id)."""
        guild_id = self.ids()
        self.guild_names[guild_id] = name
        return guild_id, self.add_channel("news", guild_id=guild_id)

    def add_channel(self, name: str, *, guild_id: str | None = None, deny: int = 0, kind: int = 0) -> str:
        """A channel (kind 0 text, 5 announcement) where @everyone is denied the `deny` bits."""
        channel_id = self.ids()
        self.channels[channel_id] = self.channel(channel_id, name, guild_id=guild_id, deny=deny, kind=kind)
        return channel_id

    def add_thread(self, name: str, parent: str) -> str:
        """A public thread in channel `parent`, active (so Discord lists it in GUILD_CREATE)."""
        thread_id = self.ids()
        self.channels[thread_id] = {
            **self.channel(thread_id, name, guild_id=self.channels[parent]["guild_id"], kind=11),
            "parent_id": parent,
            "owner_id": self.owner["id"],
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }
        return thread_id

    def add_role(self, name: str, *, guild_id: str | None = None) -> str:
        role_id = self.ids()
        self.roles[role_id] = {
            "id": role_id,
            "guild_id": guild_id or self.guild_id,
            "name": name,
            "permissions": "0",
            "position": 1,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": True,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }
        return role_id

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages posted in a channel (not interaction responses), oldest first."""
        return [
            m
            for m in self.messages.values()
            if m["channel_id"] == channel_id and "interaction_metadata" not in m and not m.get("deleted")
        ]

    async def _get_channel(self, request: web.Request) -> web.Response:
        cid = request.match_info["channel"]
        if cid not in self.channels:
            return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        return json_response(self.channels[cid])

    async def _post_channel_message(self, request: web.Request) -> web.Response:
        cid = request.match_info["channel"]
        if cid not in self.channels:
            return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        if self.hold_posts is not None:
            await self.hold_posts.wait()  # a send in flight, for as long as the test wants
        if cid in self.refuse_posts:
            return self._refusal(cid)
        body = request[JSON_BODY] or {}
        problems = message_problems(body)
        if problems:
            self.invalid.extend(problems)
            return json_response(_form_error(problems), status=400)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self._nonces.get((cid, str(nonce)))
            if earlier is not None:
                return json_response(self.messages[earlier])
        message = self._message(cid, body)
        if nonce is not None:
            self._nonces[(cid, str(nonce))] = message["id"]
        return json_response(message)

    def _refusal(self, cid: str) -> web.Response:
        """What Discord answers a channel the bot lost (`refuse_posts`): 403 or 404 with its code; any
        other status is a request it refuses as such (400 Invalid Form Body)."""
        status, code = self.refuse_posts[cid]
        reason = {403: "Missing Access", 404: "Unknown Channel"}.get(status, "Invalid Form Body")
        return json_response({"message": reason, "code": code}, status=status)

    async def _list_channel_messages(self, request: web.Request) -> web.Response:
        cid = request.match_info["channel"]
        limit = int(request.query.get("limit", "50"))
        found = [m for m in self.messages.values() if m["channel_id"] == cid and not m.get("deleted")]
        return json_response(list(reversed(found))[:limit])

    async def _channel_message(self, request: web.Request) -> web.Response:
        cid = request.match_info["channel"]
        if request.method == "PATCH" and cid in self.refuse_posts:  # a lost channel refuses edits too
            return self._refusal(cid)
        message = self.messages.get(request.match_info["message"])
        if message is not None and (
            message.get("deleted") or message["channel_id"] != request.match_info["channel"]
        ):
            message = None
        return self._message_request(request, message)

    # --- gateway ---------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream"):
            # discord.py asks for zstd-stream when a zstd module is importable; not modelled here.
            self.invalid.append(f"gateway compress={compress} is not modelled by the fake (only zlib-stream)")
            await ws.close(code=4000, message=b"unsupported compression")
            return ws
        compressor = zlib.compressobj() if compress == "zlib-stream" else None
        conn = GatewayConnection(request.path, dict(request.query), ws, request, compressor)
        self.connections.append(conn)
        await self._notify()
        await self._send(conn, {"op": OP_HELLO, "d": {"heartbeat_interval": 41250, "_trace": ["fake"]}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            await self._on_gateway_message(conn, payload)
        await self._notify()
        return ws

    async def _send(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        if conn.ws.closed or conn.dropped:
            return  # a dispatch stays in _sent_dispatches for the RESUME replay
        data = json.dumps(payload)
        try:
            if conn.compressor is None:
                await conn.ws.send_str(data)
            else:
                # zlib-stream: one compression context per connection, each message ending in a
                # Z_SYNC_FLUSH marker (00 00 ff ff), as discord.py's decompressor expects.
                frame = conn.compressor.compress(data.encode()) + conn.compressor.flush(zlib.Z_SYNC_FLUSH)
                await conn.ws.send_bytes(frame)
        except ConnectionResetError:
            conn.dropped = True

    async def _on_gateway_message(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == OP_HEARTBEAT:
            conn.heartbeats += 1
            await self._send(conn, {"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            self.identify_payloads.append(data)
            if data.get("token") != self.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return
            conn.identified = True
            self.session_id = secrets.token_hex(16)
            self._seq = 0
            self._sent_dispatches.clear()
            await self._dispatch_on(conn, "READY", self._ready_payload())
            for guild_id in self.guild_names:
                await self._dispatch_on(conn, "GUILD_CREATE", self._guild_payload(guild_id))
        elif op == OP_RESUME:
            self.resume_payloads.append(data)
            if data.get("token") != self.token or data.get("session_id") != self.session_id:
                await self._send(conn, {"op": OP_INVALID_SESSION, "d": False})
                return
            conn.resumed = True
            seen = int(data.get("seq") or 0)
            for missed in self._sent_dispatches:
                if missed["s"] > seen:
                    await self._send(conn, missed)
            await self._dispatch_on(conn, "RESUMED", {"_trace": ["fake"]})
        await self._notify()

    async def _dispatch_on(self, conn: GatewayConnection | None, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": self._seq, "d": data}
        self._sent_dispatches.append(payload)
        if conn is not None:
            await self._send(conn, payload)

    @property
    def live_connection(self) -> GatewayConnection | None:
        conn = self.connections[-1] if self.connections else None
        if conn is None or conn.ws.closed or conn.dropped or not (conn.identified or conn.resumed):
            return None
        return conn

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to the bot; while it is disconnected it is kept for the RESUME replay."""
        await self._dispatch_on(self.live_connection, event, data)

    async def drop_gateway(self, *, abrupt: bool = True) -> None:
        """Lose the bot's gateway connection: a dead TCP connection, or a close with code 4000."""
        conn = self.connections[-1]
        conn.dropped = True
        if abrupt:
            transport = conn.request.transport
            assert transport is not None
            transport.abort()
        else:
            await conn.ws.close(code=4000, message=b"Unknown error")
        await self._notify()

    def _ready_payload(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "user_settings": {},
            "session_type": "normal",
            "session_id": self.session_id,
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/resume-gateway",
            "guilds": [{"id": guild_id, "unavailable": True} for guild_id in self.guild_names],
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["london"],
            "application": {"id": self.app_id, "flags": 1 << 19},
            "auth_session_id_hash": "fake",
            "_trace": ["fake"],
        }

    def _guild_payload(self, guild_id: str | None = None) -> dict[str, Any]:
        guild_id = guild_id or self.guild_id
        channels = [
            c for c in self.channels.values() if c["guild_id"] == guild_id and c["type"] not in THREAD_TYPES
        ]
        threads = [
            c for c in self.channels.values() if c["guild_id"] == guild_id and c["type"] in THREAD_TYPES
        ]
        everyone = {
            "id": guild_id,
            "name": "@everyone",
            "permissions": EVERYONE_PERMISSIONS,
            "position": 0,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }
        me = self.member(self.bot_user)
        roles = [everyone, *(r for r in self.roles.values() if r["guild_id"] == guild_id)]
        return {
            "id": guild_id,
            "name": self.guild_names[guild_id],
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "owner_id": self.owner["id"],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [{k: v for k, v in r.items() if k != "guild_id"} for r in roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": channels[0]["id"] if channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-GB",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 25000000,
            "max_video_channel_users": 25,
            "joined_at": _now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": 3,
            "voice_states": [],
            "members": [me],
            "channels": channels,
            "threads": threads,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }

    # --- payload builders ------------------------------------------------------------------------

    def user(self, user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": user_id,
            "username": name,
            "global_name": None if bot else name.title(),
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
            "primary_guild": None,
            "avatar_decoration_data": None,
            "collectibles": None,
        }
        if bot:
            data["bot"] = True
        return data

    def member(self, user: dict[str, Any], permissions: str = EVERYONE_PERMISSIONS) -> dict[str, Any]:
        return {
            "user": user,
            "roles": [],
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
            "unusual_dm_activity_until": None,
            "permissions": permissions,
        }

    def interaction_payload(
        self,
        kind: int,
        data: dict[str, Any],
        user: dict[str, Any] | None,
        *,
        guild: str | None = None,
        permissions: str = EVERYONE_PERMISSIONS,
    ) -> dict[str, Any]:
        """An interaction typed in `guild` (default: the first), in its first channel, by a member
        with `permissions` there."""
        guild_id = guild or self.guild_id
        channel = next(c for c in self.channels.values() if c["guild_id"] == guild_id)
        for key, option in (data.get("resolved") or {}).get("channels", {}).items():
            option["permissions"] = permissions  # resolved channels carry the member's permissions
            option["guild_id"] = self.channels.get(key, {}).get("guild_id", guild_id)
        return {
            "id": self.ids(),
            "application_id": self.app_id,
            "type": kind,
            "data": data,
            "guild_id": guild_id,
            "guild": {"id": guild_id, "locale": "en-GB", "features": []},
            "channel_id": channel["id"],
            "channel": {**channel, "permissions": permissions},
            "member": self.member(user or self.user_a, permissions),
            "token": "itoken-" + secrets.token_urlsafe(24),
            "version": 1,
            "app_permissions": APP_PERMISSIONS,
            "locale": "en-GB",
            "guild_locale": "en-GB",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 10485760,
        }

    def _command_definition(self, name: str) -> dict[str, Any]:
        for commands in self.synced.values():
            for cmd in commands:
                if cmd["name"] == name:
                    return cmd
        raise LookupError(f"/{name} was never synced to the fake Discord, so a user could not run it")

    def _options(self, path: list[str], values: Mapping[str, Any], focused: str | None) -> dict[str, Any]:
        """data for /path[0] path[1:] with `values`, typed from the synced definition as Discord does."""
        root = self._command_definition(path[0])
        data: dict[str, Any] = {"id": root["id"], "name": root["name"], "type": 1}
        if root.get("guild_id"):
            data["guild_id"] = root["guild_id"]
        holder, definitions = data, root.get("options") or []
        for name in path[1:]:
            sub = next((o for o in definitions if o["name"] == name), None)
            if sub is None or sub["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
                raise LookupError(f"/{' '.join(path)}: no subcommand {name!r}")
            node: dict[str, Any] = {"type": sub["type"], "name": name, "options": []}
            holder.setdefault("options", []).append(node)
            holder, definitions = node, sub.get("options") or []
        options = holder.setdefault("options", [])
        for key, value in values.items():
            spec = next((o for o in definitions if o["name"] == key), None)
            if spec is None:
                raise LookupError(f"/{' '.join(path)} has no option {key!r}")
            option: dict[str, Any] = {"type": spec["type"], "name": key, "value": value}
            if key == focused:
                option["focused"] = True
            options.append(option)
            self._resolve(data, spec["type"], str(value))
        return data

    def _resolve(self, data: dict[str, Any], kind: int, value: str) -> None:
        """Discord sends the channels and roles that options name in `resolved`."""
        if kind not in (OPTION_CHANNEL, OPTION_ROLE):
            return
        resolved = data.setdefault("resolved", {})
        if kind == OPTION_CHANNEL:
            known = self.channels.get(value) or self.channel(value, "unknown")
            keys = ("id", "name", "type", "parent_id", "flags", "thread_metadata", "owner_id")
            keys += ("member_count", "message_count", "rate_limit_per_user")
            resolved.setdefault("channels", {})[value] = {k: known[k] for k in keys if k in known}
        elif kind == OPTION_ROLE:
            role = self.roles.get(value) or {"id": value, "name": "role", "permissions": "0"}
            resolved.setdefault("roles", {})[value] = {k: v for k, v in role.items() if k != "guild_id"}

    async def send_interaction(self, payload: dict[str, Any]) -> Interaction:
        inter = Interaction(payload=payload, dispatched_at=asyncio.get_running_loop().time())
        if payload["type"] == MESSAGE_COMPONENT:
            inter.original = self.messages.get(str(payload["message"]["id"]))
        self.interactions[inter.id] = inter
        await self.dispatch("INTERACTION_CREATE", payload)
        return inter

    def in_dm(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The same interaction from the user's direct messages with the bot: no guild, no member."""
        user = payload["member"]["user"]
        dm = {"id": self.ids(), "type": 1, "last_message_id": None, "flags": 0, "recipients": [user]}
        payload = {
            k: v for k, v in payload.items() if k not in ("guild_id", "guild", "member", "guild_locale")
        }
        return {
            **payload,
            "user": user,
            "channel_id": dm["id"],
            "channel": dm,
            "context": 1,
            "authorizing_integration_owners": {"0": user["id"]},
        }

    async def slash(
        self,
        command: str,
        *,
        user: dict[str, Any] | None = None,
        dm: bool = False,
        guild: str | None = None,
        permissions: str = EVERYONE_PERMISSIONS,
        **values: Any,
    ) -> Interaction:
        """Run e.g. slash("news summary", story="abc", sentences=3) as a user would (in `guild`,
        with `permissions`: MODERATOR_PERMISSIONS for Manage Server)."""
        path = command.split()
        data = self._options(path, values, None)
        payload = self.interaction_payload(
            APPLICATION_COMMAND, data, user, guild=guild, permissions=permissions
        )
        return await self.send_interaction(self.in_dm(payload) if dm else payload)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        *,
        user: dict[str, Any] | None = None,
        permissions: str = EVERYONE_PERMISSIONS,
        **values: Any,
    ) -> Interaction:
        """The user typing into option `focused` (its current text among `values`)."""
        path = command.split()
        values.setdefault(focused, "")
        data = self._options(path, values, focused)
        payload = self.interaction_payload(AUTOCOMPLETE, data, user, permissions=permissions)
        return await self.send_interaction(payload)

    async def press(
        self, message: dict[str, Any], custom_id: str, *, user: dict[str, Any] | None = None
    ) -> Interaction:
        """Press the button `custom_id` on `message` (a message this fake holds)."""
        current = self.messages[str(message["id"])]
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self.interaction_payload(MESSAGE_COMPONENT, data, user)
        payload["message"] = {k: v for k, v in current.items() if k != "allowed_mentions"}
        return await self.send_interaction(payload)

    # --- reading answers -------------------------------------------------------------------------

    async def answered(self, inter: Interaction) -> dict[str, Any]:
        """The callback body, once the bot sent it."""
        return await self.wait_until(lambda: inter.callback)

    async def reply(self, inter: Interaction) -> dict[str, Any]:
        """The message the user finally sees: the response, or the follow-up/edit replacing a defer."""

        def settled() -> dict[str, Any] | None:
            cb = inter.callback
            if cb is None or inter.original is None:
                return None
            if cb["type"] == DEFERRED_CHANNEL_MESSAGE and inter.original["flags"] & LOADING:
                return None
            if cb["type"] == DEFERRED_UPDATE and not inter.edits:
                return None
            return inter.original

        return await self.wait_until(settled)

    async def choices(self, inter: Interaction) -> list[dict[str, Any]]:
        cb = await self.answered(inter)
        assert cb["type"] == AUTOCOMPLETE_RESULT, cb
        return list(cb["data"]["choices"])


def buttons(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every button on a message, in order."""
    return [
        c
        for row in message.get("components") or []
        for c in row.get("components") or []
        if c.get("type") == 2
    ]


def button(message: Mapping[str, Any], label: str) -> dict[str, Any]:
    """The button labelled `label` on a message (discord.py gives buttons random custom ids)."""
    found = [b for b in buttons(message) if b.get("label") == label]
    assert len(found) == 1, f"no single {label!r} button among {[b.get('label') for b in buttons(message)]}"
    return found[0]


def embed_texts(message: Mapping[str, Any]) -> str:
    """Every piece of text a message shows, content and embeds, one per line, for `in` checks."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for fld in embed.get("fields") or []:
            parts += [fld["name"], fld["value"]]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p)
