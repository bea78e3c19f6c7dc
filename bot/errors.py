"""Errors the core raises. Each carries a `user_message` that can be shown as-is."""

from __future__ import annotations


class NewsBotError(Exception):
    """Base class: an expected problem with a message safe to show to users."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class InputError(NewsBotError):
    """An input (file, URL, feed, document) could not be read or made no sense."""


class UnsupportedInput(InputError):
    """The input is readable but is not something newsbot ingests (a speech, a guidance page...).

    Ingestion reports these as "skipped", not "failed".
    """


class FetchError(InputError):
    """An HTTP fetch failed: status, timeout, too large, too many redirects..."""


class StoryNotFound(NewsBotError):
    def __init__(self, query: str, suggestions: list[str] | None = None) -> None:
        self.query = query
        self.suggestions = suggestions or []
        text = f"No stored story matches “{query[:80]}”."
        if self.suggestions:
            text += " Did you mean: " + "; ".join(self.suggestions[:5]) + "?"
        else:
            text += " Try /news latest or /news search to find one."
        super().__init__(text)


class InvalidQuery(NewsBotError):
    """A search or filter the user typed cannot be used."""


class NothingFound(NewsBotError):
    """A lookup or search ran fine but found nothing to show (no quotes, no matches...)."""


class ConfigError(NewsBotError):
    """A setting is missing or malformed."""
