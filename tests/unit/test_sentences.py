import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr Smith went home. Dr. Jones stayed.", ["Mr Smith went home.", "Dr. Jones stayed."]),
        ("It costs £3.6m. That is 2.5 per cent more.", ["It costs £3.6m.", "That is 2.5 per cent more."]),
        ("No. 10 said so. St. David's Day is here.", ["No. 10 said so.", "St. David's Day is here."]),
        (
            "J. K. Rowling wrote it. George W. Bush read it.",
            ["J. K. Rowling wrote it.", "George W. Bush read it."],
        ),
        ("Schools, e.g. Eton, agree. Others do not.", ["Schools, e.g. Eton, agree.", "Others do not."]),
        ("He said “We will act.” Then he left.", ["He said “We will act.”", "Then he left."]),
        (
            "‘Confused by drugs? Talk to FRANK.’ The adverts run.",
            ["‘Confused by drugs?", "Talk to FRANK.’", "The adverts run."],
        ),
        ("Is it? Yes! It is.", ["Is it?", "Yes!", "It is."]),
        ("1. FRANK is the service. It helps.", ["1. FRANK is the service.", "It helps."]),
        ("The U.S. President spoke. Then he left.", ["The U.S. President spoke.", "Then he left."]),
        ("It was in the U.K. The minister agreed.", ["It was in the U.K.", "The minister agreed."]),
        ("See p. 12 of vol. 3. Done.", ["See p. 12 of vol. 3.", "Done."]),
        ("the rate is 3.5. the next is lower", ["the rate is 3.5. the next is lower"]),
        ("No final stop", ["No final stop"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@given(st.text(alphabet=st.sampled_from("ab .?!”“’‘\"'£1M\n"), max_size=300))
def test_sentences_cover_the_text_in_order(text: str) -> None:
    sentences = split_sentences(text)
    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())
    assert all(s == s.strip() and s for s in sentences)


@pytest.mark.parametrize(
    "text",
    ["word " * 20_000, "?" * 100_000, ". " * 50_000, "“" * 50_000 + "”" * 50_000, "Mr. " * 25_000],
)
def test_adversarial_input_is_linear(text: str) -> None:
    # 100 kB each (bench/extract.py times 1 MB). A quadratic pass would take seconds; a linear one, ms.
    start = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - start < 1
