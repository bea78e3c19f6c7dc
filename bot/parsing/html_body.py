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
# What _prune renames an element with a dropped class to, so that one C pass removes it with the
# others: the HTML parser lowercases every tag name, so no parsed element is ever called this.
_DOOMED = "DROPPED"
_PARAGRAPH, _HEADING, _LIST_ITEM = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM
_tostring = etree.tostring
# Characters that are not whitespace to str.split() but must not reach the text.
_INVISIBLE = re.compile("[\u200b\u00ad\ufeff\u2060]")


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (NBSP, narrow NBSP, newlines...) to one space and trim."""
    # Most text is already normal: proving it is cheaper than splitting it into words and joining.
    if "  " not in text and text[:1] != " " and text[-1:] != " ":
        if text.isascii():  # O(1): CPython flags ASCII strings
            # The only ASCII characters str.split() splits on besides " "; each `in` is a memchr.
            if not (
                "\n" in text
                or "\t" in text
                or "\r" in text
                or "\x0b" in text
                or "\x0c" in text
                or "\x1c" in text
                or "\x1d" in text
                or "\x1e" in text
                or "\x1f" in text
            ):
                return text
        # Every other character str.split() splits on, and every invisible character below, is
        # unprintable, so one C-speed isprintable() scan proves the rest.
        elif text.isprintable():
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
    if root is None:
        return None
    # The <html> root has one or two children: a loop is cheaper than find()'s path parsing.
    for child in root:
        if child.tag == "body":
            return child
    return None


def html_to_blocks(html: str) -> tuple[Block, ...]:
    """Body HTML into ordered blocks: headings, list items and paragraphs, blockquotes flagged."""
    body = parse_fragment(html)
    return () if body is None else element_to_blocks(body)


def html_to_text(html: str) -> str:
    """HTML (a summary, a withdrawal note) as one line of plain text."""
    return " ".join(block.text for block in html_to_blocks(html))


def element_to_blocks(element: etree._Element) -> tuple[Block, ...]:
    """Blocks of an already-parsed element (used by the HTML page parser on div.govspeak)."""
    tag = element.tag
    if tag in _DROP_TAGS or (tag in _CLASS_DROP_TAGS and _dropped_class(element)):
        # _prune treats only descendants; the element itself leaves its parent as it always has.
        _remove_keep_tail(element)
    _prune(element)
    out: list[Block] = []
    _walk(element, False, _PARAGRAPH, out)
    return tuple(out)


def text_of(element: etree._Element) -> str:
    """All the text inside `element`, not its tail (several times faster than itertext())."""
    if not len(element):  # no children: the text is all there is, and reading it is ~8x cheaper
        return element.text or ""
    return _tostring(element, method="text", encoding="unicode", with_tail=False)


def _prune(element: etree._Element) -> None:
    """Drop what is not story text below `element`, with its content but not its tail."""
    # One Python pass marks them (lxml matching a long tag list costs more than these set
    # lookups), then one C pass removes them all without rewriting any text: each tail stays where
    # it is. Rewriting tails in Python would also fail on a form feed, which lxml cannot store.
    doomed = False
    for el in element.iterdescendants():
        tag = el.tag
        if tag in _DROP_TAGS:
            el.tag = _DOOMED
            doomed = True
        elif tag == "br":
            # <br> separates words ("Fermi Avenue<br>Harwell"); the text would glue them together.
            el.text = " "
        elif tag in _CLASS_DROP_TAGS:
            classes = el.get("class")
            if classes and not _DROP_CLASSES.isdisjoint(classes.split()):
                el.tag = _DOOMED
                doomed = True
    if doomed:
        etree.strip_elements(element, _DOOMED, with_tail=False)


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
    # The hot loop of every HTML parse. Paragraphs, headings and list items of inline text (nearly
    # every child) are emitted here rather than through calls, and an empty run is not flushed.
    text = container.text
    run: list[str] = [text] if text and not text.isspace() else []
    for child in container:
        tag = child.tag
        tail = child.tail
        if tag not in _BLOCK_TAGS:
            if not isinstance(tag, str):  # an entity or other non-element node: keep only its tail
                if tail:
                    run.append(tail)
                continue
            if not (len(child) and _wraps_blocks(child)):
                run.append(text_of(child))
                if tail:
                    run.append(tail)
                continue
        if run:
            _emit("".join(run), kind, quoted, out)
            run = []
        if tail and not tail.isspace():
            run.append(tail)
        if tag in _PARAGRAPHS:
            block_kind = kind
        elif tag in _HEADINGS:
            block_kind = _HEADING
        elif tag == "li" and not _has_block_child(child):
            # The common case, an item of inline text, without a recursive walk.
            block_kind = _LIST_ITEM
        elif tag == "li":
            _walk(child, quoted, _LIST_ITEM, out)
            continue
        elif tag == "tr":
            cells = (normalise_space(text_of(cell)) for cell in child.iter("td", "th"))
            _emit(" | ".join(cell for cell in cells if cell), _PARAGRAPH, quoted, out)
            continue
        else:  # a container, or an inline element wrapping blocks
            _walk(child, quoted or tag == "blockquote", kind, out)
            continue
        raw = (
            _tostring(child, method="text", encoding="unicode", with_tail=False) if len(child) else child.text
        )
        if raw:
            raw = normalise_space(raw)
            if raw:
                out.append(Block(block_kind, raw, quoted))
    if run:
        _emit("".join(run), kind, quoted, out)


def _has_block_child(element: etree._Element) -> bool:
    return any(child.tag in _BLOCK_TAGS for child in element)


def _wraps_blocks(element: etree._Element) -> bool:
    # A Python loop over the few descendants of an inline element: iter() with every block tag
    # as an argument builds a tag matcher that costs as much as a whole paragraph.
    return any(el.tag in _BLOCK_TAGS for el in element.iterdescendants())


def _emit(raw: str, kind: BlockKind, quoted: bool, out: list[Block]) -> None:
    text = normalise_space(raw)
    if text:
        out.append(Block(kind, text, quoted))
