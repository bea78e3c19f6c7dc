"""What the words around an amount say about it: funding or not, what for, who pays, when.

Every function here looks only at a bounded window on each side of the amount (a few hundred
characters, cut at the sentence), so the cost per amount is fixed however long the text is, and every
pattern is either anchored or built from bounded repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEFT_WINDOW = 220


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAMED_THINGS = _words("fund funds programme scheme project development")
RIGHT_WINDOW = 200

# Words near an amount that make it something other than money given for a purpose: prices, values,
# fines, savings, wages, statistics, loans, targets (see the corpus README's judgement calls).
_NOT_FUNDING = re.compile(
    r"\b(?:valued|value|values|worth|costs?|costing|priced|prices?|fees?|fined|fines?|penalt(?:y|ies)"
    r"|surcharges?|charges?|charged|compensation|damages|arrears|owed|owes|owing|underpaid|underpaying"
    r"|repaid|repay|save|saves|saved|saving|savings|better\s+off|wages?|salar(?:y|ies)|earn|earns|earning"
    r"|earnings|pay\s+rise|rate|pensions?|loss|losses|lost|black\s+hole|deficit|debts?|overspend|levy"
    r"|proceeds|totalled|decrease|increase\s+of|fall\s+of|rise\s+of|drop\s+of|exports?|imports?|turnover"
    r"|revenues?|gdp|economy|economic\s+output|loans?|borrow\w*|guarantees?|backed\s+loans|target"
    r"|raise|raised|raising|fundraising|transferred|bills?|tax|taxes|vat|income|sold|bought|sale"
    r"|fraud|stolen|bribes?|profits?|sales|spending\s+power|household\s+incomes?|mortgages?|rent|rents)\b",
    re.IGNORECASE,
)
_FUNDING = re.compile(
    r"\b(?:fund|funds|funded|funding|invest|invests|invested|investing|investment|investments|allocat\w*"
    r"|award\w*|grants?|granted|commit\w*|provid\w*|boost|boosts|package|support\w*|backing|budget|pot"
    r"|aid|donat\w*|spend|spent|pledg\w*|assistance|consequentials?|injection|uplift|receive|receives"
    r"|received|receiving|share\s+of|made\s+available|benefit\w*\s+from|putting|put|programme)\b",
    re.IGNORECASE,
)
# Amounts per person or per period of work are wages, benefits or prices, not funding.
_PER_RECIPIENT = re.compile(
    r"^\s*(?:a|an|per|each)\s+(?:hour|week|month|head|person|household|family|worker|employee|ticket|night"
    r"|day|trip|journey|litre|unit|bag|item)\b",
    re.IGNORECASE,
)
# Nouns an amount can stand in front of ("the £1.5 billion development"): the thing's value or cost.
_VALUE_NOUNS = frozenset(
    _words(
        "development developments redevelopment project projects scheme schemes port facility facilities "
        "building buildings complex plant contract contracts deal property site stadium bridge house home "
        "homes estate hotel bill deficit debt overspend loss losses fine fines"
    )
)
_FUNDING_NOUNS = frozenset(
    _words(
        "fund funds funding boost boosts package packages pot investment investments grant grants programme "
        "programmes allocation allocations budget uplift injection support aid settlement award awards "
        "commitment donation backing contribution scheme-funding"
    )
)
# A noun phrase after the amount ends at any of these.
_NP_STOP = frozenset(
    _words(
        "will would is are was were has have had to for of in on from that which who and with by as at "
        "into over this it a an the be been being can could should may might also now today"
    )
)
_NP_AFTER = re.compile(r"\s{1,3}([A-Za-z][\w’'&-]*(?: [A-Za-z][\w’'&-]*){0,7})")
_PAREN = re.compile(r"\([^()]{0,120}\)")

# Where a clause ends for purposes and periods.
_CLAUSE_END = re.compile(
    r"[.;:!?()]|\s[–—-]\s|,\s(?=(?:which|who|while|whilst|but|as|after|following|said|it|this|the|and\s+the)\b)"
    r"|\s(?:and|with|while|plus)\s+(?=(?:an?\s+|the\s+|over\s+|up\s+to\s+)?[£$€])|[£$€]"
)
_SENTENCE_START_CLAUSE = re.compile(r"(?:[.;:!?()]|\s[–—-]\s|,)\s*")

_FOR = re.compile(
    r"(?:^|(?<=\s))(?P<before>[\w’'-]+\s+)?(?:for|towards)\s+(?!the\s+first\s+time)(?P<p>\S.*)", re.IGNORECASE
)
_TO_VERB = re.compile(
    r"^\s*(?:\([^()]{0,120}\)\s*)?(?:[\w’'-]+\s+){0,5}?(?:to|will|would|help(?:ing)?\s+to|helping|supporting)\s+"
    r"(?P<p>(?:help|support|improve|create|fund|deliver|tackle|build|develop|boost|protect|restore|expand"
    r"|provide|upgrade|repair|fix|reopen|refurbish|transform|encourage|promote|enable|ensure|buy|purchase"
    r"|accelerate|address|reduce|increase|train|recruit|sustain|safeguard|strengthen|make|bring|give"
    r"|progress|continue|cover|meet|run|set|launch|modernise|connect|control|manage|focus|go|be\s+spent"
    r"|be\s+used|benefit|pay|replace|renovate|invest|extend|speed|cut|prevent|end)\b.*)",
    re.IGNORECASE,
)
_OF_NP = re.compile(
    r"^\s*(?:of|in|on)\s+(?:(?:new|additional|extra|further)\s+)?(?P<p>[^\s£$€].*)", re.IGNORECASE
)
_SUBJECT_VERB = re.compile(
    r"(?P<p>[^.;:!?,–—]{3,120}?)\s+(?:will|would|is\s+to|has|have|had|is|are|was|were)?\s*(?:now\s+|also\s+|then\s+)?"
    r"(?:be\s+|been\s+)?(?:receive|receives|received|receiving|get|gets|got|awarded|given|granted|allocated"
    r"|benefit\s+from|benefits\s+from|costs?|cost|valued\s+at|worth|totalled|totalling|totals)\s+"
    r"(?:(?:up\s+to|over|more\s+than|almost|nearly|around|about|just|some|a\s+further|an\s+additional|an\s+extra"
    r"|a\s+total\s+of|a\s+share\s+of|an?)\s+)?$",
    re.IGNORECASE,
)
_NOUN_OF = re.compile(
    r"(?P<p>(?:[\w’'-]+\s+){0,3}?[\w’'-]+)\s+(?:of|worth|at)\s+(?:(?:up\s+to|around|about|some|almost|nearly"
    r"|over|more\s+than|at\s+least|just|a\s+total\s+of)\s+)?$",
    re.IGNORECASE,
)
_GENERIC_PURPOSE = frozenset(
    _words("funding boost package support money investment cash total sum figure amount budget pot")
)

_NOT_PURPOSE = frozenset(_words("available better off each extra more less worth year in total overall"))
_PERIOD = re.compile(
    r"\b(?:(?:a|per|each|every)\s+(?:year|annum|month|week|day)|annually|annual|yearly"
    r"|over\s+(?:the\s+)?(?:next\s+|past\s+|last\s+|coming\s+)?(?:\d{1,2}|two|three|four|five|six|seven|eight"
    r"|nine|ten|a|few)\s+(?:years?|months?|decades?|weeks?)"
    r"|over\s+the\s+(?:next|past|last|coming)\s+(?:decade|year|month|parliament|spending\s+review\s+period)"
    r"|(?:by|in|since|until|from|during|for)\s+(?:19|20)\d\d(?:\s?[/–-]\s?(?:19|20)?\d\d)?"
    r"|(?:in|for)\s+the\s+(?:19|20)\d\d\s?[/–-]\s?(?:19|20)?\d\d\s+(?:financial|funding)\s+year"
    r"|since\s+the\s+start\s+of\s+the\s+\w+|from\s+(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)(?:\s+(?:19|20)\d\d)?"
    r"|(?:this|next|last)\s+(?:financial\s+)?year|(?:19|20)\d\d\s?[/–-]\s?(?:19|20)?\d\d\s+funding\s+round)\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(
    r"\b(?P<q>up\s+to|at\s+least|a\s+further|an\s+additional|additional|an\s+extra|extra|a\s+new|new"
    r"|almost|nearly|over|more\s+than|around|about|approximately|some|just|under|less\s+than|a\s+total\s+of"
    r"|totalling|in\s+excess\s+of|upwards\s+of|a\s+record|another|further)\s+(?:(?:new|additional|extra)\s+)?$",
    re.IGNORECASE,
)
_ORG = r"(?:[A-Z][\w’'&.-]*|EU|UK)(?:\s(?:for|of|and|&|the|on)?\s?(?:[A-Z][\w’'&.-]*)){0,6}"
_FUNDER_OF = re.compile(
    rf"^\s*(?:of\s+)?(?:(?:new|additional|extra|further)\s+)?(?P<org>{_ORG})\s+"
    r"(?:money|funding|funds|investment|support|cash|grants?|aid)\b"
)
_FUNDER_FROM = re.compile(rf"\bfrom\s+(?:the\s+)?(?P<org>{_ORG})")
_FUNDER_SUBJECT = re.compile(
    rf"^(?:The\s+)?(?P<org>{_ORG})\s+(?:has\s+|have\s+|had\s+|will\s+|is\s+|are\s+|was\s+|were\s+)?"
    r"(?:now\s+|also\s+|today\s+|already\s+|recently\s+)?(?:been\s+)?"
    r"(?:provid\w*|allocat\w*|invest\w*|commit\w*|award\w*|announc\w*|pledg\w*|giv\w*|gave|spen[dt]\w*"
    r"|grant\w*|put\w*|set\s+out|made|agreed|launched|offer\w*|donat\w*)\b"
)
_FUNDER_BEFORE = re.compile(
    rf"(?P<org>{_ORG})\s+(?:money|funding|investment|support|grants?|aid)\s+(?:\w+\s+){{0,2}}$"
)
_NOT_ORG = frozenset(_words("This That These Those It The A An Our Their Its We He She They Funding Other"))

# An earlier figure that this one is said to be separate from, or that was given before.
PRIOR_LEFT = re.compile(
    r"\b(?:previously|already|existing|on\s+top\s+of|in\s+addition\s+to|adding\s+to|adds\s+to|add\s+to"
    r"|as\s+well\s+as|follows\s+an?|following\s+an?|previous|earlier|last\s+year's|alongside)\b[^£$€.;]{0,40}$",
    re.IGNORECASE,
)
PRIOR_RIGHT = re.compile(
    r"^\s*(?:of\s+\w+\s+)?(?:previously|already|announced\s+(?:earlier|last|in))\b", re.IGNORECASE
)
TOTAL_LEFT = re.compile(
    r"\b(?:total|totals|totalling|totaling|totalled|in\s+all|altogether)\b[^£$€.;]{0,150}$", re.IGNORECASE
)
DEFINITE_LEFT = re.compile(
    r"\b(?:the|this|that|these|those|our|its|their|his|her|your)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Context:
    """What the words around one amount say."""

    is_funding: bool
    purpose: str | None
    strong_purpose: bool  # "for X", "X of £Y", "X costs £Y": enough to tell two equal amounts apart
    period: str | None
    qualifier: str | None
    funder: str | None
    prior: bool  # given before or separate ("previously", "on top of the £80m")
    total: bool  # said to be a total ("a total of", "bringing the total to")
    definite: bool  # "the/this £2 million": refers back to an amount already named
    head: str | None  # noun the amount stands in front of ("fund", "development")


def read_context(left: str, right: str) -> Context:
    """`left` ends where the amount starts and `right` begins where it ends, both within one sentence."""
    left, right = left[-LEFT_WINDOW:], right[:RIGHT_WINDOW]
    head, phrase = _noun_after(right)
    purpose, strong = _purpose(left, right, head, phrase)
    funding = _is_funding(left, right, head)
    qualifier = _QUALIFIER.search(left[-40:])
    return Context(
        is_funding=funding,
        purpose=purpose,
        strong_purpose=strong,
        period=_period(left, right),
        qualifier=" ".join(qualifier["q"].lower().split()) if qualifier else None,
        funder=_funder(left, right) if funding else None,
        prior=bool(PRIOR_LEFT.search(left[-120:]) or PRIOR_RIGHT.search(right[:40])),
        total=bool(TOTAL_LEFT.search(left)),
        definite=bool(DEFINITE_LEFT.search(left[-40:])),
        head=head,
    )


def _noun_after(right: str) -> tuple[str | None, str | None]:
    """The noun phrase an amount stands in front of: "£65 million Nature Restoration Fund" -> fund."""
    match = _NP_AFTER.match(re.sub(r"[ ]{2,}", " ", _PAREN.sub(" ", right[:120])))
    if not match:
        return None, None
    words: list[str] = []
    for word in match[1].split(" "):
        if word.lower() in _NP_STOP:
            break
        words.append(word)
    for word in words:
        key = word.lower()
        if key in _FUNDING_NOUNS or key in _VALUE_NOUNS:
            return key, " ".join(words)
    return None, " ".join(words) or None


def _is_funding(left: str, right: str, head: str | None) -> bool:
    if head in _VALUE_NOUNS:
        return False
    if head in _FUNDING_NOUNS:
        return True
    if _PER_RECIPIENT.search(right[:40]):
        return False
    near_left = _clause_tail(left)[-110:]
    near_right = _clause_head(right)[:70]
    best: tuple[int, bool] | None = None
    for pattern, verdict in ((_NOT_FUNDING, False), (_FUNDING, True)):
        for match in pattern.finditer(near_left):
            distance = len(near_left) - match.end()
            if best is None or distance < best[0] or distance == best[0] and not verdict:
                best = (distance, verdict)
        match = pattern.search(near_right)
        if match:
            distance = match.start()
            if best is None or distance < best[0] or distance == best[0] and not verdict:
                best = (distance, verdict)
    return True if best is None else best[1]


def _clause_tail(left: str) -> str:
    """The part of `left` after the last sentence-level break (kept loose: commas stay in)."""
    cut = max(left.rfind(". "), left.rfind("; "), left.rfind(": "))
    return left[cut + 2 :] if cut >= 0 else left


def _clause_head(right: str) -> str:
    match = re.search(r"[.;:!?]\s", right)
    return right[: match.start()] if match else right


def _purpose(left: str, right: str, head: str | None, phrase: str | None) -> tuple[str | None, bool]:
    # "£65 million Nature Restoration Fund", "the £1.5 billion development"
    if phrase and head in _NAMED_THINGS and not right.lstrip().startswith("("):
        return _trim(phrase), True
    match = _for_phrase(right)
    if match:
        return _trim(_clause(match)), True
    match = _TO_VERB.match(right)
    if match and match.start("p") < 80:
        return _trim(_clause(match["p"])), False
    match = _OF_NP.match(right)
    if match:
        text = _trim(_clause(match["p"]))
        if text:
            return text, False
    tail = _clause_tail(left)
    match = _SUBJECT_VERB.search(tail[-160:])
    if match:
        return _trim(_subject(match["p"])), True
    match = _NOUN_OF.search(tail[-80:])
    if match and match["p"].split()[-1].lower() not in ("one", "total", "sum", "part", "share", "up"):
        return _trim(match["p"]), True
    if phrase and head not in _GENERIC_PURPOSE and phrase.lower() not in _NOT_PURPOSE:
        return _trim(phrase), False
    return None, False


def _for_phrase(right: str) -> str | None:
    """What follows "for" in the amount's clause, skipping the "for" inside a name ("Department for Transport")."""
    clause = _clause(" " + right[:160])
    for match in _FOR.finditer(clause):
        if match.start("p") > 90:
            break
        before = (match["before"] or "").strip()
        if before[:1].isupper() and not before.isupper() and match["p"][:1].isupper():
            continue
        return match["p"]
    return None


