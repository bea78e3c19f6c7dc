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

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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
} | {"Rs": "INR", "Rs.": "INR", "Tk": "BDT", "Tk.": "BDT"}
# Currency words after a number. Checked longest first.
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
}
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
}


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
_SIGN = rf"(?:{_alternation(_SIGNS)}|(?:{_alternation(_CODES)})(?=\s?\d))"
_WORD_NUMBER = rf"(?:{_alternation(_NUMBER_WORDS)})"
_CURRENCY_WORD = rf"(?:{_alternation(_WORDS)})"

_PATTERN = re.compile(
    # 1. A sign, a number, a scale; optionally a range to a second bound ("£2-3 million", "£5m to £10m").
    rf"(?P<sign>{_SIGN})\s?(?P<num>{_NUM})(?P<scale>{_SCALE})?"
    rf"(?:(?P<sep>\s?(?:-|–|—|to)\s?)(?P<sign2>{_SIGN})?\s?(?P<num2>{_NUM})(?P<scale2>{_SCALE})?)?"
    # 2. Crores and lakhs (South Asian amounts), with a sign or a currency word.
    rf"|(?:(?P<csign>{_SIGN})\s?)?(?P<crore>{_NUM})\s?crores?(?:\s(?:and\s)?(?P<lakh>{_NUM})\s?(?:lakhs?|lacs?))?"
    rf"(?:\s(?P<ccur>taka|rupees))?(?![a-z])"
    # 3. A number (figures or words), a scale, then a currency word: "40 million pounds", "one billion euros".
    rf"|(?<![\w.,])(?P<wnum>{_NUM}|{_WORD_NUMBER})(?:[\s-]{{1,2}}(?P<wscale>trillion|billion|million|thousand|hundred))?"
    rf"[\s-]{{1,2}}(?P<word>{_CURRENCY_WORD})(?![a-z])"
    # 4. Pence written as "50p" (not "2.15pm", not "A4p").
    rf"|(?<![\w.,£$€])(?P<pence>\d{{1,3}})p(?![\w])",
    re.IGNORECASE,
)
# Cheap test that lets text with no money skip the big pattern.
_ANY_CURRENCY = re.compile(
    rf"[£€$¥₹₦]|\d\s?p\b|\b(?:{_alternation(_CODES)}|{_alternation(_WORDS)}|crores?)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Found:
    """One amount in a text: [start, end) is the surface."""

    start: int
    end: int
    surface: str
    amount: Decimal
    currency: str
    bound: str | None = None  # "low" / "high" for the two ends of a range


def find_amounts(text: str) -> list[Found]:
    """Every money amount in `text`, in order. Never raises."""
    if not _ANY_CURRENCY.search(text):
        return []
    found: list[Found] = []
    for match in _PATTERN.finditer(text):
        found.extend(_amounts(match, text))
    return found


def _amounts(match: re.Match[str], text: str) -> list[Found]:
    if match["num"] is not None:
        return _signed(match, text)
    if match["crore"] is not None:
        return _crores(match)
    if match["wnum"] is not None:
        return _worded(match)
    pence = _decimal(match["pence"]) / 100
    return [Found(match.start(), match.end(), match[0], pence, "GBP")]


def _signed(match: re.Match[str], text: str) -> list[Found]:
    currency = _currency_of_sign(match["sign"])
    scale = _scale(match["scale"])
    first = _decimal(match["num"])
    if match["num2"] is None or (match["sign2"] is None and match["scale2"] is None):
        # No range (or "£5 to 10 people", which is not one): the match ends at the first amount.
        end = match.end("scale") if match["scale"] else match.end("num")
        return [Found(match.start(), end, text[match.start() : end], _times(first, scale), currency)]
    scale2 = _scale(match["scale2"])
    second = _decimal(match["num2"])
    # "£2-3 million": the lower bound borrows the upper bound's scale when it has none of its own.
    if match["scale"] is None and match["scale2"] is not None and first < second:
        scale = scale2
    low_end = match.end("scale") if match["scale"] else match.end("num")
    if match["scale"] is None and scale != 1:
        low_end = match.end()  # the lower bound's printed form is the whole range
    high_start = match.start("sign2") if match["sign2"] else match.start("num2")
    currency2 = _currency_of_sign(match["sign2"]) if match["sign2"] else currency
    if currency2 != currency:
        return [
            Found(
                match.start(), match.end("num"), match[0][: match.end("num") - match.start()], first, currency
            )
        ]
    return [
        Found(match.start(), low_end, text[match.start() : low_end], _times(first, scale), currency, "low"),
        Found(
            high_start, match.end(), text[high_start : match.end()], _times(second, scale2), currency, "high"
        ),
    ]


def _crores(match: re.Match[str]) -> list[Found]:
    sign, word = match["csign"], match["ccur"]
    if not sign and not word:
        return []
    currency = _currency_of_sign(sign) if sign else _WORDS[word.lower()]
    amount = _decimal(match["crore"]) * 10**7 + (_decimal(match["lakh"]) * 10**5 if match["lakh"] else 0)
    return [Found(match.start(), match.end(), match[0], _integral(amount), currency)]


def _worded(match: re.Match[str]) -> list[Found]:
    raw = match["wnum"]
    word = " ".join(match["word"].lower().split())
    currency = _WORDS[word]
    number = _NUMBER_WORDS.get(" ".join(raw.lower().split()))
    value = number if number is not None else _decimal(raw)
    scale = _SCALE_WORDS[match["wscale"].lower()] if match["wscale"] else 1
    # "a pound", "half a pound": an article alone is not an amount ("a pound of apples").
    if number is not None and scale == 1 and number < 1 or raw.lower() in ("a", "an") and scale == 1:
        return []
    if word == "pence":
        value = value / 100
    return [Found(match.start(), match.end(), match[0], _times(value, scale), currency)]


_SIGN_CURRENCY = {key.casefold(): value for key, value in (_SIGNS | _CODES).items()}


def _currency_of_sign(sign: str) -> str:
    return _SIGN_CURRENCY.get(" ".join(sign.split()).casefold(), "GBP")


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
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


# --- user input: "£5m", "5 million", "5000000" -----------------------------------------------

_USER_AMOUNT = re.compile(
    rf"(?P<sign>{_SIGN})?\s?(?P<num>{_NUM})\s?(?P<scale>trillion|billion|bilion|million|milion|thousand|bn|mln|mn|tn|m|b|k)?"
    rf"(?:\s?(?P<word>{_CURRENCY_WORD}))?",
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
