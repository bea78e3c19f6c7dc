"""The extractors: quotes, money figures and a summary for each story.

`extract(story)` runs all three and stamps the result with EXTRACTOR_VERSION. Bump the version
whenever any extractor's output changes, so that stored stories are re-extracted
(`python run.py reextract`, or `await reextract_stored(store)` at startup or after ingesting).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.extract.money import extract_money
from bot.extract.quotes import extract_quotes
from bot.extract.summary import summarise
from bot.models import MAX_SUMMARY_SENTENCES, Extraction, Story

__all__ = ["EXTRACTOR_VERSION", "ExtractionStore", "ReextractReport", "extract", "reextract_stored"]

log = logging.getLogger(__name__)

EXTRACTOR_VERSION: int = 32
REEXTRACT_BATCH = 500


def extract(story: Story) -> Extraction:
    """Quotes, money and the best MAX_SUMMARY_SENTENCES summary sentences of one story."""
    return Extraction(
        quotes=extract_quotes(story),
        money=extract_money(story),
        summary=summarise(story, MAX_SUMMARY_SENTENCES),
        version=EXTRACTOR_VERSION,
    )


class ExtractionStore(Protocol):
    """What re-extraction needs from bot.storage.Store."""

    async def stories_needing_extraction(self, version: int, limit: int | None = None) -> list[Story]: ...

    async def save_extraction(self, story_id: str, extraction: Extraction) -> None: ...


@dataclass(frozen=True, slots=True)
class ReextractReport:
    updated: int
    failed: int


async def reextract_stored(
    store: ExtractionStore,
    version: int = EXTRACTOR_VERSION,
    extractor: Callable[[Story], Extraction] = extract,
) -> ReextractReport:
    """Re-run the extractors on stored stories extracted by a version older than `version`.

    Safe to call at every startup: when nothing is stale it is one indexed query. Stories are read
    in batches, so memory stays flat however many there are. A story whose extraction raises keeps
    its old extraction (and stays stale, so the next run tries again).
    """
    updated = 0
    failed: set[str] = set()
    while True:
        # Failed stories stay stale and come back first (oldest first): ask for that many more.
        wanted = REEXTRACT_BATCH + len(failed)
        batch = await store.stories_needing_extraction(version, limit=wanted)
        for story in batch:
            if story.id in failed:
                continue
            try:
                extraction = extractor(story)
            except Exception:
                log.exception("re-extraction failed story=%s", story.id)
                failed.add(story.id)
                continue
            await store.save_extraction(story.id, extraction)
            updated += 1
        if len(batch) < wanted:
            break
    if updated or failed:
        log.info(
            "re-extracted %s stories with extractor version %s (%s failed)", updated, version, len(failed)
        )
    return ReextractReport(updated, len(failed))
