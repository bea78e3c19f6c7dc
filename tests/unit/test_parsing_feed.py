"""Atom and RSS feeds into entries; hostile XML refused."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.models import BlockKind, DocType, Organisation
from bot.parsing import FeedEntry, parse_feed

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
SHARED = REPO / ".." / "shared" / "fixtures" / "govuk" / "atom"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/fixtures/govuk is absent (shared fixtures live beside the repo)"
)
ATOM_HEAD = '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def atom(entries: str) -> bytes:
    return f"{ATOM_HEAD}<title>t</title>{entries}</feed>".encode()


@needs_shared
def test_fixture_organisation_feed_skips_non_news_and_keys_on_path() -> None:
    entries = parse_feed((SHARED / "home-office.atom").read_bytes(), "home-office.atom")
    assert [(e.needs_body, e.skip_reason) for e in entries] == [
        (False, "not a news story (speech)"),
        (False, "not a news story (/find-regional-passport-office)"),
        (False, "not a news story (speech)"),
        (True, None),
    ]
    news = entries[3]
    assert news.base_path == "/government/news/new-frank-adverts-mark-tenth-anniversary--2"
    assert news.story.base_path == news.base_path
    assert news.story.identity_key == f"path:{news.base_path}"  # never the "#<updated>" entry id
    assert news.story.updated_at == utc(2013, 1, 28)
    assert news.story.complete is False and news.story.blocks == ()
    assert news.story.organisations == (Organisation("Home Office", "home-office"),)
    assert news.story.source_format == "feed"
    # Trailing space in a summary is trimmed.
    assert (
        entries[2].story.description
        == "Home Secretary Theresa May gave a statement to Parliament on police stop and search powers."
    )


@needs_shared
def test_fixture_search_feed_entries_match_content_api_paths_in_utc() -> None:
    entries = parse_feed((SHARED / "search-news-and-communications.atom").read_bytes(), "search.atom")
    assert len(entries) == 6 and all(e.needs_body and e.skip_reason is None for e in entries)
    assert all(e.base_path and e.base_path.startswith("/government/news/") for e in entries)
    by_slug = {e.story.slug: e.story for e in entries}
    cde = by_slug["cde-innovation-network-event-9-july-2015-london"]
    assert cde.updated_at == utc(2015, 7, 13, 9, 40, 13)  # +01:00 in the feed
    assert cde.title == "CDE Innovation Network event: 9 July 2015, London"  # not a display prefix
    christmas = by_slug["christmas-2016-prime-ministers-message"]
    assert christmas.title == "Christmas 2016: Prime Minister's message"
    king = next(s for slug, s in by_slug.items() if slug and slug.startswith("british-high-commission"))
    assert king.description is not None and king.description.endswith("Islamabad and Karachi.")
    if (SHARED.parent / "content-api").is_dir():
        assert {f"{e.story.slug}.json" for e in entries} == {
            p.name for p in (SHARED.parent / "content-api").iterdir()
        }


def test_sample_finder_feed_summaries_escaped_twice_are_unescaped_once_more() -> None:
    entries = parse_feed((SAMPLES / "search-news-and-communications.atom").read_bytes(), "s")
    floods = entries[0].story
    assert floods.description == (
        "The Environment Agency's £52.5 million scheme will protect homes & businesses in the Calder Valley from river flooding."
    )
    assert entries[1].story.updated_at == utc(2025, 9, 19, 13, 5, 12)
    assert entries[2].skip_reason == "not a news story (speech)" and not entries[2].needs_body
    assert [e.needs_body for e in entries] == [True, True, False, True]


def test_sample_rss_feed_prefixes_categories_and_dates() -> None:
    entries = parse_feed((SAMPLES / "funding-announcements.rss").read_bytes(), "s")
    assert [e.story.doc_type for e in entries] == [
        DocType.PRESS_RELEASE,
        DocType.NEWS_STORY,
        DocType.UNKNOWN,
        DocType.WORLD_NEWS_STORY,
    ]
    assert entries[0].story.title == "New flood defences to protect 12,000 homes in Calder Valley"
    assert entries[0].story.description is not None and "homes & businesses" in entries[0].story.description
    assert entries[1].story.published_at == utc(2025, 9, 19, 13, 5, 12)
    assert entries[2].skip_reason == "not a news story (speech)"
    assert entries[3].base_path == "/government/news/uk-and-ghana-launch-15-million-clean-cooking-partnership"


def test_sample_whitehall_feed_with_full_content_needs_no_second_fetch() -> None:
    entries = parse_feed((SAMPLES / "maritime-and-coastguard-agency.atom").read_bytes(), "s")
    coastguard, lifejackets, speech = entries
    assert coastguard.needs_body is False and coastguard.skip_reason is None
    story = coastguard.story
    assert story.complete and story.doc_type is DocType.NEWS_STORY
    assert story.title == "Coastguard rescue teams get £6 million for new vehicles"
    assert story.published_at == utc(2018, 2, 26, 10) and story.updated_at == utc(2018, 3, 2, 16, 20)
    assert story.change_note == "Added the list of the first stations to receive vehicles."
    assert not any("Updated:" in b.text for b in story.blocks)
    assert story.blocks[0].text.startswith("Coastguard rescue teams will get 120")
    assert [b.text for b in story.blocks if b.blockquote] == [
        "Our volunteers turn out in all weathers, day and night. They deserve vehicles they can rely on when someone’s life is at risk."
    ]
    assert [b.text for b in story.blocks if b.kind is BlockKind.LIST_ITEM] == [
        "Bude",
        "Robin Hood’s Bay",
        "Tenby",
    ]
    assert lifejackets.story.change_history == () and lifejackets.story.doc_type is DocType.PRESS_RELEASE
    assert speech.skip_reason == "not a news story (speech)"
    assert story.organisations == (
        Organisation("Maritime and Coastguard Agency", "maritime-and-coastguard-agency"),
    )


def test_display_prefix_only_stripped_when_known() -> None:
    data = atom(
        '<entry><title>Brexit: what happens next</title><link href="https://www.gov.uk/government/news/b"/></entry>'
        '<entry><title>Consultation outcome: Roads</title><link href="https://www.gov.uk/government/consultations/r"/></entry>'
    )
    first, second = parse_feed(data, "x")
    assert first.story.title == "Brexit: what happens next" and first.needs_body
    assert second.story.title == "Roads" and second.skip_reason == "not a news story (consultation)"


def test_entry_without_alternate_link_uses_url_id_without_fragment() -> None:
    data = atom(
        "<entry><id>https://www.gov.uk/government/news/x#2020-01-01T00:00:00Z</id><title>X</title></entry>"
    )
    (entry,) = parse_feed(data, "x")
    assert entry.base_path == "/government/news/x" and entry.needs_body


def test_news_category_without_body_or_link_is_skipped_with_reason() -> None:
    data = atom(
        '<entry><title>News story: Orphan</title><category term="News story" label="News story"/></entry>'
    )
    (entry,) = parse_feed(data, "x")
    assert entry.skip_reason == "the entry has no link to the story" and not entry.needs_body


def test_bad_timestamp_is_dropped_not_fatal() -> None:
    data = atom(
        '<entry><title>X</title><updated>soon</updated><link href="https://www.gov.uk/government/news/x"/></entry>'
    )
    (entry,) = parse_feed(data, "x")
    assert entry.story.updated_at is None


def test_empty_feed_gives_no_entries() -> None:
    assert parse_feed(atom(""), "x") == []
    assert parse_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>', "x") == []


def test_feed_entry_is_frozen() -> None:
    (entry,) = parse_feed(
        atom('<entry><title>X</title><link href="https://www.gov.uk/government/news/x"/></entry>'), "x"
    )
    assert isinstance(entry, FeedEntry)
    with pytest.raises(AttributeError):
        entry.needs_body = False  # type: ignore[misc]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol9;</title></entry></feed>"""