def _clause(text: str) -> str:
    match = _CLAUSE_END.search(text)
    return text[: match.start()] if match else text


def _subject(text: str) -> str:
    pieces = _SENTENCE_START_CLAUSE.split(text)
    return pieces[-1] if pieces else text


def _trim(text: str) -> str | None:
    words = text.split()[:14]
    while words and words[0].lower() in ("the", "a", "an", "and", "of", "to", "that", "which"):
        words = words[1:]
    while words and words[-1].lower() in (
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "for",
        "in",
        "on",
        "with",
        "by",
    ):
        words = words[:-1]
    result = " ".join(words).strip(" ,’'\"”“")
    return result or None


def _period(left: str, right: str) -> str | None:
    match = _PERIOD.search(_clause(right)[:160]) or _PERIOD.search(right[:40])
    if match is None:
        # Only the amount's own clause: not an earlier figure's ("£40m over 2 years, which includes £11m").
        tail = _clause_tail(left)
        tail = tail[
            max(tail.rfind("£"), tail.rfind("$"), tail.rfind("€"), tail.lower().rfind("includ")) + 1 :
        ]
        matches = list(_PERIOD.finditer(tail))
        match = matches[-1] if matches else None
    return " ".join(match[0].split()) if match else None


def _funder(left: str, right: str) -> str | None:
    for match in (_FUNDER_OF.match(right), _FUNDER_FROM.search(_clause(right)[:140])):
        if match:
            return _org(match["org"])
    tail = _clause_tail(left)
    match = _FUNDER_BEFORE.search(tail[-80:])
    if match and (org := _org(match["org"])):
        return org
    match = _FUNDER_SUBJECT.match(tail.lstrip())
    return _org(match["org"]) if match else None


def _org(text: str) -> str | None:
    words = text.split()
    while words and words[0] in _NOT_ORG:
        words = words[1:]
    while words and words[-1].lower() in ("for", "of", "and", "&", "the", "on"):
        words = words[:-1]
    return " ".join(words) or None
