"""The extractors: quotes, money figures and a summary for each story.

`extract(story)` runs all three and stamps the result with EXTRACTOR_VERSION. Bump the version
whenever any extractor's output changes, so that stored stories are re-extracted
(`python run.py reextract`, or `bot.cli_extract.reextract_stored` at startup).
"""

from __future__ import annotations

from bot.extract.money import extract_money
from bot.extract.quotes import extract_quotes
from bot.extract.summary import summarise
from bot.models import MAX_SUMMARY_SENTENCES, Extraction, Story

__all__ = ["EXTRACTOR_VERSION", "extract"]

EXTRACTOR_VERSION: int = 1


def extract(story: Story) -> Extraction:
    """Quotes, money and the best MAX_SUMMARY_SENTENCES summary sentences of one story."""
    return Extraction(
        quotes=extract_quotes(story),
        money=extract_money(story),
        summary=summarise(story, MAX_SUMMARY_SENTENCES),
        version=EXTRACTOR_VERSION,
    )
