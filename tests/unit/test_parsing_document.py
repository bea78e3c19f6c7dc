"""parse_document: format by content, every sample and fixture, and hostile inputs."""

from __future__ import annotations

import contextlib
import json
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InputError, NewsBotError, UnsupportedInput
from bot.parsing import MAX_INPUT_BYTES, Document, _load_json, parse_document
from bot.parsing.detect import sniff

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
SHARED = REPO / ".." / "shared" / "fixtures" / "govuk"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/fixtures/govuk is absent (shared fixtures live beside the repo)"
)
EXPECTED_FORMAT = {".txt": "text", ".json": "content_api", ".atom": "feed", ".rss": "feed", ".html": "html"}


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in EXPECTED_FORMAT)


def test_every_format_has_a_sample() -> None:
    assert {p.suffix for p in sample_files()} == set(EXPECTED_FORMAT)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_every_sample_parses_by_content(path: Path) -> None:
    doc = parse_document(path.read_bytes(), str(path))
    assert isinstance(doc, Document) and doc.format == EXPECTED_FORMAT[path.suffix]
    if doc.format == "feed":
        assert doc.feed_entries and not doc.stories
    else:
        (story,) = doc.stories
        assert story.title and story.blocks and story.source == str(path)
        assert any("£" in block.text for block in story.blocks)


def test_feed_samples_point_at_the_json_samples() -> None:
    json_paths = {json.loads(p.read_text(encoding="utf-8"))["base_path"] for p in SAMPLES.glob("*.json")}
    for name in ("search-news-and-communications.atom", "funding-announcements.rss"):
        entries = parse_document((SAMPLES / name).read_bytes(), name).feed_entries
        assert {e.base_path for e in entries if e.needs_body} == json_paths


def test_extension_does_not_matter() -> None:
    data = (SAMPLES / "funding-announcements.rss").read_bytes()
    assert parse_document(data, "feed.txt").format == "feed"
    assert parse_document(b"  \n" + data, "feed").format == "feed"


@needs_shared
@pytest.mark.parametrize(
    "name",
    [
        "seed-news-story.txt",
        "atom/home-office.atom",
        "atom/search-news-and-communications.atom",
        *(f"content-api/{p.name}" for p in sorted((SHARED / "content-api").glob("*.json"))),
    ]
    if SHARED.is_dir()
    else [],
)
def test_every_shared_fixture_parses(name: str) -> None:
    doc = parse_document((SHARED / name).read_bytes(), name)
    assert doc.format == {"txt": "text", "atom": "feed", "json": "content_api"}[name.rsplit(".", 1)[1]]
    assert doc.stories or doc.feed_entries


def test_bom_and_utf16_are_read() -> None:
    text = (SAMPLES / "councils-given-30-million-to-bring-empty-homes-back-into-use.txt").read_text(
        encoding="utf-8"
    )
    plain = parse_document(text.encode(), "a").stories[0]
    assert parse_document(b"\xef\xbb\xbf" + text.encode(), "a").stories[0].title == plain.title
    assert parse_document(text.encode("utf-16"), "a").stories[0].title == plain.title
    feed = (SAMPLES / "funding-announcements.rss").read_text(encoding="utf-8")
    utf16 = feed.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert len(parse_document(utf16, "f").feed_entries) == 4


def test_feed_in_a_declared_legacy_encoding_is_read() -> None:
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><item>'
        "<title>Café fund: £5 million</title><link>https://www.gov.uk/government/news/cafe</link>"
        "</item></channel></rss>"
    ).encode("latin-1")
    (entry,) = parse_document(data, "f").feed_entries
    assert entry.story.title == "Café fund: £5 million"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty: there is nothing in it"),
        (b" \n\t\r\n ", "empty: there is nothing in it"),
        (b"\xef\xbb\xbf   ", "empty: there is nothing in it"),
        (bytes(range(256)) * 4, "binary file (it contains NUL bytes)"),
        (b"\x89PNG\r\n\x1a\n" + b"x" * 50, "binary file (a PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3", "binary file (a PDF)"),
        (b"PK\x03\x04rest", "binary file (a ZIP archive"),
        (b"\x01\x02\x03\x04\x05\x06 text" * 20, "binary file (it is full of control characters)"),
        (
            "News story: Caf\xe9 opens\n\n\xa35 million for caf\xe9s.".encode("latin-1"),
            "not UTF-8 text (byte 0xE9 at offset 15",
        ),
        (b'{"title": "x", "details": {"body": "<p>', "malformed JSON at line 1 col 36"),
        (b'{\n  "title": "x",\n  "details": }', "malformed JSON at line 3 col 14"),
        (b"[" * 200_000, "malformed JSON"),
        (b'[{"schema_name": "news_article"}]', "a JSON list, not a Content API item"),
        (b'{"title": "x"}', "no schema_name"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "malformed XML at line 1"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>x</ti', "malformed XML at line 2"),
    ],
)
def test_bad_inputs_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_document(data, "bad")
    assert message in caught.value.user_message
    assert not isinstance(caught.value, UnsupportedInput)


