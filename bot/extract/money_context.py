"""What the words around an amount say about it: funding or not, what for, who pays, when.

The window on each side of an amount is bounded (and cut at the sentence), tokenised once, and read
with set look-ups over the tokens: the cost per amount is fixed however long the text is, and the
only regular expressions are a tokeniser and a period pattern run on a short clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# Amounts below this that a household or person gets, pays or saves are not funding.
SMALL_AMOUNT = Decimal(100_000)
LEFT_WINDOW = 170
RIGHT_WINDOW = 150


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Tokens come from str.translate + str.split (C speed; a tokenising regex costs several times more):
# punctuation that matters becomes its own token, quotation marks become spaces.
# (str.replace of the few characters present beats str.translate with a table of strings.)
# A comma is spaced only when a space follows, so "1,000" stays one token.
_SPACED_PAIRS = (
    tuple((c, f" {c} ") for c in "£$€;:()–—!?") + ((", ", " , "),) + tuple((c, " ") for c in '“”"‘')
)
_EDGE = "’'.\u2019"
_BREAKS = frozenset(";:()–—!?-")
_SIGNS = frozenset("£$€")
_CLAUSE_STOPS = _BREAKS | _SIGNS

# Words near an amount that make it something other than money given for a purpose: prices, values,
# fines, savings, wages, statistics, loans, targets (see the corpus README's judgement calls).
_NOT_FUNDING = _words(
    "valued value values worth cost costs costing priced price prices fee fees fined fine fines penalty "
    "penalties surcharge surcharges charge charges charged compensation damages arrears owed owes owing "
    "underpaid underpaying repaid repay lent lend lends lending save saves saved saving savings wage wages salary salaries earn earns "
    "earning earnings rate pension pensions loss losses lost deficit debt debts overspend levy proceeds gap gaps "
    "shortfall shortfalls "
    "totalled decrease export exports import imports turnover revenue revenues gdp loan loans borrowing "
    "borrow borrowed guarantee guarantees raise raised raising fundraising transferred bill bills tax "
    "taxes vat tariff tariffs income sell sells selling sold bought sale sales fraud stolen bribe bribes profit profits mortgage mortgages rent "
    "rents economy damage average insurance claim claims need needs needed require requires required fare "
    "fares ticket tickets payment payments instalment instalments rebate rebates allowance allowances fetch "
    "seeks seeking sought appeal appeals appealed appealing "
    "fetches fetched"
)
_NOT_FUNDING_PAIRS = frozenset(
    {("better", "off"), ("black", "hole"), ("pay", "rise"), ("pay", "award"), ("pay", "scale"), ("pay", "offer"), ("increase", "of"), ("rise", "of"), ("fall", "of"),
     ("drop", "of"), ("spending", "power"), ("economic", "output"),
     # what an activity is worth to the economy: "£30bn of economic benefit"
     ("economic", "benefit"), ("economic", "benefits"), ("economic", "impact"), ("economic", "value"),
     ("economic", "activity"), ("economic", "growth"), ("estimated", "at"), ("target", "of"), ("targets", "of"),
     # a fall is a statistic, not money given: "spending has fallen by £340 million"
     ("fallen", "by"), ("fell", "by"), ("falls", "by"), ("dropped", "by"), ("reduced", "by"), ("down", "by"),
     # a court order: "ordered to pay more than £15,000"
     ("ordered", "to")}
)  # fmt: skip
_FUNDING = _words(
    "fund funds funded funding invest invests invested investing investment investments allocate allocated "
    "allocates allocating allocation allocations award awards awarded grant grants granted commit commits "
    "committed committing commitment provide provides provided providing boost boosts package support "
    "supports supported supporting backing budget pot aid donate donated donation pledge pledged pledges "
    "spend spent assistance consequential consequentials injection uplift receive receives received "
    "give gives gave giving receiving putting contribute contributes contributed contributing contribution contributions"
)
_VALUE_WORDS = _words("worth valued value totalling")
# A level rather than money given: what a fare, wage, cap or average *is* or rises to ("the average
# fare on supported routes is currently £2.85", "the minimum will rise to £28,660", "the cap would
# have reached £4,279"). A funding word nearer the amount ("supported routes") must not outvote it.
_LEVEL_NOUNS = _words(
    "average median typical minimum maximum fare fares price prices salary salaries wage wages cap fee fees "
    "surcharge charge rent cost costs"
)
_COPULAS = _words("is are was were be been reached reach reaches worth")
_LEVEL_CHANGES = _words(
    "rise rises rose risen fall falls fell fallen increase increases increased go goes went"
)
_HEDGES = _words("currently now around about approximately roughly nearly almost just an estimated some")
_BOUND_WORDS = _words("at least up to more than over under")
_PAID_SUBJECT_VERBS = _words("be is are was were being get gets got getting")
# Below a pound no funder grants anything: pence are prices, rates and benefit steps.
MIN_FUNDING = Decimal(1)
_CHANGE_WORDS = _words("rise rises increase increases uplift hike cut cuts")
_HOUSEHOLD_BENEFITS = _words("payment payments allowance allowances benefit benefits credit pension pensions")
_INDIVIDUALS = _words(
    "household households family families person people individual individuals pensioner pensioners worker "
    "workers employee employees claimant claimants driver drivers motorist motorists student students "
    "patient patients resident residents taxpayer taxpayers consumer consumers customer customers homeowner "
    "homeowners tenant tenants parent parents carer carers recipient recipients shopper shoppers farmer farmers "
    "passenger passengers commuter commuters traveller travellers holder holders visitor visitors tourist "
    "tourists graduate graduates trainee trainees teacher teachers nurse nurses artist artists "
    # what only a person is given: "a tax-free bursary of £20,000"
    "bursary bursaries scholarship scholarships stipend stipends"
)
_FUNDING_PAIRS = frozenset(
    {
        ("share", "of"),
        ("made", "available"),
        ("benefit", "from"),
        ("benefitted", "from"),
        ("benefited", "from"),
        # a council's running costs, as opposed to its takings: "£35m in revenue support"
        ("revenue", "support"),
        ("revenue", "funding"),
        ("revenue", "grant"),
        ("revenue", "grants"),
        ("revenue", "budget"),
    }
)
# Units a grant rate is paid per when the money goes to an organisation or landowner, not a person:
# "a grant of £6,800 per hectare", "an average grant of £90,000 per council home".
_ASSET_UNITS = _words(
    "hectare hectares acre acres home homes house houses dwelling dwellings school schools site sites "
    "building buildings mile kilometre tonne apprentice apprentices apprenticeship apprenticeships"
)
# Recipients that make a per-unit payment a grant: "incentive payments of £250 to £1,500 to employers".
_ORG_RECIPIENTS = _words(
    "employer employers business businesses firm firms company companies council councils landowner "
    "landowners organisation organisations organization organizations charity charities school schools "
    "provider providers authority authorities sponsor sponsors trust trusts"
)
_FUNDER_BODIES = _words(
    "distributors distributor agency agencies councils council boroughs authorities authority government "
    "treasury trust trusts foundation foundations lottery donors partners funders executive department"
)
_GRANT_WORDS = _words("grant grants incentive incentives payment payments")
_PER_UNIT = _words(
    "hour week month head person household family worker employee ticket night day trip journey litre "
    "unit bag item pupil child business farm firm company claim applicant hectare acre tonne mile kilometre animal"
)
# Nouns an amount can stand in front of ("the £1.5 billion development"): the thing's value or cost.
_VALUE_NOUNS = _words(
    "development developments redevelopment project projects scheme schemes port facility facilities "
    "building buildings complex plant deal property site stadium bridge house home "
    "homes estate hotel bill deficit debt overspend loss losses fine fines pay farm farms station stations "
    "target targets "
    "terminal terminals factory factories refinery tunnel reservoir cost costs "
    # what trade or a market is worth: "a £15.3 billion trade relationship"
    "trade relationship market markets exports imports turnover revenue revenues sales"
)


_FUNDING_NOUNS = _words(
    "fund funds funding boost boosts package packages pot investment investments grant grants programme "
    "programmes allocation allocations budget uplift injection support aid settlement award awards "
    "commitment donation backing contribution contract contracts initiative initiatives"
)
_NAMED_THINGS = _words("fund funds programme scheme project development initiative")
# Lent, not given (the corpus README: government-backed loans are not funding).
_LOAN_NOUNS = _words("loan loans")
_GENERIC = _words("funding boost package support money investment cash total sum figure amount budget pot")
# A noun phrase after the amount ends at any of these.
_NP_STOP = _words(
    "includes include included including covers comprises "
    "will would is are was were has have had to for of in on from that which who and with by as at into per set "
    "over this it a an the be been being can could should may might also now today so i we they you he she"
)
_FOR_WORDS = _words("for towards toward")
_BENEFIT = _words("benefit benefits benefited benefitted benefiting benefitting")
_GIVEN_VERBS = _words("allocated committed awarded given provided invested spent used distributed paid")
_BLAND = _words("government new additional extra multi-million cash uk national public funding boost")
_GENERIC_OR_BLAND = _GENERIC | _BLAND
_TO_WORDS = _words("to will helping supporting help")
_CLAUSE_WORDS = _words("which who while whilst but after following said")
_TO_VERBS = _words(
    "help support improve create fund deliver tackle build develop boost protect restore expand provide "
    "upgrade repair fix reopen refurbish transform encourage promote enable ensure buy purchase accelerate "
    "address reduce increase train recruit sustain safeguard strengthen make bring give progress continue "
    "cover meet run set launch modernise connect control manage focus go benefit pay replace renovate "
    "invest extend speed cut prevent end target secure keep upskill fight combat fix"
)
_SUBJECT_VERBS = _words(
    "receive receives received receiving get gets got awarded given granted allocated cost costs valued "
    "worth totalled totalling totals"
)
_COUNT_WORDS = _words("a one two three four five six seven eight nine ten several many")
_TIME_UNITS = _words("year years month months week weeks day days decade decades")
_TIME_UNITS_TUPLE = tuple(_TIME_UNITS)
_PARTICIPLES = _words("awarded given granted allocated")
_PASSIVE = (["been"], ["be"], ["is"], ["are"], ["was"], ["were"], ["being"])
_PREDICATE = _words(
    "was were is are will would has have had can could should said says which who whose where"
)
_AUXILIARIES = _words("will would is are was were has have had be been being now also then to set due")
_DETERMINERS = _words("the this that these those our its their his her your")
_ARTICLES = _words("a an the")
_DETERMINERS_OR_ARTICLES = _DETERMINERS | _ARTICLES
# Words a phrase from _trim neither starts nor ends with.
_TRIM_FIRST = _words("a an and of to which") | _DETERMINERS
_TRIM_LAST = _words("the a an and of to for in on with by")
_QUALIFIERS = {
    tuple(q.split())
    for q in (
        "up to", "at least", "a further", "an additional", "additional", "an extra", "extra", "a new", "new",
        "almost", "nearly", "over", "more than", "around", "about", "approximately", "some", "just", "under",
        "less than", "a total of", "totalling", "in excess of", "upwards of", "a record", "another", "further",
    )
}  # fmt: skip
# The last words of the qualifiers: a phrase that ends in none of them is no qualifier.
_QUALIFIER_ENDS = frozenset(q[-1] for q in _QUALIFIERS)
_PRIOR = _words("previously already existing previous earlier alongside")
_PRIOR_PAIRS = frozenset(
    {("on", "top"), ("in", "addition"), ("as", "well"), ("adding", "to"), ("adds", "to"), ("add", "to"),
     ("follows", "a"), ("following", "a"), ("follows", "an"), ("following", "an")}
)  # fmt: skip
_TOTAL = _words("total totals totalling totaling totalled altogether")
_TOTAL_PAIRS = frozenset({("in", "all"), ("contributed", "towards")})


def _by_first(pairs: frozenset[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """{("on", "top"), ("in", "addition")} -> {"on": {"top"}, "in": {"addition"}}, for _has."""
    return {first: frozenset(b for a, b in pairs if a == first) for first, _ in pairs}


_PRIOR_BY_FIRST = _by_first(_PRIOR_PAIRS)
_TOTAL_BY_FIRST = _by_first(_TOTAL_PAIRS)
_TAKEN_TO = _words("taking takes took bringing brings brought")
_PER_WORDS = _words("for per")
_ONE_YEAR = re.compile(
    r"\b(?:first|second|third|fourth|fifth|final|opening)[ ]year\b|\b(?:for|in)[ ](?:19|20)\d\d[/–-](?:19|20)?\d\d\b"
)
_YEAR_CUES = _words("year for in")
_PART_WORDS = _words("part parts share portion")
_CONTAINER_NOUNS = _words("fund pot package budget programme allocation settlement envelope")
_PERIOD_HINTS = _words(
    "year years annum month months week weeks day days hour annually annual yearly weekly daily decade decades "
    "parliament "
    "since january february march april may june july august september october november december round "
    "winter summer spring autumn winter’s summer’s spring’s autumn’s winter's summer's spring's autumn's"
)
_PERIOD = re.compile(
    r"\b(?:(?:a|per|each|every)\s+year\s+by\s+(?:19|20)\d\d(?:[/–-](?:19|20)?\d\d)?"
    r"|(?:a|an|per|each|every)\s+(?:year|annum|month|week|day|hour)|annually|annual|yearly|weekly|daily"
    r"|over\s+(?:the\s+)?(?:next\s+|past\s+|last\s+|coming\s+)?(?:\d{1,2}|two|three|four|five|six|seven|eight"
    r"|nine|ten|a|few)\s+(?:years?|months?|decades?|weeks?)"
    r"|over\s+the\s+(?:next|past|last|coming)\s+(?:decade|year|month|parliament)"
    r"|(?:in|for)\s+the\s+(?:19|20)\d\d\s?[/–-]\s?(?:19|20)?\d\d\s+(?:financial|funding)\s+year"
    r"|(?:19|20)\d\d\s?[/–-]\s?(?:19|20)?\d\d\s+funding\s+round"
    r"|between\s+(?:19|20)\d\d\s+and\s+(?:19|20)\d\d"
    r"|(?:by|in|since|until|from|during|for)\s+(?:19|20)\d\d(?:\s?[/–-]\s?(?:19|20)?\d\d|\s+to\s+(?:19|20)\d\d)?"
    r"|since\s+the\s+start\s+of\s+the\s+\w+|from\s+(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)(?:\s+(?:19|20)\d\d)?"
    r"|(?:this|next|last)\s+(?:financial\s+)?year|this\s+(?:winter|summer|spring|autumn))\b",
    re.IGNORECASE,
)
_PAIR_FIRSTS = frozenset(
    pair[0] for pairs in (_NOT_FUNDING_PAIRS, _FUNDING_PAIRS, _PRIOR_PAIRS, _TOTAL_PAIRS) for pair in pairs
)
_SINGLE_CUES = _NOT_FUNDING | _FUNDING
_CUE_WORDS = _SINGLE_CUES | _PAIR_FIRSTS
_FUNDER_VERBS = _words(
    "provide provides provided providing allocate allocates allocated allocating invest invests invested "
    "investing commit commits committed award awards awarded announce announces announced announcing pledge "
    "pledges pledged give gives gave given spend spends spent grant grants granted put puts putting made "
    "agreed launched offer offers offered donate donates donated"
)
_FUNDER_NOUNS = _words("money funding funds investment support cash grant grants aid")
_NAME_JOINERS = _words("of for and the on to at in")
_ORG_WORDS = _words(
    "government office department ministry executive council fund agency trust foundation commission "
    "treasury bank authority board lottery service union assembly parliament administration partnership "
    "programme institute charity england scotland wales ireland alliance"
)
_ORG_JOINERS = _words("for of and & the on")
_NOT_ORG = _words("This That These Those It The A An Our Their Its We He She They Funding Other In")


@dataclass(slots=True)
class Context:
    """What the words around one amount say."""

    is_funding: bool
    # Funding only because nothing near the amount says otherwise: no cue word, no funding noun after it.
    unsaid: bool
    purpose: str | None
    strong_purpose: bool  # "for X", "X of £Y", "X costs £Y": enough to tell two equal amounts apart
    period: str | None
    qualifier: str | None
    funder: str | None
    prior: bool  # given before or separate ("previously", "on top of the £80m")
    total: bool  # said to be a total ("a total of", "bringing the total to", "totalling")
    definite: bool  # "the/this £2 million": refers back to an amount already named
    part_of_left: bool  # "is part of a £5 million package", "from the £10m fund"
    head: str | None  # noun the amount stands in front of ("fund", "development")
    share: bool  # one of several equal shares: "will each receive £15m", "£2m each"
    sub_period: bool  # for one year of a longer total: "in the first year", "the budget for 2024-25"
    cost: bool  # what a thing costs or is worth: "the £1.9m cost of", "will cost £2m", "a £5m project"


def duration_in(text: str, start: int, end: int) -> str | None:
    """How long or how often money is given, said in `text[start:end]` without an amount ("The money will
    be shared ... over the next 2 years"): a span or rate after a verb of giving, not a date or a time past
    ("since 2014")."""
    lowered = text[start:end].lower()
    if _GIVEN_OVER.isdisjoint(lowered.split()):
        return None  # the usual case: no verb of giving, no pattern run
    if not _DURATION_UNIT.search(lowered):
        return None  # (no unit that a period below names: the long pattern need not run)
    for match in _PERIOD.finditer(text, start, end):
        # only how the money itself is given ("will be spent over 3 years"), not what it pays for
        # ("rations for almost half-a-million people for over two weeks")
        given = text[max(start, match.start() - 60) : match.start()].lower().split()[-8:]
        if match[0].lower().startswith(_DURATION_STARTS) and not _GIVEN_OVER.isdisjoint(given):
            return match[0]
    return None


_DURATION_STARTS = ("over ", "a ", "an ", "per ", "each ", "every ", "annual", "yearly")
# Every _PERIOD match that starts so holds one of these, lowercased ("day" after a space: "today" is no unit).
_DURATION_UNIT = re.compile(r"year|annu|month|week|\sday|hour|decade|parl")
_GIVEN_OVER = _words(
    "shared spent paid provided delivered allocated given invested distributed released used split spread "
    "phased awarded available"
)


def spaced_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """The replacements _tokens makes that can matter in `text` or in any part of it: worked out once
    per story, they spare each amount's windows a dozen scans for characters the story lacks."""
    # A comma is kept whenever the text has one: spacing out a sign or bracket after it, or joining the
    # text around an aside, can put a space after it.
    return tuple(pair for pair in _SPACED_PAIRS if pair[0][0] in text)


def read_context(
    left: str, right: str, amount: Decimal | None = None, pairs: tuple[tuple[str, str], ...] = _SPACED_PAIRS
) -> Context:
    """`left` ends where the amount starts and `right` begins where it ends, both within one sentence.

    `pairs` may be spaced_pairs() of a text that holds both (by default, every replacement is tried).
    """
    left_tokens, left_low = _tokens(
        _without_asides(left[-LEFT_WINDOW:]), pairs, drop_first=len(left) > LEFT_WINDOW
    )
    # A bracket right after the amount restates it ("£22 million ($27.6 million)") or breaks it down:
    # what the amount is for comes after it.
    if right[:2].lstrip().startswith("(") and (close := right.find(")", 0, 80)) > 0:
        right = right[close + 1 :]
    right_tokens, right_low = _tokens(right[:RIGHT_WINDOW], pairs, drop_last=len(right) > RIGHT_WINDOW)
    # The amount's own clause on the left: after the last ";"/":" (the sentence is already cut).
    if ";" in left_low or ":" in left_low:
        cut = max(_last_index(left_low, ";"), _last_index(left_low, ":")) + 1
        left_tokens, left_low = left_tokens[cut:], left_low[cut:]
    since_money = 0
    if "£" in left_low or "$" in left_low or "€" in left_low:
        since_money = (
            max(_last_index(left_low, "£"), _last_index(left_low, "$"), _last_index(left_low, "€")) + 1
        )
    clause_end = _clause_end(right_tokens, right_low)
    head, phrase = _noun_after(right, right_tokens, right_low)
    funding = _is_funding(left_tokens, left_low, right_tokens, right_low, head, amount)
    funded_thing = None
    if "," in left_low and "," in right_low[:_ASIDE_SPAN]:  # (the usual case tests two list look-ups)
        aside = _aside(left_tokens, left_low, right_low)
        if aside is not None:
            clause_end, funded_thing = min(clause_end, aside[0]), aside[1]
    clause_tokens, clause_low = right_tokens[:clause_end], right_low[:clause_end]
    purpose, strong = _purpose(left_tokens, left_low, clause_tokens, clause_low, head, phrase)
    if funded_thing and not strong:  # what the aside pays for, not a name the amount has ("£4m grant")
        purpose, strong = funded_thing, True
    since_low = left_low[since_money:] if since_money else left_low
    last_three = left_low[-3:]
    return Context(
        is_funding=funding,
        unsaid=funding and head is None and not _cued(left_low[-20:]) and not _cued(right_low[:12]),
        purpose=purpose,
        strong_purpose=strong,
        period=_period(
            left_tokens[since_money:] if since_money else left_tokens,
            since_low,
            clause_tokens[: _total_clause(clause_low)],
            right_low,
        ),
        qualifier=_qualifier(left_low),
        funder=_funder(left_tokens, left_low, clause_tokens, right_low) if funding else None,
        prior=_has(left_low[max(since_money, len(left_low) - 10) :], _PRIOR, _PRIOR_BY_FIRST)
        or _prior_right(right_low),
        total=_has(left_low[max(since_money, len(left_low) - 30) :], _TOTAL, _TOTAL_BY_FIRST)
        or _taken_to(left_low),
        definite=not _DETERMINERS.isdisjoint(last_three)
        and _BREAKS.isdisjoint(last_three)
        or _named_before(left_low[-5:]),
        part_of_left=_part_of_left(left_low, right_low),
        head=head,
        share=_share(left_low[-4:]) or right_low[:1] == ["each"],
        sub_period=_sub_period(since_low, since_money > 0, clause_low),
        cost=head in _VALUE_NOUNS or _named_as_cost(left_low),
    )


_COSTS = _words("cost costs costing")


def _named_as_cost(left: list[str]) -> bool:
    """ "will cost £2 million", "the total cost of €4.2 million", "costing around £5m"."""
    if _COSTS.isdisjoint(left[-4:]):
        return False  # the usual case
    end = len(left)
    while end and left[end - 1] in _HEDGES:
        end -= 1
    if end and left[end - 1] == "of":
        end -= 1
    return bool(end) and left[end - 1] in _COSTS


def _total_clause(low: list[str]) -> int:
    """Where ", bringing the total ... to £Y" or ", with ..." starts: a period after it is the total's or
    another thing's ("will cost £1bn, bringing total spending this winter to £2.7bn", "24.50p per kWh,
    with a daily standing charge of 60.99p"), though what the amount is for may still be named there."""
    if _TAKEN_TO.isdisjoint(low) and "with" not in low:
        return len(low)  # the usual case, set look-ups only
    for i, token in enumerate(low[:-1]):
        if token == "," and (low[i + 1] in _TAKEN_TO or low[i + 1] == "with"):
            return i
    return len(low)


def _last_index(tokens: list[str], token: str) -> int:
    """Where `token` last occurs in `tokens`, or -1 (list methods: no Python loop over the tokens)."""
    if token not in tokens:
        return -1
    return len(tokens) - 1 - tokens[::-1].index(token)


def _named_before(left: list[str]) -> bool:
    """ "The EU contribution of €2.9 million": "the … of" points back at a figure already named."""
    if left[-1:] != ["of"] or "the" not in left[:-1]:
        return False
    between = left[len(left) - left[::-1].index("the") : -1]
    return 0 < len(between) <= 3 and all(word.isalpha() for word in between)


def _cued(words: list[str]) -> bool:
    """Some word says funding or not ("awarded", "savings", "share of"): a first word of a pair alone does not."""
    if not _SINGLE_CUES.isdisjoint(words):
        return True
    if _PAIR_FIRSTS.isdisjoint(words):
        return False
    return any(_cue(word, after) is not None for word, after in zip(words, words[1:], strict=False))


def _share(left: list[str]) -> bool:
    """ "will each receive up to", "each council gets": not "each year" or "£65,000 for each school"."""
    if "each" not in left or not _PER_WORDS.isdisjoint(left):
        return False
    after = left[left.index("each") + 1 : left.index("each") + 2]
    return not after or after[0] not in _TIME_UNITS and after[0] != ","


def _taken_to(left: list[str]) -> bool:
    """ "..., taking its maintenance budget to £40m": the amount is the total the others add to."""
    return left[-1:] == ["to"] and not _TAKEN_TO.isdisjoint(left[-6:-1])


def _sub_period(left: list[str], after_money: bool, right: list[str]) -> bool:
    """ "In the first year, £13 million ...", "with the budget for 2024-25 rising to £500 million"."""
    if after_money and "," in left:
        left = left[len(left) - left[::-1].index(",") :]  # only this amount's clause
    for words in (left, right):
        if not _YEAR_CUES.isdisjoint(words):  # (one pass, where three "in" tests took three)
            joined = " ".join(words)
            # Every match holds " year" or "for"/"in" before a year: most clauses are spared the pattern.
            if (
                " year" in joined
                or "for 19" in joined
                or "for 20" in joined
                or "in 19" in joined
                or "in 20" in joined
            ) and _ONE_YEAR.search(joined):
                return True
    return False


def _without_asides(left: str) -> str:
    """Drop a finished aside before the amount: "the Fund – which helps with energy bills – with £421m"."""
    if "–" not in left and "—" not in left and ")" not in left:
        return left  # the usual case: no closing dash or bracket, so no aside
    for opener, closer in ((" – ", " – "), (" — ", " — "), ("(", ")")):
        end = left.rfind(closer)
        start = left.rfind(opener, 0, end) if end > 0 else -1
        if start != -1 and end - start < 160 and (opener != "(" or left.count("(", start, end) == 1):
            left = left[:start] + " " + left[end + len(closer) :]
    return left


def _tokens(
    text: str,
    pairs: tuple[tuple[str, str], ...] = _SPACED_PAIRS,
    drop_first: bool = False,
    drop_last: bool = False,
) -> tuple[list[str], list[str]]:
    """Words ("Covid-19", "NI’s", "2.5") and punctuation tokens, as printed and lower-cased.

    A word cut by the window's edge is dropped, and so is the sentence's full stop.
    """
    spaced = text
    for char, replacement in pairs:
        if char in spaced:
            spaced = spaced.replace(char, replacement)
    tokens, low = spaced.split(), spaced.lower().split()
    if len(low) != len(tokens):  # lower() can change a rare character into a space-separated pair
        low = [t.lower() for t in tokens]
    if drop_first and tokens:
        tokens, low = tokens[1:], low[1:]
    if drop_last and tokens:
        tokens, low = tokens[:-1], low[:-1]
    elif tokens and tokens[-1][-1:] in _EDGE:
        tokens[-1] = tokens[-1].rstrip(_EDGE) or tokens[-1]
        low[-1] = low[-1].rstrip(_EDGE) or low[-1]
    return tokens, low


def _has(tokens: list[str], words: frozenset[str], pairs: dict[str, frozenset[str]]) -> bool:
    """A word of `words` among `tokens`, or a pair of `pairs` (first word -> second words) in a row."""
    if not words.isdisjoint(tokens):
        return True
    if pairs.keys().isdisjoint(tokens):
        return False  # the usual case, without building the set of first words present
    # Only the few first words present are looked at (set and list methods, no loop over every token).
    for first in pairs.keys() & tokens:
        seconds = pairs[first]
        at = tokens.index(first)
        while True:
            if at + 1 < len(tokens) and tokens[at + 1] in seconds:
                return True
            try:
                at = tokens.index(first, at + 1)
            except ValueError:
                break
    return False


def _prior_right(right: list[str]) -> bool:
    head = right[:3]
    return "previously" in head or "already" in head or right[:1] == ["previously-announced"]


# An aside between commas holding the amount: "The ships, costing £115 million, are due ...". Its
# opening words say what the amount is to the noun before it: its cost or value, or the money that pays
# for it; an amount alone is in apposition ("The largest award, £750,000, will ...").
_ASIDE_SPAN = 7
_VALUE_OPENERS = _words("costing worth valued priced totalling totaling")
_PAYING_OPENERS = _words("funded financed backed paid")
_APPOSITION_WORDS = frozenset(word for q in _QUALIFIERS for word in q) | _HEDGES
# The main clause's verb after the closing comma: what follows is said of the noun before the aside.
_MAIN_VERBS = _words("will would is are was were has have had can could should may might must shall also")
# Nouns that are money themselves: what the main clause says of them, it says of the amount ("The
# contract, worth £854 million, covers ... from 2022 until 2032").
_MONEY_SUBJECTS = _FUNDING_NOUNS | _words("award awards deal deals")


def _aside(left: list[str], left_low: list[str], right_low: list[str]) -> tuple[int, str | None] | None:
    """The amount sits in an aside about a noun that is not money, and the main clause resumes after it.

    Returns where the amount's clause ends (the aside's closing comma) and, when the aside says the
    amount pays for the noun ("A new depot, funded by a £4m grant, will open in May"), that noun, which
    is what the money is for. What comes after the aside ("will open in May") is said of the noun, not
    of the amount. An amount followed by ", to support ..." or ", helping ..." is no aside: its purpose
    follows, and it is no main verb.
    """
    close = right_low.index(",")
    if close + 1 >= len(right_low) or right_low[close + 1] not in _MAIN_VERBS:
        return None
    if not _CLAUSE_STOPS.isdisjoint(right_low[:close]):
        return None
    comma = _last_index(left_low, ",")
    opening = left_low[comma + 1 :]
    if len(opening) > 4:
        return None
    if opening and opening[0] in _PAYING_OPENERS:
        kind = "pays"
    elif opening and opening[0] in _VALUE_OPENERS or all(word in _APPOSITION_WORDS for word in opening):
        kind = "value"
    else:
        return None
    start = comma
    while start and left_low[start - 1] != "," and comma - start < 8:
        start -= 1
    noun = left_low[start:comma]
    if not noun or not _PREDICATE.isdisjoint(noun) or not _MONEY_SUBJECTS.isdisjoint(noun[-3:]):
        return None  # no noun before the aside, a clause rather than a noun, or a noun that is money
    if not _SIGNS.isdisjoint(noun):
        return None  # "£5m for schools, £3m, will ...": a list of amounts, not an aside
    if kind == "value":
        return close, None
    # The noun phrase just before the aside: back to its article ("A new depot"), not the clause's verb.
    first = comma
    while first > start and left_low[first - 1] not in _NP_STOP:
        first -= 1
    if first > start and left_low[first - 1] in _DETERMINERS_OR_ARTICLES:
        first -= 1
    return close, _trim(left[first:comma])


def _clause_end(tokens: list[str], low: list[str]) -> int:
    """The first break, sign or ", which ..." in `low`; set and list look-ups rather than a loop over every token."""
    end = len(low)
    if not _CLAUSE_STOPS.isdisjoint(low):
        for i, token in enumerate(low):  # (a loop, not next() over a generator: see _outside_names)
            if token in _CLAUSE_STOPS:
                end = i
                break
    comma = low.index(",") if "," in low else end
    while comma < end:
        if comma + 1 < len(low) and low[comma + 1] in _CLAUSE_WORDS:
            return comma
        try:
            comma = low.index(",", comma + 1, end)
        except ValueError:
            break
    return end if end < len(low) else len(tokens)


def _noun_after(right: str, tokens: list[str], low: list[str]) -> tuple[str | None, str | None]:
    """The noun phrase an amount stands in front of: "£65 million Nature Restoration Fund" -> fund."""
    if not right[:1].isspace() or not tokens or not tokens[0][:1].isalpha():
        return None, None
    words: list[str] = []
    depth = 0
    for token, word in zip(tokens, low, strict=False):
        if token == "(":
            depth += 1
            continue
        if token == ")":
            depth -= 1
            continue
        if depth > 0:
            continue  # "£14.4 million GSCS (generation storage ...) scheme"
        if word in _NP_STOP or not token[:1].isalnum() or len(words) == 6:
            break
        words.append(token)
    if words and words[-1].lower() in _LOAN_NOUNS:  # "a £50,000 Bounce Back Loan": a loan by any name
        return words[-1].lower(), " ".join(words)
    for word in words:
        key = word.lower()
        if key in _FUNDING_NOUNS or key in _VALUE_NOUNS and word == key:
            return key, " ".join(words)
    return None, " ".join(words) or None


def _outside_names(tokens: list[str], low: list[str]) -> list[str]:
    """Lower-cased tokens with words of Title Case names blanked: "Special Educational Need support"."""
    # Loops over the few capitalised words only (tokens are never empty). (A loop, not a comprehension:
    # Python 3.11 runs each comprehension as a function call, which costs more than these few tokens.)
    caps = []
    for i, token in enumerate(tokens):
        if token[0].isupper():
            caps.append(i)
    if len(caps) < 2:
        return low  # a name takes two capitalised words at least
    capital = set(caps)
    # "Cost of Living", "Department for Transport": a joining word between capitals is in the name.
    for before, after in zip(caps, caps[1:], strict=False):
        if after == before + 2 and low[before + 1] in _NAME_JOINERS:
            capital.add(before + 1)
    result = list(low)
    for i in capital:
        if i - 1 in capital or i + 1 in capital:
            result[i] = ""
    return result


def _for_individuals(left: list[str], right: list[str]) -> bool:
    """A person or household is named near the amount ("individual grants" are grants, each)."""
    for words in (left, right):
        for i, word in enumerate(words if not _INDIVIDUALS.isdisjoint(words) else ()):
            if word in _INDIVIDUALS and not (
                word == "individual"
                and words[i + 1 : i + 2] in (["grants"], ["grant"], ["awards"], ["award"])
            ):
                return True
    return False


def _per_unit(tokens: list[str]) -> bool:
    if "per" not in tokens and "each" not in tokens:
        return False  # the usual case, without a Python loop over pairs
    return any(w in ("per", "each") and nxt in _PER_UNIT for w, nxt in zip(tokens, tokens[1:], strict=False))


def _small(amount: Decimal | None) -> bool:
    return amount is not None and amount < SMALL_AMOUNT


def _benefit_change(right: list[str], amount: Decimal | None) -> bool:
    """ "a 45p rise in the Winter Heating Payment": a change in what each household gets.

    Benefit words count even inside a Title Case name: the name is the benefit's.
    """
    return (
        _small(amount)
        and bool(right)
        and right[0] in _CHANGE_WORDS
        and not _HOUSEHOLD_BENEFITS.isdisjoint(right[1:8])
    )


def _is_funding(
    left_tokens: list[str],
    left: list[str],
    right_tokens: list[str],
    right: list[str],
    head: str | None,
    amount: Decimal | None,
) -> bool:
    if (
        amount is not None
        and amount < MIN_FUNDING
        or right
        and right[0] in _CHANGE_WORDS  # (tested here first: the usual case needs no call)
        and _benefit_change(right, amount)
        or _level(left)
    ):
        return False
    if "=" in left[-2:] or "=" in right[:2] or _exchange_rate(left[-6:]):
        return False  # "€1 = £0.84", "at an exchange rate of €1 to £0.84": a rate, not money given
    if (
        _paid_to_someone(left[-8:])
        or _changed_by(left[-10:])
        or _to_the_economy(right[:10])
        or _needed(left[-6:])
        or _spent_by_people(left[-20:])
        # "will spend £97 billion on the State Pension": the cost of what households receive
        or right[:1] == ["on"]
        and not _HOUSEHOLD_BENEFITS.isdisjoint(right[1:5])
    ):
        return False
    if _grant_rate(left[-8:], right[:12]):
        return True
    first = right[0] if right else None  # the word right after the amount decides several rules
    if first == "from" and _from_funder(left[-3:], right_tokens[:6], right[:6], amount):
        return True
    if head in _VALUE_NOUNS or head in _LOAN_NOUNS:
        return False  # (value nouns) lower-case only: "University Research & Development" is a name, not a building
    if head in _FUNDING_NOUNS and _small(amount) and _for_individuals(left[-12:], []):
        return False  # "households can get a £7,500 grant": what a household receives
    if head in _FUNDING_NOUNS:
        return True
    if (first == "for" or first == "towards") and _for_a_programme(right):
        return True
    if len(right) >= 2 and right[0] in ("a", "an", "per", "each") and right[1] in _PER_UNIT:
        return False
    # "£4,800 of funding per pupil", "average per pupil funding is £4,319": a rate, not an amount given
    if _per_unit(right[:5]) or _per_unit(left[-8:]):
        return False
    # "£4 for every £1 spent": a ratio, not an amount given
    if left[-1:] in (["every"], ["each"], ["per"]) or right[:2] in (["for", "every"], ["for", "each"]):
        return False
    near_left, near_right = left[-20:], right[:12]
    for i, token in enumerate(near_right if not _BREAKS.isdisjoint(near_right) else ()):
        if token in _BREAKS:  # cues in the next clause ("...; the total value") are not about this amount
            near_right, right_tokens = near_right[:i], right_tokens[:i]
            break
    if _from_to(left, right) and _FUNDING.isdisjoint(near_left):
        return False  # "registering a charge online: from £15 to £23": a level that changes
    if (
        _CUE_WORDS.isdisjoint(near_left)
        and _CUE_WORDS.isdisjoint(near_right)
        and _INDIVIDUALS.isdisjoint(near_left)
    ):
        return True
    near_left = _outside_names(left_tokens[-20:], near_left)
    near_right = _outside_names(right_tokens[:12], near_right)
    if _small(amount) and _for_individuals(left[-15:], right[:8]):
        return False  # what a household, worker or driver gets, pays or saves
    # "£100m towards the cost of the scheme": a contribution to what something costs, not its cost
    if first in _TOWARDS and ("cost" in right[1:7] or "costs" in right[1:7]):
        return True
    # "The fund, worth £75 million", "The package is worth up to £1.5bn": a fund's size, not a value.
    # A funding noun counts here even in a name: "the Homelessness Prevention Grant will be worth £316m".
    if not _VALUE_WORDS.isdisjoint(near_left[-5:]) and not _FUNDING_NOUNS.isdisjoint(left[-7:]):
        return True
    if (
        near_right[:1] == ["to"]
        and len(near_right) > 1
        and near_right[1].isalpha()
        and near_right[1] not in _CUE_WORDS
        and near_right[1] not in _NOT_A_PURPOSE_VERB
        and _INDIVIDUALS.isdisjoint(near_right[1:2])
    ):
        # "£5 million to tackle fraud": what a purpose clause is about ("fraud", "debt", "loss") says
        # nothing about the money given to tackle it
        near_right = near_right[:2]
    if _CUE_WORDS.isdisjoint(near_left) and _CUE_WORDS.isdisjoint(near_right):
        return True
    # The nearest cue on either side decides; at equal distance, the not-funding one.
    found_left = found_right = None
    for i in range(len(near_left) - 1, -1, -1):
        if near_left[i] in _CUE_WORDS:
            verdict = _cue(near_left[i], near_left[i + 1] if i + 1 < len(near_left) else "")
            if verdict is not None:
                found_left = (len(near_left) - i, verdict)
                break
    for i, word in enumerate(near_right):
        if word in _CUE_WORDS:
            verdict = _cue(word, near_right[i + 1] if i + 1 < len(near_right) else "")
            if verdict is not None:
                found_right = (i + 1, verdict)
                break
    if found_left is None or found_right is None:
        found = found_left or found_right
        return True if found is None else found[1]
    if found_left[0] == found_right[0]:
        return found_left[1] and found_right[1]
    return (found_left if found_left[0] < found_right[0] else found_right)[1]


# Words after "£X to" that do not open a purpose clause: "to the", "to date", "to each".
_NOT_A_PURPOSE_VERB = _words(
    "the a an its their his her our this that these those each every date be around about over under up "
    "and or per"
)


def _opens_purpose(between: list[str], word: str) -> bool:
    """ "£350m to resurface …", "£2bn over three years to rebuild …": right after the amount, or after its
    period, "to" and a verb open a purpose."""
    return (
        not between
        or between[:1] in (["over"], ["in"], ["for"])
        and _is_duration(between[1:])
        or between[:1] in (["a"], ["per"], ["each"])
        and between[1:2] in (["year"], ["month"], ["week"])
    ) and _base_verb(word)


def _base_verb(word: str) -> bool:
    """ "£350m to resurface …": right after "£X to", a lowercase word that is no plural, determiner or
    person ("to councils", "to the", "to households") opens a purpose, even one _TO_VERBS does not list."""
    return (
        word.isalpha()
        and word.islower()
        and len(word) > 2
        and (not word.endswith("s") or word.endswith("ss"))
        and word not in _NOT_A_PURPOSE_VERB
        and word not in _INDIVIDUALS
        and word not in _NOT_FUNDING
        and word not in _RECIPIENT_ADJECTIVES
    )


# "40 million pounds to rural communities": adjectives that describe who gets money, not verbs.
_RECIPIENT_ADJECTIVES = _words(
    "rural urban local small smaller large larger new young older elderly vulnerable disadvantaged deprived "
    "national regional public private voluntary community global international key frontline major poor "
    "poorer british english scottish welsh irish northern southern eastern western coastal remote"
)


def _level(left: list[str]) -> bool:
    """The amount completes "<subject> is / will be / rises to / reached", and the subject (this clause
    of it) names a level: an average, a minimum or maximum, a fare, a price, a wage or a cap."""
    words = left[-14:]
    end = len(words)
    while end and words[end - 1] in _HEDGES:
        end -= 1
    if end >= 2 and words[end - 1] == "to" and words[end - 2] in _LEVEL_CHANGES:
        verb = end - 2
    elif (
        end >= 2
        and words[end - 1] == "to"
        and words[end - 2] == ","
        and not _LEVEL_CHANGES.isdisjoint(words[: end - 2])
    ):
        # "will rise by £4.65 a week for a couple, to £222.05"
        verb = max(i for i, word in enumerate(words[: end - 2]) if word in _LEVEL_CHANGES)
    elif (
        end >= 4 and words[end - 1] == "to" and (by := _rise_by(words[max(0, end - 8) : end - 1])) is not None
    ):
        verb = max(0, end - 8) + by  # "will rise by £75 a year to £1,520"
    elif end and words[end - 1] in _COPULAS:
        verb = end - 1
    else:
        return False
    subject = words[:verb]
    if "," in subject:
        clause = subject[len(subject) - subject[::-1].index(",") :]
        # "the Immigration Health Surcharge, which is currently £400": the relative pronoun's noun
        subject = subject[: len(subject) - len(clause) - 1] if clause[:1] in (["which"], ["that"]) else clause
    # "The State Pension will rise to £110.15": what a household's benefit is, a level too
    return not _LEVEL_NOUNS.isdisjoint(subject) or not _HOUSEHOLD_BENEFITS.isdisjoint(subject)


def _rise_by(words: list[str]) -> int | None:
    """Where "<rise> by" stands in `words`, if it does."""
    for i in range(len(words) - 2, -1, -1):
        if words[i + 1] == "by" and words[i] in _LEVEL_CHANGES:
            return i
    return None


def _paid_to_someone(left: list[str]) -> bool:
    """ "The apprentices will be paid at least £18,000 a year", "staff are paid £12 an hour": what
    someone is paid, a wage or a price, not money granted ("£5m was paid to councils" has the
    amount first, so it never reads this way)."""
    if "between" in left:  # "paid at between £100 and £300": both bounds read from the range's start
        left = left[: len(left) - left[::-1].index("between")]
    end = len(left)
    while end and (
        left[end - 1] in _HEDGES or left[end - 1] in _BOUND_WORDS or left[end - 1] in ("at", "between")
    ):
        end -= 1
    return end >= 2 and left[end - 1] == "paid" and left[end - 2] in _PAID_SUBJECT_VERBS


_NEED_WORDS = _words("need needs needed")
_SPEND_WORDS = _words("spend spends spent spending")


def _needed(left: list[str]) -> bool:
    """ "We would need to spend around £1.2 billion": what something would cost, not money given."""
    if _NEED_WORDS.isdisjoint(left):
        return False
    return any(word in _NEED_WORDS and after == "to" for word, after in zip(left, left[1:], strict=False))


def _spent_by_people(left: list[str]) -> bool:
    """ "Visitors to Wales spent £5.1bn", "international visitors made 1 million trips, spending £444m":
    what people or firms spend is a statistic or a cost, not money given for a purpose."""
    if _SPEND_WORDS.isdisjoint(left[-3:]):
        return False
    verb = max(i for i, word in enumerate(left) if word in _SPEND_WORDS)
    return not _INDIVIDUALS.isdisjoint(left[:verb]) or not _SPENDING_FIRMS.isdisjoint(left[:verb])


# "water companies spend £100m each year dealing with this": what firms spend is a cost to them
_SPENDING_FIRMS = _words("companies businesses firms industry retailers employers operators suppliers")


def _changed_by(left: list[str]) -> bool:
    """ "the pilot could increase visitor spending by £4 million a year": how much something
    changes, a statistic, unless it is funding that grows ("raise the fund's budget by £5m")."""
    end = len(left)
    while end and (left[end - 1] in _HEDGES or left[end - 1] in ("over", "more", "than")):
        end -= 1  # "has risen by over £1,250"
    return (
        left[end - 1 : end] == ["by"]
        and not _LEVEL_CHANGES.isdisjoint(left)
        and _FUNDING.isdisjoint(left)
        and _FUNDING_NOUNS.isdisjoint(left)
        # "increase spending on health by US$25 billion": more money given for a purpose
        and not _has(left, frozenset(), _SPENDING_ON)
    )


_SPENDING_ON = {"spending": frozenset({"on"})}
_ECONOMY_DETERMINERS = _words("the our its their britain’s britain's uk’s uk's")


def _to_the_economy(right: list[str]) -> bool:
    """ "the sector contributes £2.6bn a year to the economy", "adds £1bn to the UK economy": what an
    activity is worth to the economy, a statistic. Not "£5m to boost the local economy", money given."""
    if "economy" not in right:
        return False
    before = right[: right.index("economy")]
    for i in range(len(before) - 1, max(len(before) - 5, -1), -1):
        if before[i] in ("to", "into"):
            return i + 1 < len(before) and before[i + 1] in _ECONOMY_DETERMINERS
    return False


def _from_to(left: list[str], right: list[str]) -> bool:
    """Either amount of "from £A to £B" ("from £2 million to £3 million": a scale word may follow A;
    "from £265 million a year to £105 million": so may a period)."""
    if left[-1:] == ["from"]:
        to = right.index("to") if "to" in right[:4] else -1
        return to == 0 or to > 0 and all(word in _PERIOD_WORDS for word in right[:to])
    end = len(left)
    while end and left[end - 1] in _HEDGES:  # "to around £105 million"
        end -= 1
    return left[end - 1 : end] == ["to"] and "from" in left[max(0, end - 7) : end - 1]


_PERIOD_WORDS = _words("a an per each every year month week day annum annually")


def _for_a_programme(right: list[str]) -> bool:
    """ "£1.5 million for the Seafood Scotland export programme": money for a programme, scheme,
    project or fund is given for a purpose, whatever other words ("export") name the programme."""
    if right[:1] != ["for"] and right[:1] != ["towards"]:
        return False
    for word in right[1:8]:
        if word in _NAMED_THINGS:
            return True
        if word in _BREAKS or word in _CLAUSE_WORDS:
            return False
    return False


def _from_funder(left: list[str], right_tokens: list[str], right: list[str], amount: Decimal | None) -> bool:
    """ "£250 million from the London Development Agency", "a further £340 million from lottery
    distributors": a contribution by a named funder, whatever the rest of the sentence says."""
    if right[:1] != ["from"] or _small(amount) or not _NOT_FUNDING.isdisjoint(left):
        return False
    start = 2 if right[1:2] == ["the"] else 1
    return _org_prefix(right_tokens[start:]) is not None or not _FUNDER_BODIES.isdisjoint(
        right[start : start + 3]
    )


def _exchange_rate(left: list[str]) -> bool:
    return "exchange" in left or "converted" in left and "at" in left


def _grant_rate(left: list[str], right: list[str]) -> bool:
    """A grant rate paid to an organisation or landowner: "a grant of £6,800 per hectare", "incentive
    payments of £250 to £1,500 to employers". A rate a person gets ("per pupil", "per holding") is not.
    """
    # (the upper bound of a range reads "payments of £250 to" on its left)
    named_left = not _GRANT_WORDS.isdisjoint(left[-7:]) and "of" in left[-6:]
    if not named_left and _GRANT_WORDS.isdisjoint(right[:2]):  # "a £3,000 incentive payment for each ..."
        return False
    words = left[-7:] if named_left else right[:2]
    if (
        "grant" not in words
        and "grants" not in words
        and "incentive" not in words
        and "incentives" not in words
    ):
        return False  # bare "payments of £300" are what a person receives
    if not _INDIVIDUALS.isdisjoint(right):
        return False
    for word, nxt, after in zip(right, right[1:], [*right[2:], ""], strict=False):
        if word in ("per", "each", "a") and (nxt in _ASSET_UNITS or after in _ASSET_UNITS):
            return True
        if word in ("to", "for") and nxt in _ORG_RECIPIENTS:
            return True
    return False


def _cue(word: str, following: str) -> bool | None:
    # A pair outranks its first word: "revenue support" is funding though "revenue" alone is takings.
    if (word, following) in _NOT_FUNDING_PAIRS:
        return False
    if (word, following) in _FUNDING_PAIRS:
        return True
    if word in _NOT_FUNDING:
        return False
    if word in _FUNDING:
        return True
    return None


def _purpose(
    left: list[str],
    left_low: list[str],
    right: list[str],
    right_low: list[str],
    head: str | None,
    phrase: str | None,
) -> tuple[str | None, bool]:
    # "£65 million Nature Restoration Fund", "the £1.5 billion development"
    if phrase and head in _NAMED_THINGS and (" " in phrase or phrase[:1].isupper()):
        return _trim(phrase.split()), True
    # "£1.5 billion for the Scottish Government ...", not the "for" in "Department for Transport"
    for i, word in enumerate(right_low[:12] if not _FOR_WORDS.isdisjoint(right_low[:12]) else ()):
        if word in _FOR_WORDS and i + 1 < len(right):
            before, after = right[i - 1] if i else "", right[i + 1]
            if before[:1].isupper() and not before.isupper() and after[:1].isupper():
                continue
            if _is_duration(right_low[i + 1 : i + 5]):
                continue  # "for the first time", "for the next two years" say when, not what for
            if right_low[i + 1] == "by":
                continue  # "paid for by the NHS" says who pays
            if text := _trim(right[i + 1 :]):
                if phrase and i == len(phrase.split()) and _informative(phrase):
                    return f"{phrase} {word} {text}", True  # "£360 million direct grant pot for charities"
                return text, True
    # "£2 million to help ...", "will receive £500,000, helping to support ...", "$100 million to the
    # Global Vaccine Alliance" (whom it is for)
    for i, word in enumerate(right_low[:10] if not _TO_WORDS.isdisjoint(right_low[:10]) else ()):
        if word == "to" and i < 2 and (recipient := _recipient(right[i + 1 :])):
            return recipient, True
        if word in _TO_WORDS and i + 1 < len(right_low):
            nxt = i + 1 if right_low[i + 1] != "to" else i + 2
            if (
                nxt < len(right_low)
                and (
                    right_low[nxt] in _TO_VERBS or word == "to" and _opens_purpose(right_low[:i], right[nxt])
                )
                and (text := _trim(right[nxt:]))
                and " " in text  # a verb alone ("will run until 2027", "to fit.") says too little
            ):
                return text, False
    # "£2.7 billion we have already allocated to it", "£5m has been awarded to 27 organisations"
    for i, word in enumerate(right_low[:8] if not _GIVEN_VERBS.isdisjoint(right_low[:8]) else ()):
        given = word in _GIVEN_VERBS and right_low[i + 1 : i + 2] in (["to"], ["on"], ["for"], ["in"])
        if (
            given
            and right_low[i + 2 : i + 3] not in (["it"], ["them"], ["date"], ["by"])  # "paid for by"
            and not _is_time(right_low[i + 2 : i + 4])  # "will be awarded in early 2023"
            and (text := _trim(right[i + 2 :]))
        ):
            return text, False
    # "£2.9 billion of Environmental Stewardship Scheme funding for farmers", "£42 million in aid to DRC"
    if right_low[:1] in (["of"], ["in"], ["on"]) and right_low[1:3] not in (
        ["top", "of"],
        ["addition", "to"],
    ):
        rest = right[1:]
        while rest and rest[0].lower() in ("new", "additional", "extra", "further"):
            rest = rest[1:]
        # "of new Home Office money over 2 years" says who pays and when, not what for
        if rest[:1] and rest[0].lower() in _DETERMINERS and rest[1:2] and rest[1].lower() == "own":
            rest = []  # "£600,000 of its own money" says who pays
        elif rest[:1] and rest[0][:4].isdigit():
            rest = []  # "£1.9 billion in 2011-12" says when
        org = _org_prefix(rest)
        size = len(org.split()) if org else 0
        if org and rest[size : size + 1] and rest[size].lower() in _FUNDER_NOUNS:
            after = [t.lower() for t in rest[size + 1 :]]
            if not after or after[0] in ("over", "this", "next", "a", "per", "each", "by", "from", "until"):
                rest = []
        if text := _trim(rest):
            return text, False
    subject = _subject(left, left_low)
    if subject:
        return subject, True
    if phrase and head not in _GENERIC and phrase[:1].isupper() or phrase and head and _informative(phrase):
        return _trim(phrase.split()), False  # "£11.4million Waste Management" in a list, "£360m grant pot"
    return None, False


def _recipient(tokens: list[str]) -> str | None:
    """ "(to) the Global Vaccine Alliance", "(to) UN Resident Coordinator’s Office to support disaster
    preparedness": an organisation the money goes to, and what for when that follows at once. A country
    ("to the UK") is where money goes, not whom it is for."""
    start = 1 if tokens[:1] == ["the"] else 0
    org = _org_prefix(tokens[start:])
    if org is None or org in _COUNTRIES:
        return None
    size = start + len(org.split())
    if tokens[size : size + 1] and tokens[size].lower() in _FOR_OR_TO:
        return _trim(tokens[start:])
    return org


_COUNTRIES = frozenset(("UK", "US", "USA", "GB", "EU"))
_FOR_OR_TO = frozenset(("for", "to"))


def _informative(phrase: str) -> bool:
    """A noun phrase that says more than "funding boost": "direct grant pot", "Youth Endowment Fund"."""
    words = phrase.lower().split()
    return len(words) >= 2 and not _GENERIC_OR_BLAND.issuperset(words)


# Words before "of £Y" that name no purpose: a share, a change, or a verb ("the package consists of").
_NOT_A_SUBJECT = _words(
    "one total sum part share up value increase rise uplift cut fall drop reduction boost consists consist "
    "made comprised composed average top addition instead ahead because"
)


_LEVEL_PAIRS = frozenset(
    {
        ("stands", "at"),
        ("stood", "at"),
        ("amounts", "to"),
        ("amounted", "to"),
        ("comes", "to"),
        ("came", "to"),
    }
)
_CONTINUES = _words("continue continues continued")
_PRONOUNS = _words("it this that they these those he she we which who")


def _subject(left: list[str], low: list[str]) -> str | None:
    """ "‘Species on the Edge’ ... will receive £500,000" / "a victim surcharge of £30"."""
    end = len(low)
    while end and low[end - 1] in _QUALIFIER_ENDS:
        size = next((n for n in (3, 2, 1) if end >= n and tuple(low[end - n : end]) in _QUALIFIERS), 0)
        if not size:
            break
        end -= size
    pair = low[end - 2 : end] if end >= 2 else []
    # "X has been awarded £Y" names the recipient; "the Minister has allocated £Y" names the giver.
    passive_only = end and low[end - 1] in _PARTICIPLES and low[end - 2 : end - 1] not in _PASSIVE
    if passive_only:
        return None
    if (
        end
        and low[end - 1] in _SUBJECT_VERBS
        or pair == ["valued", "at"]
        or tuple(pair) in _LEVEL_PAIRS  # "The budget for 2022/23 now stands at £112m"
        or pair[1:] == ["from"]
        and pair[0] in _BENEFIT
    ):
        end -= 2 if low[end - 1] in ("at", "from", "to") else 1
        while end and (low[end - 1] in _AUXILIARIES or low[end - 1] in _CONTINUES):
            end -= 1
        if end and low[end - 1] == ",":
            # "the Training for Success programme, which supports ..., will continue to receive £26m":
            # the noun before the relative clause
            opening = _last_index(low[: end - 1], ",")
            if opening > 0 and low[opening + 1 : opening + 2] in (["which"], ["who"]):
                end = opening
        start = end
        while (
            start
            and low[start - 1] not in _BREAKS
            and low[start - 1] not in (",", "£", "$", "€")
            and (start < 2 or low[start - 2] not in _SIGNS)  # not into an earlier amount
            and end - start < 10
            # "The government confirmed that the Grant will be worth £Y": the clause after "that"
            and not (low[start - 1] == "that" and (low[start] in _ARTICLES or left[start][:1].isupper()))
        ):
            start -= 1
        subject = _trim(left[start:end])
        return None if subject is None or subject.lower() in _PRONOUNS else subject  # "it now stands at"
    if end and low[end - 1] in ("of", "worth", "at") and end >= 2:
        start = end - 1
        while start and end - 1 - start < 3 and low[start - 1].isalpha() and low[start - 1] not in _NP_STOP:
            start -= 1
        # "an increase of £30 million" says how much something changes, not what the money is for
        if start < end - 1 and low[end - 2] not in _NOT_A_SUBJECT:
            return _trim(left[start : end - 1])
    return None


_TIME_WORDS = _words(
    "early late mid spring summer autumn winter january february march april may june july august "
    "september october november december"
)


def _is_time(words: list[str]) -> bool:
    """ "early 2023", "spring", "2024": when something happens, not what it is for."""
    return bool(words) and (
        words[0] in _TIME_WORDS or words[0][:2] in ("19", "20") and words[0][2:4].isdigit()
    )


def _is_duration(words: list[str]) -> bool:
    if words[:1] == ["the"]:
        words = words[1:]
    if words[:1] and words[0][:2] in ("19", "20") and words[0][2:4].isdigit():
        return True  # "for 2018/19"
    if words[:1] and words[0] in ("first", "next", "past", "last", "coming", "rest", "remainder"):
        return True
    return len(words) >= 2 and (words[0].isdigit() or words[0] in _COUNT_WORDS) and words[1] in _TIME_UNITS


# The first words of the _PERIOD phrases a purpose stops before: only where one stands is the pattern tried.
# Not "annual" or "yearly", which also qualify a noun ("An annual licence costs £30").
_PERIOD_OPENERS = _words(
    "a per each every annually over in for by since until from during this next last between"
)


def _trim(tokens: list[str]) -> str | None:
    words: list[str] = []
    for i, token in enumerate(tokens):
        # a phrase ends at punctuation or where the sentence's verb starts ("£5m for hospitals was agreed"),
        # and before "as part of" ("£5m for flood defences as part of a £40m package")
        if not token[:1].isalnum() or len(words) == 14 or words and token.lower() in _PREDICATE:
            break
        if token == "as" and tokens[i + 1 : i + 2] == ["part"]:
            break
        # and before when ("for flood defences since 2015", "for the scheme in 2024-25", "over 2 years")
        if words and token.lower() in _PERIOD_OPENERS and _PERIOD.match(" ".join(tokens[i : i + 6])):
            break
        words.append(token)
    start, end = 0, len(words)
    while start < end and words[start].lower() in _TRIM_FIRST:
        start += 1
    while start < end and words[end - 1].lower() in _TRIM_LAST:
        end -= 1
    return " ".join(words[start:end]) or None


def _qualifier(low: list[str]) -> str | None:
    if not low or low[-1] not in _QUALIFIER_ENDS:
        return None  # the usual case
    for size in (3, 2, 1):
        tail = tuple(low[-size:])
        if len(tail) == size and tail in _QUALIFIERS:
            return " ".join(tail)
    return None


def _period(left: list[str], left_low: list[str], right: list[str], right_low: list[str]) -> str | None:
    if right_low[:1] and right_low[0].startswith(("-a-", "a-")) and right_low[0].endswith(_TIME_UNITS_TUPLE):
        return right_low[0].lstrip("-").replace("-", " ")  # "£1.5m-a-year"
    if right_low[1:2] and right_low[1] in _RATE_UNITS and right_low[0] in _RATE_WORDS:
        # "£6,800 per hectare", "£166 per trip", "£1.95 per pupil per week": what the rate is paid by
        end = 2
        while (
            right_low[end + 1 : end + 2]
            and right_low[end] in _RATE_WORDS
            and right_low[end + 1] in _TIME_UNITS
        ):
            end += 2
        return " ".join(right[:end])
    right_low = right_low[: len(right)]
    index = _hint(right_low)
    match = _PERIOD.search(joined := " ".join(right[: index + 4])) if index is not None else None
    # "a £45 million centre that will see 20,000 patients a year": the period is the other number's
    if match and not any(token[:1].isdigit() for token in joined[: match.start()].split()):
        return match[0]
    # Only the amount's own clause: not an earlier figure's ("£40m over 2 years, which includes £11m").
    # Tokens hold no spaces: " includ" in the joined text means some token starts "includ" (rare);
    # otherwise the cut is just after the last comma, found without a Python loop.
    if " includ" in " " + " ".join(left_low):
        cut = next(
            (
                i + 1
                for i in range(len(left_low) - 1, -1, -1)
                if left_low[i] == "," or left_low[i].startswith("includ")
            ),
            0,
        )
    else:
        cut = len(left_low) - left_low[::-1].index(",") if "," in left_low else 0
    left, left_low = left[cut:], left_low[cut:]
    left_low = left_low[-40:]
    if (index := _hint(left_low, last=True)) is not None:
        offset = len(left) - len(left_low)
        matches = list(_PERIOD.finditer(" ".join(left[max(0, offset + index - 8) : offset + index + 4])))
        if matches:
            return matches[-1][0]
    return None


_SEASONS = frozenset(
    season + ending for season in ("winter", "summer", "spring", "autumn") for ending in ("", "’s", "'s")
)
_RATE_WORDS = _words("per a an")
# Units a rate is paid by that the labels read as its period ("per hectare"); not people a wage or a
# price is paid to ("per worker", "a litre" are the rate's own words).
_RATE_UNITS = _words("hectare acre tonne trip night unit property visit dose pupil household")


def _hint(tokens: list[str], last: bool = False) -> int | None:
    """Index of the first (or last) token that can end a period: "years", "2030", "April"."""
    indexes = range(len(tokens) - 1, -1, -1) if last else range(len(tokens))
    # Tokens hold no spaces, so " 19" in the joined text is a token starting "19" (one C-speed scan).
    if _PERIOD_HINTS.isdisjoint(tokens) and (
        " 19" not in (joined := " " + " ".join(tokens)) and " 20" not in joined
    ):
        return None
    for i in indexes:
        token = tokens[i]
        if token in _PERIOD_HINTS:
            if token in _SEASONS and (not i or tokens[i - 1] != "this"):
                continue  # only "this winter" is when: "Winter Fuel Payment, paid from November" reads on
            return i
        if len(token) >= 4 and token[:2] in ("19", "20") and token[2:4].isdigit():
            return i
    return None


def _part_of_left(left: list[str], right: list[str]) -> bool:
    """ "... is part of a £5 million package", "£2m from the £10m fund"."""
    tail = left[-6:]
    for i, word in enumerate(tail[:-2] if not _PART_WORDS.isdisjoint(tail) else ()):
        if word in _PART_WORDS and tail[i + 1] == "of" and tail[i + 2] in _DETERMINERS_OR_ARTICLES:
            return True
    if "part" in tail:
        end = len(left)
        while end and (left[end - 1] in _HEDGES or left[end - 1] in _BOUND_WORDS):  # "as part of almost £3bn"
            end -= 1
        if left[end - 3 : end] == ["as", "part", "of"]:  # "..., as part of £80m of accelerated funding"
            return True
    if len(left) >= 2 and left[-1] in _DETERMINERS_OR_ARTICLES:
        if left[-2] in ("from", "of") and (left[-2] == "from" or left[-3:-2] == ["out"]):
            return any(word in _CONTAINER_NOUNS for word in right[:4])
        # "£400,000 towards the £1.2 million cost of the hall", "The grant will go towards a £5.4
        # million restoration project": a contribution to a total (the corpus README's "contributed
        # towards total investment")
        if left[-2] in _TOWARDS:
            return any(word in _TOWARDS_WHOLES for word in right[:4])
    return False


_TOWARDS = _words("towards toward")
# What a contribution goes towards: a cost, a project or scheme, a fund or package.
_TOWARDS_WHOLES = _CONTAINER_NOUNS | _VALUE_NOUNS | _words("cost costs total investment")


def _funder(left: list[str], left_low: list[str], right: list[str], right_low: list[str]) -> str | None:
    # "£40 million of new Home Office money"
    rest = right[1:] if right_low[:1] == ["of"] else right
    while rest and rest[0].lower() in ("new", "additional", "extra", "further"):
        rest = rest[1:]
    org = _org_prefix(rest)
    if org and len(rest) > len(org.split()) and rest[len(org.split())].lower() in _FUNDER_NOUNS:
        return org
    # "... from the European Social Fund"
    if "from" in right_low:
        i = right_low.index("from")  # only the first "from" is read
        after = right[i + 2 :] if right_low[i + 1 : i + 2] == ["the"] else right[i + 1 :]
        if org := _org_prefix(after):
            return org
    # "Scottish Government support totalling over £2.9 million"
    for i in range(len(left_low) - 1, max(len(left_low) - 5, 0), -1):
        if left_low[i] in _FUNDER_NOUNS:
            start = i
            while start and left[start - 1][:1].isupper() and i - start < 6:
                start -= 1
            if start < i and (org := _org(left[start:i])):
                return org
            break
    # "The UK Government has provided ...", "Natural England will provide ..."
    start = 1 if left_low[:1] == ["the"] else 0
    org = _org_prefix(left[start:])
    if org:
        after = [t for t in left_low[start + len(org.split()) :][:4] if t not in _AUXILIARIES]
        if after and after[0] in _FUNDER_VERBS:
            return _org(org.split())
    return None


def _org_prefix(tokens: list[str]) -> str | None:
    """The run of capitalised words at the start of `tokens` ("Department for Transport")."""
    words: list[str] = []
    for token in tokens[:8]:
        if token[:1].isupper() and token[:1].isalpha() or words and token.lower() in _ORG_JOINERS:
            words.append(token)
        else:
            break
    if not words:
        return None  # the usual case
    while words and words[-1].lower() in _ORG_JOINERS:
        words.pop()
    return _org(words)


def _org(words: list[str]) -> str | None:
    """An organisation's name, or None: it must say what it is ("... Office", "... Fund") or be an acronym."""
    while words and words[0] in _NOT_ORG:
        words = words[1:]
    for w in words:  # (a loop rather than any() over a generator, which costs a function call)
        if w.lower() in _ORG_WORDS or w.isupper() and 2 <= len(w) <= 6:
            return " ".join(words) or None
    return None
