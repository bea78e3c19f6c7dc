"""Find money amounts in text: where they are, exactly as printed, and what they come to.

One compiled alternation finds every surface form in a single left-to-right pass, so matches never
overlap. Every repetition in it is either bounded or separated by a literal that cannot also match
what comes before it, so no input makes it backtrack badly (1 MB of "£1 £1 £1 ..." takes
milliseconds). What the amount *means* (funding or not, its purpose) is worked out elsewhere.

Forms read: £40 million, £40m, £1.2bn, £300M, £165million, £9.2milion (a typo GOV.UK printed),
£500,000, £0.9 million, €5 million, $2 billion, US$3m, A$, GBP 5m, 50p, 20 pence,
"40 million pounds", "one billion pounds", "half a billion pounds", "a million euros",
"£2-3 million" and "£5m to £10m" (one amount per bound), "6 crores and 90 lacs taka".
Not money: a number with no currency ("40 million people", years, "2.15pm"), or "£" with no number.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

log = logging.getLogger(__name__)

# Signs in front of a number. Longer spellings first so "US$" wins over "$".
_SIGNS: dict[str, str] = {
    "US$": "USD",
    "US $": "USD",
    "AU$": "AUD",
    "A$": "AUD",
    "CA$": "CAD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "£": "GBP",
    "€": "EUR",
    "$": "USD",
    "¥": "JPY",
    "₹": "INR",
    "₦": "NGN",
}
# ISO codes and abbreviations count as a sign only when a number follows ("GBP 5m", "Rs 500").
_CODES: dict[str, str] = {
    code: code
    for code in ("GBP", "EUR", "USD", "AUD", "CAD", "NZD", "JPY", "CHF", "INR", "BDT", "CNY", "ZAR")
} | {"Rs": "INR", "Rs.": "INR", "Tk": "BDT", "Tk.": "BDT", "KSh": "KES", "KES": "KES"}
# Currency words after a number, alone or after a country ("Kenyan shillings"; the longer phrase wins).
_WORDS: dict[str, str] = {
    "pounds sterling": "GBP",
    "pound sterling": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "pence": "GBP",
    "euros": "EUR",
    "euro": "EUR",
    "us dollars": "USD",
    "american dollars": "USD",
    "australian dollars": "AUD",
    "canadian dollars": "CAD",
    "new zealand dollars": "NZD",
    "hong kong dollars": "HKD",
    "dollars": "USD",
    "yen": "JPY",
    "rupees": "INR",
    "taka": "BDT",
    "naira": "NGN",
    "rand": "ZAR",
    # The currencies of the countries UK aid, trade and embassy releases are about most often (each word costs
    # a scan of every text). A word shared by several countries means the one such releases name most.
    "shillings": "KES",
    "shilling": "KES",
    "kenyan shillings": "KES",
    "ugandan shillings": "UGX",
    "tanzanian shillings": "TZS",
    "kwacha": "MWK",
    "malawian kwacha": "MWK",
    "zambian kwacha": "ZMW",
    "pakistani rupees": "PKR",
    "sri lankan rupees": "LKR",
    "nepalese rupees": "NPR",
    "cedis": "GHS",
    "cedi": "GHS",
    "birr": "ETB",
    "yuan": "CNY",
    "swiss francs": "CHF",
    "cfa francs": "XOF",
}
# Words that name a currency only after a country: "20 francs" alone could be Swiss, CFA or old French.
_NEED_A_COUNTRY = frozenset(("francs",))
_SCALE_WORDS: dict[str, int] = {
    "trillion": 10**12,
    "tn": 10**12,
    "billion": 10**9,
    "bilion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "million": 10**6,
    "milion": 10**6,
    "millon": 10**6,
    "mln": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "thousand": 1000,
    "k": 1000,
    "hundred": 100,
}
_NUMBER_WORDS: dict[str, Decimal] = {
    word: Decimal(value)
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {
    "thirty": Decimal(30),
    "forty": Decimal(40),
    "fifty": Decimal(50),
    "sixty": Decimal(60),
    "seventy": Decimal(70),
    "eighty": Decimal(80),
    "ninety": Decimal(90),
    "a hundred": Decimal(100),
    "one hundred": Decimal(100),
    "a": Decimal(1),
    "an": Decimal(1),
    "half a": Decimal("0.5"),
    "half-a": Decimal("0.5"),
    "half of a": Decimal("0.5"),
    "a quarter of a": Decimal("0.25"),
    "quarter of a": Decimal("0.25"),
    "three quarters of a": Decimal("0.75"),
    "a half": Decimal("0.5"),
}
# "one and a half million pounds", "two and a half billion euros": a whole number and a half.
_NUMBER_WORDS |= {f"{word} and a half": value + Decimal("0.5") for word, value in list(_NUMBER_WORDS.items())
                  if value >= 1 and value == value.to_integral_value() and " " not in word and word not in ("a", "an")}  # fmt: skip


def _alternation(words: object) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s") for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


# A number as printed: 1,234,567.89 or 1234.5 (a comma group must be exactly 3 digits).
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,15})(?:\.\d{1,6})?"
# A scale after a number: a word may follow a space (or a line break, or NBSP); a single letter must
# be attached ("£5m", not "£5 m").
_SCALE = (
    r"(?:\s{0,2}(?:trillion|billion|bilion|million|milion|millon|thousand|bn|mln|mn|tn)"
    r"|(?:m|b|k))(?![a-z0-9])"
)
_SIGN_PREFIXES = ("US ", "US", "AU", "CA", "NZ", "HK", "A", "C", "S")
_PREFIXES_BY_LAST = {
    last: tuple(p for p in _SIGN_PREFIXES if p[-1] == last) for last in {p[-1] for p in _SIGN_PREFIXES}
}
# Where an amount may start: a currency sign, or an ISO code / abbreviation followed by a number.
# Both branches start with a small set of characters, which the regex engine scans for quickly.
_SIGN_CHARS = "£€$¥₹₦"
_CODE_FOLLOWS = re.compile(r"\s?\d")
_AFTER_SIGN = re.compile(
    rf"\s?(?P<num>{_NUM})(?P<scale>{_SCALE})?"
    rf"(?:(?P<sep>\s?(?:-|–|—|to)\s?)(?P<sign2>(?:US|AU|CA|NZ|HK|A|C|S)?[£€$¥₹₦]|(?:{_alternation(_CODES)})\s?)?"
    rf"\s?(?P<num2>{_NUM})(?P<scale2>{_SCALE})?)?",
    re.IGNORECASE,
)
# Currency words are found with str.find on the lower-cased text (far faster than a regex
# alternation of words), then the number in front is read backwards.
_WORD_STEMS = (
    "pound",
    "pence",
    "euro",
    "dollar",
    "yen",
    "rupee",
    "taka",
    "naira",
    "rand",
    "crore",
    "lakh",
    "lac",
    "shilling",
    "kwacha",
    "cedi",
    "birr",
    "yuan",
    "franc",
)
# In running text only these codes are looked for (each costs a scan); user input accepts them all.
# Kenyan shillings ("KSh 580 million") come up in high commission releases.
_TEXT_CODES = ("GBP", "EUR", "USD", "KSh", "KES")
_TEXT_CODE_BYTES = tuple(code.encode() for code in _TEXT_CODES)
_WORD_STEM_BYTES = tuple(stem.encode() for stem in _WORD_STEMS)
_ONE = Decimal(1)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_WORD_FORMS = frozenset(_WORDS) | _NEED_A_COUNTRY | {"crore", "crores", "lakh", "lakhs", "lac", "lacs"}
_BACK_TOKEN = re.compile(r"[A-Za-z]+|\d[\d,]*(?:\.\d+)?")
_NUMERIC = re.compile(_NUM)
_LAKHS = re.compile(rf"\s(?:and\s)?(?P<num>{_NUM})\s?(?:lakhs?|lacs?)(?![a-z])", re.IGNORECASE)
_AFTER_WORD = re.compile(r"\s(?P<word>taka|rupees)(?![a-z])", re.IGNORECASE)
_STERLING = re.compile(r"\s+sterling\b", re.IGNORECASE)
_MULTIPLIERS = {"trillion": 10**12, "billion": 10**9, "million": 10**6, "thousand": 1000, "hundred": 100}


class Found(NamedTuple):
    """One amount in a text: [start, end) is the surface.

    A named tuple rather than a frozen dataclass: as immutable, and built several times faster (a frozen
    dataclass sets each field through object.__setattr__), which counts in a story with many figures.
    """

    start: int
    end: int
    surface: str
    amount: Decimal
    currency: str
    bound: str | None = None  # "low" / "high" for the two ends of a range


def find_amounts(text: str, limit: int = 2000) -> list[Found]:
    """Every money amount in `text` (at most `limit`), in order, none overlapping. Never raises.

    Anchors (signs, codes, currency words, "p" after a digit) are found with str.find, which is
    many times faster than scanning with a regular expression; each anchor is then read with an
    anchored match. At most 4 * `limit` anchors are read, so a megabyte of "££££" stays cheap.
    """
    found, complete = scan_amounts(text, limit)
    if not complete:
        log.warning("more than %s possible amounts in one text: the rest are ignored", limit)
    return found


def scan_amounts(text: str, limit: int) -> tuple[list[Found], bool]:
    """find_amounts(), silently, and whether every anchor was read (False when a limit cut it short)."""
    candidates: list[Found] = []
    budget = 4 * limit
    for at, reader in _anchors(text):
        budget -= 1
        if budget < 0 or len(candidates) >= limit:
            return _without_overlaps(candidates), False
        candidates.extend(reader(text, at))
    return _without_overlaps(candidates), True


def _anchors(text: str) -> Iterator[tuple[int, Callable[[str, int], list[Found]]]]:
    for sign in _SIGN_CHARS:
        at = text.find(sign)
        while at != -1:
            yield at, _signed_at
            at = text.find(sign, at + 1)
    # Codes and stems are ASCII letters, so they are looked for in an ASCII copy of the text (every other
    # character becomes "?", so positions carry over): lower() and find() on bytes run several times faster
    # than on text with curly quotes or a pound sign. Only "İ" and the Kelvin sign lower() to ASCII letters
    # (İ to two characters); with either present the text itself is searched, as before.
    ascii_copy = text.encode("ascii", "replace")
    if "\u0130" in text or "\u212a" in text:
        searched: str | bytes = text
        codes: tuple[str, ...] | tuple[bytes, ...] = _TEXT_CODES
        stems: tuple[str, ...] | tuple[bytes, ...] = _WORD_STEMS
    else:
        searched, codes, stems = ascii_copy, _TEXT_CODE_BYTES, _WORD_STEM_BYTES
    for code in codes:
        at = searched.find(code)  # type: ignore[arg-type]
        while at != -1:
            yield at, _code_at
            at = searched.find(code, at + len(code))  # type: ignore[arg-type]
    lowered = searched.lower()
    for stem in stems:
        at = lowered.find(stem)  # type: ignore[arg-type]
        while at != -1:
            yield at, _worded
            at = lowered.find(stem, at + len(stem))  # type: ignore[arg-type]
    for at in _after_digits(text, ascii_copy, b"p"):
        yield at, _pence_at


def _after_digits(text: str, ascii_copy: bytes, letter: bytes) -> list[int]:
    """Ascending positions of `letter` right after a digit ("50p"), found with two C-speed scans of
    `ascii_copy` (one byte per character of `text`) with every ASCII digit made "0". A non-ASCII
    digit ("٥") is "?" there and is checked on `text` itself."""
    marked = ascii_copy.translate(_DIGITS_AS_ZERO)
    positions: list[int] = []
    for digit in (b"0", b"?"):
        at = marked.find(digit + letter)
        while at != -1:
            if digit == b"0" or text[at].isdigit():
                positions.append(at + 1)
            at = marked.find(digit + letter, at + 2)
    return sorted(positions)


def _signed_at(text: str, at: int) -> list[Found]:
    return _signed(text, at, at + 1, text[at])


def _code_at(text: str, at: int) -> list[Found]:
    code = text[at : at + 3]
    if _CODE_FOLLOWS.match(text, at + 3) and not text[at - 1 : at].isalpha():
        return _signed(text, at, at + 3, code)
    return []


def _pence_at(text: str, at: int) -> list[Found]:
    """ "50p", "27.35p": up to 3 digits (and up to 3 decimals) right before the "p", nothing
    alphanumeric (or another decimal point) around it."""
    start = at
    while start > at - 3 and start and text[start - 1].isdigit():
        start -= 1
    # "27.35p" (a unit rate per kWh): the digits read so far are the decimals of the pence.
    if start < at and start >= 2 and text[start - 1] == "." and text[start - 2].isdigit():
        whole = start - 1
        while whole > start - 4 and whole and text[whole - 1].isdigit():
            whole -= 1
        if not text[whole - 1 : whole].isdigit():
            start = whole
    before = text[start - 1] if start else " "
    after = text[at + 1 : at + 2]
    if before.isalnum() or before in "_.,£$€" or after.isalnum() or after == "_":
        return []
    return [Found(start, at + 1, text[start : at + 1], _decimal(text[start:at]) / 100, "GBP")]


def _without_overlaps(candidates: list[Found]) -> list[Found]:
    """Where two readings overlap, the longer wins ("Rs 5 crore" over "Rs 5")."""
    kept: list[Found] = []
    for item in sorted(candidates, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and item.start < kept[-1].end:
            if item.bound == "high" and kept[-1].bound == "low":
                kept.append(item)  # the upper bound of "£2-3 million" sits inside the lower bound's surface
            elif item.end - item.start > kept[-1].end - kept[-1].start and kept[-1].bound is None:
                kept[-1] = item
            continue
        kept.append(item)
    return kept


def _signed(text: str, start: int, end: int, sign: str) -> list[Found]:
    # Only the prefixes ending in the character before the sign can be one ("£5m" after a space: "US ").
    if sign in "$£€" and start and (prefixes := _PREFIXES_BY_LAST.get(text[start - 1])):
        # "US$3m", "US $3m", "A$5m": the letters in front are part of the sign.
        for prefix in prefixes:
            begin = start - len(prefix)
            if begin >= 0 and text[begin:start] == prefix and (begin == 0 or not text[begin - 1].isalpha()):
                start, sign = begin, prefix + sign
                break
    match = _AFTER_SIGN.match(text, end)
    if not match:
        return []
    currency = _currency_of_sign(sign)
    scale = _scale(match["scale"])
    first = _decimal(match["num"])
    low_end = match.end("scale") if match["scale"] else match.end("num")
    if match["num2"] is None or (match["sign2"] is None and match["scale2"] is None):
        # No range (or "£5 to 10 people", which is not one): the amount ends at the first number.
        return [Found(start, low_end, text[start:low_end], _times(first, scale), currency)]
    scale2 = _scale(match["scale2"])
    second = _decimal(match["num2"])
    if match["sign2"] and _currency_of_sign(match["sign2"]) != currency:
        return [Found(start, low_end, text[start:low_end], _times(first, scale), currency)]
    # "£2-3 million": the lower bound borrows the upper bound's scale when it has none of its own,
    # and its printed form is then the whole range.
    if match["scale"] is None and match["scale2"] is not None and first < second:
        scale, low_end = scale2, match.end()
    high_start = match.start("sign2") if match["sign2"] else match.start("num2")
    return [
        Found(start, low_end, text[start:low_end], _times(first, scale), currency, "low"),
        Found(
            high_start, match.end(), text[high_start : match.end()], _times(second, scale2), currency, "high"
        ),
    ]


def _worded(text: str, at: int) -> list[Found]:
    """A currency word at `at`: read the number in front of it ("40 million pounds", "half a billion euros")."""
    if at and text[at - 1].isalpha():
        return []
    end = at
    while end < len(text) and end - at < 12 and text[end].isalpha():
        end += 1
    word = text[at:end].lower()
    if word not in _WORD_FORMS:
        return []
    if word.startswith(("crore", "lakh", "lac")):
        return _crores(text, at, end, word)
    if phrase := _word_prefix(text, at, word):
        at -= len(phrase) - len(word)
        word = phrase  # "US dollars", "Kenyan shillings"
    elif word in _NEED_A_COUNTRY:
        return []
    if word.startswith("pound") and (sterling := _STERLING.match(text, end)):
        end = sterling.end()
    currency = _WORDS.get(word, "GBP")
    number = _number_before(text, at)
    if number is None:
        return []
    begin, value, scale = number
    if text[begin - 1 : begin] in ("£", "$", "€"):
        return []  # "£2 billion pounds": the sign already gave the amount
    if word == "pence":
        value = value / 100
    return [Found(begin, end, text[begin:end], _times(value, scale), currency)]


def _word_prefix(text: str, at: int, word: str) -> str | None:
    """The country phrase that ends with the currency word at `at`, if the text has one."""
    phrases = _PHRASES.get(word)
    if phrases is None:
        return None
    before = text[max(0, at - 20) : at].lower()
    for phrase in phrases:
        if before.endswith(phrase[: -len(word)]):
            return phrase
    return None


# "dollars" -> ("us dollars", "american dollars", ...): the phrases each currency word can end.
_PHRASES: dict[str, tuple[str, ...]] = {
    last: tuple(phrase for phrase in _WORDS if phrase.endswith(" " + last))
    for last in {phrase.rsplit(" ", 1)[1] for phrase in _WORDS if " " in phrase}
}


def _number_before(text: str, at: int) -> tuple[int, Decimal, int] | None:
    """(start, value, scale) of the number that ends just before `at`, read from at most 5 tokens back."""
    window_start = max(0, at - 40)
    tokens = list(_BACK_TOKEN.finditer(text, window_start, at))[-5:]
    # Every gap between the tokens used must be a space or hyphen ("half-a-billion pounds").
    index = len(tokens) - 1
    if index < 0 or not _small_gap(text, tokens[index].end(), at):
        return None
    scale = 1
    word = tokens[index][0].lower()
    if word in _MULTIPLIERS or word in ("bn", "m"):
        scale = _MULTIPLIERS.get(word) or _SCALE_WORDS[word]
        index -= 1
        if index < 0 or not _small_gap(text, tokens[index].end(), tokens[index + 1].start()):
            return None
    token = tokens[index][0]
    if token[0].isdigit():
        if not _NUMERIC.fullmatch(token):
            return None
        return tokens[index].start(), _decimal(token), scale
    for size in (4, 3, 2, 1):
        first = index - size + 1
        if first < 0:
            continue
        if not all(_small_gap(text, tokens[i].end(), tokens[i + 1].start()) for i in range(first, index)):
            continue
        phrase = " ".join(t[0].lower() for t in tokens[first : index + 1])
        value = _NUMBER_WORDS.get(phrase)
        if value is None:
            continue
        # "a pound of apples", "one and a half pounds": a word number needs a scale unless it is a whole number.
        if scale == 1 and (phrase in ("a", "an") or value < 1 or value != value.to_integral_value()):
            return None
        return tokens[first].start(), value, scale
    return None


def _small_gap(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return 1 <= len(gap) <= 2 and all(c.isspace() or c == "-" for c in gap)


def _crores(text: str, at: int, end: int, word: str) -> list[Found]:
    """ "6 crores and 90 lacs taka", "Rs 5 crore", "₹10 lakh"."""
    tokens = list(_BACK_TOKEN.finditer(text, max(0, at - 24), at))
    if (
        not tokens
        or not tokens[-1][0][0].isdigit()
        or not _small_gap(text, tokens[-1].end(), at)
        and tokens[-1].end() != at
    ):
        return []
    begin = tokens[-1].start()
    value = _decimal(tokens[-1][0]) * (10**7 if word.startswith("crore") else 10**5)
    if word.startswith("crore") and (lakhs := _LAKHS.match(text, end)):
        value += _decimal(lakhs["num"]) * 10**5
        end = lakhs.end()
    currency = None
    prefix = text[max(0, begin - 6) : begin].rstrip()
    sign = next(
        (key for key in _SIGN_KEYS if prefix.endswith(key) and not prefix[: -len(key)][-1:].isalpha()), None
    )
    if sign:
        currency, begin = (
            _currency_of_sign(sign),
            begin - (len(text[max(0, begin - 6) : begin]) - len(prefix)) - len(sign),
        )
    if (after := _AFTER_WORD.match(text, end)) is not None:
        currency = currency or _WORDS[after["word"].lower()]
        end = after.end()
    if currency is None:
        return []
    return [Found(begin, end, text[begin:end], _integral(value), currency)]


_SIGN_CURRENCY = {key.casefold(): value for key, value in (_SIGNS | _CODES).items()}
_SIGN_KEYS = sorted(_SIGNS | _CODES, key=len, reverse=True)


def _read_sign(sign: str) -> str:
    return _SIGN_CURRENCY.get(" ".join(sign.split()).casefold(), "GBP")


# The signs as printed most often ("£", "$", "GBP"), each read once here rather than at every amount.
_EXACT_SIGN_CURRENCY = {key: _read_sign(key) for key in _SIGNS | _CODES}


def _currency_of_sign(sign: str) -> str:
    currency = _EXACT_SIGN_CURRENCY.get(sign)
    return currency if currency is not None else _read_sign(sign)


def _scale(raw: str | None) -> int:
    return _SCALE_WORDS[raw.strip().lower()] if raw else 1


def _decimal(raw: str) -> Decimal:
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:  # unreachable for what _NUM matches; kept so the lexer never raises
        return Decimal(0)


def _times(value: Decimal, scale: int) -> Decimal:
    return _integral(value * scale)


def _integral(value: Decimal) -> Decimal:
    """40000000 rather than 40000000.0; 580.17 stays as printed."""
    return value.quantize(_ONE) if value == value.to_integral_value() else value


# --- user input: "£5m", "5 million", "5000000" -----------------------------------------------

_USER_SIGN = rf"(?:(?:US|AU|CA|NZ|HK|A|C|S)\s?)?[£€$¥₹₦]|(?:{_alternation(_CODES)})"
_USER_AMOUNT = re.compile(
    rf"(?P<sign>{_USER_SIGN})?\s?(?P<num>{_NUM})\s?(?P<scale>trillion|billion|bilion|million|milion|thousand|bn|mln|mn|tn|m|b|k)?"
    rf"(?:\s?(?P<word>{_alternation(_WORDS)}))?",
    re.IGNORECASE,
)


def parse_user_amount(text: str) -> tuple[Decimal, str] | None:
    """A whole string that is one amount; pounds when no currency is given. None otherwise."""
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    if not cleaned or len(cleaned) > 80:
        return None
    match = _USER_AMOUNT.fullmatch(cleaned)
    if match:
        if (
            match["sign"]
            and match["word"]
            and _currency_of_sign(match["sign"]) != _WORDS.get(match["word"].lower())
        ):
            return None
        currency = (
            _currency_of_sign(match["sign"])
            if match["sign"]
            else _WORDS.get(" ".join(match["word"].lower().split()), "GBP")
            if match["word"]
            else "GBP"
        )
        value = _times(_decimal(match["num"]), _scale(match["scale"]))
        if match["word"] and match["word"].lower() == "pence":
            value = _integral(value / 100)
        return value, currency
    # Worded forms ("half a billion pounds"): the lexer must read the whole string as one amount.
    found = find_amounts(cleaned)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(cleaned):
        return found[0].amount, found[0].currency
    return None