def test_billion_laughs_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_feed(BILLION_LAUGHS, "bomb.atom")
    assert caught.value.user_message == "refused: the feed declares XML entities (a possible entity bomb)."
    assert time.perf_counter() - started < 1


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    for decl in (
        f'<!ENTITY xxe SYSTEM "file://{secret}">',
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        f'<!ENTITY % xxe SYSTEM "file://{secret}"> %xxe;',
    ):
        data = (
            f'<?xml version="1.0"?><!DOCTYPE feed [{decl}]>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&xxe;</title></entry></feed>'
        ).encode()
        with pytest.raises(InputError, match="declares XML entities") as caught:
            parse_feed(data, "xxe.atom")
        assert "TOP SECRET" not in caught.value.user_message and "root:" not in caught.value.user_message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (atom('<entry><title>X</title><link href="x"/></entry>')[:-20], "malformed XML at line 1"),
        (b"<feed><entry></feed>", "malformed XML at line 1 col"),
        (b"<!DOCTYPE html><html><body><p>Not found</p></body></html>", "HTML page where a feed was expected"),
        (b"<html><head><title>x</title></head><body/></html>", "HTML page where a feed was expected"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "HTML page"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "not an Atom or RSS feed (its root element is <svg>)",
        ),
        (b"", "malformed XML"),
    ],
)
def test_malformed_or_wrong_xml(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_feed(data, "x")
    assert message in caught.value.user_message


def test_truncated_fixture_style_feed_names_the_position() -> None:
    data = (SAMPLES / "search-news-and-communications.atom").read_bytes()[:700]
    with pytest.raises(InputError) as caught:
        parse_feed(data, "x")
    assert (
        caught.value.user_message.startswith("malformed XML at line ")
        and "is the feed complete?" in caught.value.user_message
    )


def test_atom_content_as_xhtml_and_as_text() -> None:
    data = atom(
        '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Fund <b>opens</b></div></title>'
        '<link href="https://www.gov.uk/government/news/a"/>'
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One.</p>'
        "<blockquote><p>Two.</p></blockquote></div></content></entry>"
        '<entry><title>B</title><link href="https://www.gov.uk/government/news/b"/>'
        "<content>First &amp; plain.\n\nSecond.</content></entry>"
    )
    xhtml, text = parse_feed(data, "x")
    assert xhtml.story.title == "Fund opens" and not xhtml.needs_body
    assert [(b.text, b.blockquote) for b in xhtml.story.blocks] == [("One.", False), ("Two.", True)]
    assert [b.text for b in text.story.blocks] == ["First & plain.", "Second."]


def test_rss_with_full_content_and_rss1_rdf() -> None:
    rss = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item>'
        "<title>Press release: Ports fund</title><link>https://www.gov.uk/government/news/ports-fund</link>"
        "<pubDate>Wed, 02 Oct 2024 09:00:00 GMT</pubDate>"
        "<content:encoded><![CDATA[<p>Ports get £3 million.</p><blockquote><p>Good news.</p></blockquote>]]></content:encoded>"
        "</item></channel></rss>"
    ).encode()
    (entry,) = parse_feed(rss, "x")
    assert entry.story.complete and not entry.needs_body and entry.story.doc_type is DocType.PRESS_RELEASE
    assert entry.story.updated_at == utc(2024, 10, 2, 9)
    assert [(b.text, b.blockquote) for b in entry.story.blocks] == [
        ("Ports get £3 million.", False),
        ("Good news.", True),
    ]
    rdf = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title></channel>'
        b"<item><title>Old story</title><link>https://www.gov.uk/government/news/old</link>"
        b"<description>Summary &amp;amp; more</description><dc:date>2009-01-02T03:04:05+01:00</dc:date></item>"
        b"</rdf:RDF>"
    )
    (old,) = parse_feed(rdf, "x")
    assert old.base_path == "/government/news/old" and old.needs_body
    assert old.story.published_at == utc(2009, 1, 2, 2, 4, 5)
    assert old.story.description == "Summary & more"
