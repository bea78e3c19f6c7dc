import json
from decimal import Decimal
from pathlib import Path

import pytest

from bot.evaluate import (
    MoneyItem,
    QuoteItem,
    Systems,
    baseline_money,
    baseline_quotes,
    combine,
    evaluate,
    main,
    match_money,
    match_quotes,
    overlap_of_shorter,
    rouge_1,
    rouge_l,
    speaker_matches,
    story_for_summary,
    token_f1,
)
from bot.models import Money, Quote, Sentence, Story
from bot.parsing.text import parse_text

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

RECORD = {
    "id": "ferry",
    "title": "New ferry link for island towns",
    "description": "A new ferry link will join three island towns.",
    "text": (
        "Press release: New ferry link for island towns\n\n"
        "A new ferry link will join three island towns.\n\n"
        "The Transport Secretary today announced £4 million for a ferry between the towns.\n\n"
        "Transport Secretary Ann Smith said:\n\n"
        "The link will cut journeys in half.\n\n"
        "Tickets cost £4."
    ),
    "quotes": [{"speaker": "Ann Smith", "role": "Transport Secretary", "text": "The link will cut journeys in half."}],
    "money": [
        {"surface": "£4 million", "amount": 4000000, "currency": "GBP", "is_funding": True,
         "purpose": "a ferry between the towns", "part_of": None, "period": None},
        {"surface": "£4", "amount": 4, "currency": "GBP", "is_funding": False,
         "purpose": "ticket price", "part_of": None, "period": None},
    ],
}  # fmt: skip


def test_rouge_matches_hand_computed_values() -> None:
    assert rouge_1("the cat sat", "the cat sat") == 1.0
    assert rouge_l("a b c d", "a c d e") == pytest.approx(0.75)  # LCS a c d: P = R = 3/4
    assert rouge_1("", "anything") == 0.0
    assert rouge_l("Ünïcode, Words!", "unicode words") == 1.0


def test_token_overlap_ignores_quotation_marks_and_case() -> None:
    assert token_f1("“We will act,” she said", "we WILL act she said") == 1.0
    assert overlap_of_shorter("We will act now", "Today we will act now and later") == 1.0


@pytest.mark.parametrize(
    ("predicted", "labelled", "expected"),
    [
        ("Mr Johnson", "Jo Johnson", True),
        ("Jo Johnson MP", "Jo Johnson", True),
        ("Michelle O’Neill", "Michelle O'Neill", True),
        ("Chloë Smith", "Chloe Smith", True),
        ("A Welsh Government spokesperson", "Welsh Government spokesperson", True),
        ("Jo Johnson", "Boris Johnston", False),
        ("", "Jo Johnson", False),
    ],
)
def test_speaker_match_is_lenient_on_surname(predicted: str, labelled: str, expected: bool) -> None:
    assert speaker_matches(predicted, labelled) is expected


def test_quote_matching_is_one_to_one() -> None:
    gold = [QuoteItem("Ann Smith", "one two three four"), QuoteItem("Ann Smith", "five six seven eight")]
    predicted = [QuoteItem("Ms Smith", "one two three four five six seven eight")]
    assert len(match_quotes(predicted, gold)) == 1
    assert match_quotes([QuoteItem("Bob Jones", "one two three four")], gold) == []


def test_money_matched_by_surface_or_amount() -> None:
    gold = [MoneyItem("£30", Decimal(30), "GBP", False), MoneyItem("£30", Decimal(30), "GBP", False)]
    predicted = [MoneyItem("£30", Decimal(30), "GBP", False)]
    assert match_money(predicted, gold) == [(0, 0)]
    by_amount = [MoneyItem("£3.6m", Decimal(3600000), "GBP", True)]
    assert match_money(by_amount, [MoneyItem("£3.6 million", Decimal(3600000), "GBP", True)]) == [(0, 0)]


def test_baselines_on_a_small_story() -> None:
    story = parse_text(RECORD["text"], "ferry")
    quotes = baseline_quotes(story)
    assert quotes == [QuoteItem("Transport Secretary Ann Smith", "The link will cut journeys in half.")]
    amounts = sorted(m.amount for m in baseline_money(story))
    assert amounts == [Decimal(4), Decimal(4000000)]


def test_summary_story_drops_the_description() -> None:
    story = story_for_summary(RECORD)
    assert story.description is None
    assert all("three island towns" not in block.text for block in story.blocks)


def _perfect_systems() -> Systems:
    def quotes(story: Story) -> tuple[Quote, ...]:
        return (Quote("Ann Smith", None, "The link will cut journeys in half.", 2),)

    def money(story: Story) -> tuple[Money, ...]:
        return (
            Money("£4 million", Decimal(4000000), "GBP", True, 0, purpose="a ferry between the towns"),
            Money("£4", Decimal(4), "GBP", False, 4),
        )

    def summary(story: Story) -> tuple[Sentence, ...]:
        return (Sentence("A new ferry link will join three island towns.", 0, 0),)

    return Systems(quotes=quotes, money=money, summary=summary)


def test_perfect_extractors_score_one() -> None:
    [report] = evaluate([("sample", [RECORD])], _perfect_systems())
    scores = report.extractor
    assert scores.quotes.f1 == 1.0 and scores.quote_overlap.value == 1.0
    assert scores.money.f1 == 1.0 and scores.funding.f1 == 1.0
    assert scores.part_of.value == 1.0 and scores.purpose.value == 1.0
    assert scores.rouge_l.value == 1.0
    assert combine([report, report]).extractor.money.tp == 4


def test_a_crashing_extractor_is_counted_not_fatal() -> None:
    def broken(story: Story) -> tuple[Quote, ...]:
        raise ValueError("boom")

    [report] = evaluate([("sample", [RECORD])], Systems(quotes=broken), parts=("quotes",))
    assert report.extractor.errors == 1
    assert report.extractor.quotes.fn == 1
    assert any("boom" in line for line in report.misses)


def test_cli_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "mini.jsonl"
    corpus.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    assert main([str(corpus), "--json", "--only", "money"]) == 0
    out = json.loads(capsys.readouterr().out)
    [report] = out["reports"]
    assert report["stories"] == 1
    assert report["money"]["baseline"]["mentions"]["f1"] == 1.0
    assert "quotes" not in report


@pytest.mark.skipif(not (SHARED / "corpus" / "dev").is_dir(), reason="../shared/corpus/dev is not present")
def test_runs_on_the_dev_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (SHARED / "corpus" / "dev").glob("*.jsonl"))
    assert main([*files, "--per-story"]) == 0
    out = capsys.readouterr().out
    assert "summary ROUGE-L F" in out and "combined" in out
