"""GOV.UK body HTML (govspeak) into ordered `Block`s.

The walk is a single pass over an lxml tree: block elements (p, headings, li, table rows) become
blocks, containers (div, blockquote, ul, section...) are descended into, and inline elements and bare
text directly inside a container are gathered into a paragraph of their own. Contact cards (vCards),
postal addresses, attachments, figures, scripts and styles are not story text and are dropped.

`div.call-to-action` is kept: on GOV.UK it is a box the editor writes into the story (govspeak
`$CTA`), e.g. "Presentation slides are now available to view below.", not page chrome.
"""

from __future__ import annotations

import logging
import re

from lxml import etree

from bot.models import Block, BlockKind

log = logging.getLogger(__name__)

# Plain etree elements: lxml.html's element classes make every node access several times slower.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")

# Removed with their content before the walk (their tail text stays).
_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "figure",
        "img",
        "picture",
        "svg",
        "iframe",
        "object",
        "embed",
        "video",
        "audio",
        "button",
        "form",
        "input",
        "select",
        "textarea",
        "address",
        "head",
    }
)
# The elements that the classes below drop.
_CLASS_DROP_TAGS = frozenset({"div", "section", "span", "p", "a", "sup"})
# Dropped by class: contact cards, postal addresses and attachment boxes are not story text, and
# footnote markers ("[footnote 1]", "↩") would otherwise land in the middle of sentences.
_DROP_CLASSES = frozenset(
    {"contact", "vcard", "address", "attachment", "attachment-details", "footnote", "reversefootnote"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPHS = frozenset({"p", "dt", "dd", "pre", "caption", "figcaption", "summary"})
_CONTAINERS = frozenset(
    {
        "html",
        "body",
        "div",
        "blockquote",
        "ul",
        "ol",
        "dl",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "details",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "center",
        "fieldset",
    }
)
_BLOCK_TAGS = _HEADINGS | _PARAGRAPHS | _CONTAINERS | {"li", "tr"}
# Characters that are not whitespace to str.split() but must not reach the text.
_INVISIBLE = re.compile("[\u200b\u00ad\ufeff\u2060]")


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (NBSP, narrow NBSP, newlines...) to one space and trim."""
    # Most text is already normal. Every character str.split() splits on, other than " ", and
    # every invisible character below is unprintable, so one C-speed isprintable() scan plus a
    # double-space check proves it, and saves splitting a paragraph into words and joining them.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    # Four substring checks cost a tenth of one regex pass, and these characters are rare.
    if "\u200b" in text or "\u00ad" in text or "\ufeff" in text or "\u2060" in text:
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def parse_fragment(html: str) -> etree._Element | None:
    """Parse an HTML string into its <body> element (None when there is nothing in it)."""
    if not html or html.isspace():
        return None
    try:
        # Bytes, so a string that starts with an XML/encoding declaration still parses.
        root = etree.fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        log.debug("HTML fragment did not parse: %s", err)
        return None
    return None if root is None else root.find("body")


def html_to_blocks(html: str) -> tuple[Block, ...]:
    """Body HTML into ordered blocks: headings, list items and paragraphs, blockquotes flagged."""
    body = parse_fragment(html)
    return () if body is None else element_to_blocks(body)


def html_to_text(html: str) -> str:
    """HTML (a summary, a withdrawal note) as one line of plain text."""
    return " ".join(block.text for block in html_to_blocks(html))


def element_to_blocks(element: etree._Element) -> tuple[Block, ...]:
    """Blocks of an already-parsed element (used by the HTML page parser on div.govspeak)."""
    _prune(element)
    out: list[Block] = []
    _walk(element, False, BlockKind.PARAGRAPH, out)
    return tuple(out)


def text_of(element: etree._Element) -> str:
    """All the text inside `element`, not its tail (several times faster than itertext())."""
    if not len(element):  # no children: the text is all there is, and reading it is ~8x cheaper
        return element.text or ""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _prune(element: etree._Element) -> None:
    # One pass over the elements: lxml matching a long tag list in iter() costs more than the
    # set lookups here. Removing in document order rather than by kind gives the same text: each
    # removal appends the tail to whatever now precedes it, and appending is associative.
    doomed: list[etree._Element] = []
    for el in element.iter():
        tag = el.tag
        if tag in _DROP_TAGS:
            doomed.append(el)
        elif tag == "br":
            # <br> separates words ("Fermi Avenue<br>Harwell"); the text would glue them together.
            el.tail = " " + el.tail if el.tail else " "
        elif tag in _CLASS_DROP_TAGS and _dropped_class(el):
            doomed.append(el)
    for el in doomed:
        _remove_keep_tail(el)


def _dropped_class(el: etree._Element) -> bool:
    classes = el.get("class")
    return bool(classes) and not _DROP_CLASSES.isdisjoint(classes.split())


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _walk(container: etree._Element, quoted: bool, kind: BlockKind, out: list[Block]) -> None:
    """Emit blocks for `container`'s children; loose inline text becomes a block of `kind`."""
    # The hot loop of every HTML parse: paragraphs (the most common child) are tested first, and
    # an empty run is not flushed through a call.
    text = container.text
    run: list[str] = [text] if text and not text.isspace() else []
    for child in container:
        tag = child.tag
        tail = child.tail
        if not isinstance(tag, str):  # an entity or other non-element node: keep only its tail
            if tail:
                run.append(tail)
            continue
        if tag not in _BLOCK_TAGS and not (len(child) and _wraps_blocks(child)):
            run.append(text_of(child))
            if tail:
                run.append(tail)
            continue
        if run:
            _emit("".join(run), kind, quoted, out)
        run = [tail] if tail and not tail.isspace() else []
        if tag in _PARAGRAPHS:
            _emit(text_of(child), kind, quoted, out)
        elif tag in _HEADINGS:
            _emit(text_of(child), BlockKind.HEADING, quoted, out)
        elif tag == "li" and (
            not len(child) or not any(grandchild.tag in _BLOCK_TAGS for grandchild in child)
        ):
            # The common case, an item of inline text, without a recursive walk.
            _emit(text_of(child), BlockKind.LIST_ITEM, quoted, out)
        elif tag == "li":
            _walk(child, quoted, BlockKind.LIST_ITEM, out)
        elif tag == "tr":
            cells = (normalise_space(text_of(cell)) for cell in child.iter("td", "th"))
            _emit(" | ".join(cell for cell in cells if cell), BlockKind.PARAGRAPH, quoted, out)
        else:  # a container, or an inline element wrapping blocks
            _walk(child, quoted or tag == "blockquote", kind, out)
    if run:
        _emit("".join(run), kind, quoted, out)


def _wraps_blocks(element: etree._Element) -> bool:
    # A Python loop over the few descendants of an inline element: iter() with every block tag
    # as an argument builds a tag matcher that costs as much as a whole paragraph.
    return any(el.tag in _BLOCK_TAGS for el in element.iterdescendants())


def _emit(raw: str, kind: BlockKind, quoted: bool, out: list[Block]) -> None:
    text = normalise_space(raw)
    if text:
        out.append(Block(kind, text, quoted))
