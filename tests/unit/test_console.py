"""The offline console: parsing typed commands and running scripts against a real Store."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.console import ConsoleInputError, Invocation, help_text, parse_line, run_console
from bot.models import Block, BlockKind, DocType, Extraction, Money, Organisation, Quote, Sentence, Story
from bot.presenting import OGL_ATTRIBUTION
from bot.storage import Store, open_store

# --- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/news latest", Invocation("latest", {})),
        (
            "/news latest count:3 organisation:home-office",
            Invocation("latest", {"count": 3, "organisation": "home-office"}),
        ),
        ("news latest count:3", Invocation("latest", {"count": 3})),
        ("latest 7", Invocation("latest", {"count": 7})),
        (
            "/news summary story:cycling-funding sentences:2",
            Invocation("summary", {"story": "cycling-funding", "sentences": 2}),
        ),
        (
            '/news summary story:"Cycling funding: announced" sentences:2',
            Invocation("summary", {"story": "Cycling funding: announced", "sentences": 2}),
        ),
        (
            "/news story story:Cycling funding announced",
            Invocation("story", {"story": "Cycling funding announced"}),
        ),
        ("/news story Cycling funding", Invocation("story", {"story": "Cycling funding"})),
        (
            "/news quotes speaker:Jo Johnson story:border-checks",
            Invocation("quotes", {"speaker": "Jo Johnson", "story": "border-checks"}),
        ),
        ("/news funding min_amount:£5m", Invocation("funding", {"min_amount": "£5m"})),
        (
            "/news search query:Secretary's “new” plan",
            Invocation("search", {"query": 'Secretary\'s "new" plan'}),
        ),
        (
            '/news search query:"rural roads" OR ferries',
            Invocation("search", {"query": '"rural roads" OR ferries'}),
        ),
        ('/news search query:"rural roads"', Invocation("search", {"query": '"rural roads"'})),
        ('/news story story:"Rural roads"', Invocation("story", {"story": "Rural roads"})),
        (
            '/news quotes speaker:"Jo story: Johnson" story:x',
            Invocation("quotes", {"speaker": "Jo story: Johnson", "story": "x"}),
        ),
        (
            "/news search query:see https://www.gov.uk/x",
            Invocation("search", {"query": "see https://www.gov.uk/x"}),
        ),
        ("/NEWS Latest COUNT:2", Invocation("latest", {"count": 2})),
        ("/news quotes story:", Invocation("quotes", {})),
    ],
)
def test_parse_line(line: str, expected: Invocation) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/news", "Which /news command?"),
        ("/news weather", "There is no /news weather command"),
        ("/updates list", "There is no /updates command here"),
        ("/news story", "/news story needs story"),
        ("/news search query:", "/news search needs query"),
        ("/news latest count:many", "count must be a whole number"),
        ('/news story story:"unclosed', "quotation mark is not closed"),
        ("/news latest count:2 count:3", "You gave count twice"),
        ("/news latest story:abc", "/news latest has no story option. Its options are: count, organisation."),
    ],
)
def test_parse_line_explains_mistakes(line: str, message: str) -> None:
    with pytest.raises(ConsoleInputError) as caught:
        parse_line(line)
    assert message in caught.value.user_message


def test_help_lists_every_command_and_explains_one() -> None:
    text = help_text()
    for name in ("latest", "story", "summary", "quotes", "funding", "search"):
        assert f"/news {name}" in text
    assert "quit" in text
    assert "sentences: How many sentences (1 to 5, default 1)" in help_text("summary")
    assert "There is no /news nope command" in help_text("nope")


# --- running ---------------------------------------------------------------------------------------


def story(title: str, slug: str, paragraphs: list[str], day: int) -> Story:
    return Story(
        title=title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        source=f"data/samples/{slug}.txt",
        source_format="text",
        doc_type=DocType.NEWS_STORY,
        published_at=datetime(2026, 1, day, 12, tzinfo=UTC),
        base_path=f"/government/news/{slug}",
        organisations=(Organisation("Department for Transport", "department-for-transport"),),
    )


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[Store]:
    async with open_store(tmp_path / "console.db") as opened:
        paragraphs = ["Rail fares will be frozen for a year.", "The Rail Minister said: “Fares matter.”"]
        await opened.save(
            story("Rail fares frozen", "rail-fares", paragraphs, 5),
            Extraction(
                quotes=(Quote("Sam Rail", "Rail Minister", "Fares matter.", 1),),
                money=(Money("£2 billion", Decimal(2_000_000_000), "GBP", True, 0, purpose="fare freeze"),),
                summary=(Sentence(paragraphs[0], 0, 0),),
                version=1,
            ),
        )
        yield opened


async def run_script(store: Store, script: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await run_console(store, io.StringIO(script), out)
    return code, out.getvalue()


async def test_a_script_answers_every_command(store: Store) -> None:
    script = "\n".join(
        [
            "# comments and blank lines are skipped",
            "",
            "/news latest",
            "/news story story:rail-fares",
            "/news summary story:Rail fares frozen sentences:1",
            "/news quotes speaker:Sam",
            "/news funding min_amount:1000000",
            "/news search query:fares",
        ]
    )
    code, out = await run_script(store, script)
    assert code == 0, out
    assert out.count("newsbot> /news") == 6
    assert "Latest stories\n==============" in out
    assert "Type: News story" in out
    assert "Rail fares will be frozen for a year." in out
    assert "Sam Rail, Rail Minister\n  “Fares matter.”" in out
    assert "£2 billion" in out and "fare freeze" in out
    assert "**fares**" in out
    assert "(https://www.gov.uk/government/news/rail-fares)" in out
    assert OGL_ATTRIBUTION in out
    assert "\\" not in out and "\u200b" not in out  # Discord escapes never reach the terminal


async def test_a_failing_line_is_explained_and_the_exit_code_says_so(store: Store) -> None:
    code, out = await run_script(store, "/news story story:no such thing\n/news latest count:1\n")
    assert code == 1
    assert "No stored story matches “no such thing”" in out
    assert "Rail fares frozen" in out  # later lines still run


async def test_quit_stops_reading_and_help_prints(store: Store) -> None:
    code, out = await run_script(store, "help\nquit\n/news latest\n")
    assert code == 0
    assert "Commands (options are name:value" in out
    assert "Latest stories" not in out


async def test_an_unexpected_error_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    async with open_store(":memory:") as broken:

        async def explode(*args: object, **kwargs: object) -> None:
            raise RuntimeError("disk on fire")

        broken.latest = explode  # type: ignore[method-assign]
        code, out = await run_script(broken, "/news latest\n")
    assert code == 1
    assert out.endswith("Something went wrong. It has been logged.\n")
    assert [r.levelname for r in caplog.records if r.name == "bot.console"] == ["ERROR"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_on_a_terminal_it_greets_prompts_and_ends_on_eof(store: Store) -> None:
    out = FakeTerminal()
    code = await run_console(store, FakeTerminal("/news latest count:1\n"), out)
    text = out.getvalue()
    assert code == 0
    assert text.startswith("newsbot console:")
    assert "1 story stored. Try: /news latest" in text
    assert "newsbot> " in text and "Rail fares frozen" in text