def test_readable_but_not_news_is_unsupported() -> None:
    with pytest.raises(UnsupportedInput, match="a speech, not a news article"):
        parse_document(b'{"schema_name": "speech", "document_type": "speech", "title": "x"}', "speech.json")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("<!DOCTYPE HTML><title>x</title>", "html"),
        ("<HTML lang=en>", "html"),
        ("  \n<Feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        ("<RSS version='2.0'>", "feed"),
        ("<?xml version='1.0'?>\n<!-- a comment -->\n<HTML xmlns='http://www.w3.org/1999/xhtml'>", "html"),
        ("<?XML version='1.0'?><rdf:RDF>", "feed"),
        ("<!DOCTYPE rss><rss>", "feed"),
        ("<div>a fragment</div>", "html"),
        ('{"schema_name": "news_article"}', "content_api"),
        ("News story: <b>not markup</b>", "text"),
        ('[{"schema_name": "news_article"}]', "content_api"),
        ("[build-system]\nrequires = []", "text"),
    ],
)
def test_format_detection_ignores_case_and_looks_past_the_prologue(head: str, kind: str) -> None:
    assert sniff(head.encode())[0] == kind


def test_a_toml_file_is_not_a_story_rather_than_malformed_json() -> None:
    with pytest.raises(InputError, match="not a news story: a plain-text story starts with"):
        parse_document(b'[project]\nname = "newsbot"\n', "pyproject.toml")


def test_html_where_a_feed_was_expected() -> None:
    page = (SAMPLES / "8-million-to-expand-breakfast-clubs-in-rural-schools.html").read_bytes()
    assert parse_document(page, "p").format == "html"
    with pytest.raises(InputError, match="got an HTML page where a feed was expected"):
        parse_document(page, "https://www.gov.uk/feed.atom", expected="feed")
    with pytest.raises(InputError, match="HTML page where a feed was expected"):
        parse_document(
            b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            "x",
            expected="feed",
        )


def test_hostile_xml_via_parse_document() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<rss version="2.0"><channel><item><title>&b;</title></item></channel></rss>'
    )
    with pytest.raises(InputError, match="refused: the feed declares XML entities"):
        parse_document(bomb, "bomb.rss")
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>'
    )
    with pytest.raises(InputError, match="refused: the feed declares XML entities"):
        parse_document(xxe, "xxe.atom")


def test_long_leading_whitespace_is_not_empty() -> None:
    data = (SAMPLES / "uk-and-ghana-launch-15-million-clean-cooking-partnership.json").read_bytes()
    assert parse_document(b" " * 5000 + data, "x").format == "content_api"


def test_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match=r"too large: 20.0 MB \(the limit is 20 MB\)"):
        parse_document(b" " * (MAX_INPUT_BYTES + 1), "big")


def test_five_megabytes_of_junk_fails_fast() -> None:
    rng = random.Random(5)
    junk = rng.randbytes(5 * 1024 * 1024)
    high_bytes = bytes(b | 0x80 for b in junk)
    started = time.perf_counter()
    with pytest.raises(InputError, match="binary file"):
        parse_document(junk, "junk.bin")
    with pytest.raises(InputError, match="not UTF-8 text"):
        parse_document(high_bytes, "junk.txt")
    assert time.perf_counter() - started < 2


def test_five_megabytes_of_printable_junk_is_handled_fast() -> None:
    rng = random.Random(7)
    junk = "".join(rng.choices("abcdefghij \n.,<{", k=5 * 1024 * 1024)).encode()
    for data in (junk, b"<" + junk, b"{" + junk):
        started = time.perf_counter()
        with contextlib.suppress(InputError):  # failing is fine; hanging is not
            parse_document(data, "junk")
        assert time.perf_counter() - started < 3


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.sampled_from(
            [
                b"{",
                b"[",
                b"<",
                b"<?xml version='1.0'?>",
                b"<feed>",
                b"<rss>",
                b"<!DOCTYPE html>",
                b"News story: ",
            ]
        ).flatmap(lambda head: st.binary(max_size=400).map(lambda tail: head + tail)),
    )
)
def test_any_bytes_give_a_document_or_a_clear_error(data: bytes) -> None:
    try:
        doc = parse_document(data, "fuzz")
    except NewsBotError as err:
        assert err.user_message and "\n" not in err.user_message
    else:
        assert doc.stories or doc.feed_entries or doc.format == "feed"


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=6), st.booleans())
def test_json_items_read_exactly_as_the_json_module_reads_them(item: dict[str, object], ascii: bool) -> None:
    text = json.dumps(item, ensure_ascii=ascii)
    # repr, so that 1 and 1.0, or 0.0 and -0.0, would differ
    assert repr(_load_json(text)) == repr(json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN, "b": [Infinity, -Infinity]}',  # json's extensions, which orjson refuses
        '{"a": "\\ud800", "b": "\\udc00x"}',  # lone surrogates
        '{"a": 1e400}',  # overflows to inf
        '{"a": 1, "a": 2, "b": 3}',  # the last duplicate wins, in the first one's place
        '{"a": 18446744073709551615, "b": -9223372036854775808}',  # the 64-bit limits
    ],
)
def test_json_edge_cases_read_as_the_json_module_reads_them(text: str) -> None:
    assert repr(_load_json(text)) == repr(json.loads(text))


def test_json_nested_past_orjsons_limit_is_reported_as_before() -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        parse_document(b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", "deep.json")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_content_api_item_reads_the_same_in_every_encoding(encoding: str) -> None:
    data = (SAMPLES / "uk-and-ghana-launch-15-million-clean-cooking-partnership.json").read_bytes()
    expected = parse_document(data, "item.json").stories
    assert parse_document(data.decode("utf-8").encode(encoding), "item.json").stories == expected
