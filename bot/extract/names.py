"""People's names in news text without a language model: capitalised runs, honorifics and roles.

`parse_attribution("Minister for London Jo Johnson")` -> ("Jo Johnson", "Minister for London"). The rules
are GOV.UK press-release conventions: a role before the name ("Scottish Secretary Alister Jack"), a role
between commas ("Cllr David Harvey, deputy leader of Westminster City Council,"), a lowercase role after
the name ("Darren Henley chief executive of Arts Council England"), honorifics kept, post-nominals dropped.
Every pattern here is a plain token scan, so the cost is linear in the text.
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

log = logging.getLogger(__name__)


def _words(text: str, lower: bool = False) -> frozenset[str]:
    """A word list written as one string, so that long vocabularies stay readable."""
    return frozenset(text.lower().split() if lower else text.split())


HONORIFICS = _words(
    "Mr Mrs Ms Miss Mx Dr Dr. Prof Prof. Professor Sir Dame Lord Lady Baroness Baron Cllr Councillor "
    "Rev Revd Reverend Canon Bishop Archbishop Rabbi Imam Father Captain Capt Major Colonel Col Lieutenant "
    "Commander Admiral Brigadier Dean Judge General Marshal Vice Rear Sergeant Corporal Lieutenant-General "
    "Major-General Lieutenant-Colonel"
)
# "The Rt Hon" says nothing a reader needs; it goes with the post-nominals.
_DROPPED_PREFIXES = (
    "the right honourable ",
    "right honourable ",
    "the rt hon ",
    "rt hon ",
    "the hon ",
    "hon ",
)
POST_NOMINALS = _words(
    "MP MSP MLA AM MS MEP MBE OBE CBE KBE DBE CB CMG KCMG GCMG CVO LVO KCVO GCVO KC QC FRS FREng FRSE "
    "FMedSci FRCP FRCS FRCGP PC DL JP PhD BEM KCB GCB DCB CH OM VC GC DSO MC FBA FRSA FCA"
)
PARTICLES = _words("de del della der den van von bin bint al el le la du da di dos ter ap ibn mac")
# Words that make a capitalised run a job title ("Minister Murphy" is still a person) ...
TITLE_WORDS = _words(
    "Minister Ministers Secretary Chancellor Director Chair Chairman Chairwoman Chairperson Chief "
    "Executive Officer Head Leader Commissioner Ambassador President Spokesperson Spokesman "
    "Spokeswoman Manager Member Deputy Under Parliamentary Permanent Principal Adviser Advisor Mayor "
    "Governor Consul Envoy Attorney Solicitor General Paymaster Whip Speaker Founder Co-founder "
    "Treasurer Registrar Inspector Constable Superintendent Coordinator Lead Partner Trustee "
    "Fellow Editor Scientist Economist Vice-Chancellor Provost Headteacher Owner CEO PM Prime "
    "Representative Delegate Clerk Comptroller Controller Official Chairs Vice Senior Assistant "
    # what the story says a member of the public is: "Patient Margaret Dawson, 67, said"
    "Patient Resident Pensioner Student Farmer Volunteer Nurse Teacher Apprentice Trainee Parent Carer",
    lower=True,
)
# Membership post-nominals that are a title when a name follows: "Local MP James Ford".
MEMBER_TITLES = _words("MP MSP MLA MEP")
# ... or an organisation ("Arts Council England" names nobody).
ORG_WORDS = _words(
    "Cabinet Regional Programme Project Policy Press Office Department Council Government Ministry "
    "Agency Authority Committee Board Trust Service Services University College School Fund "
    "Foundation Commission Bank Group Association Society Institute Unit Partnership Company Ltd "
    "Limited Plc Network Centre Center Forum Court Tribunal Parliament Assembly Senedd Party Campaign "
    "Team Police Force NHS UK HM Executive",
    lower=True,
)
ROLE_WORDS = TITLE_WORDS | ORG_WORDS
# Unnamed speakers that GOV.UK prints as such: "A Welsh Government spokesperson said:".
UNNAMED_HEADS = _words("spokesperson spokesman spokeswoman spokespeople official source")
PRONOUNS = _words("he she they")
# Leading words of a clause that comes before the speaker: "Commenting on the figures, X said".
_LEAD_IN_WORDS = _words(
    "in at on after following during before responding commenting speaking welcoming announcing making "
    "launching opening closing visiting writing today also meanwhile however earlier later separately "
    "additionally and but as while when with"
)
_ARTICLES = ("the ", "a ", "an ")
_AUXILIARIES = _words(
    "is was are were will would can could may might must shall should does did has have had"
)
_ROLE_PREPOSITIONS = _words("of for in at to on")
_ROLE_OPENERS = _words("from of at for with in the a an on who")
_NOISE_WORDS = _words(
    "has have had also today yesterday then further again later previously recently earlier subsequently "
    "once now tonight this morning afternoon evening week"
)
_PLURAL_TITLES = frozenset(("ministers", "officials", "spokespeople", "leaders"))
_TERRITORIAL = frozenset(("Lord", "Baroness", "Baron", "Lady", "Viscount", "Earl"))
_CLAUSE_OPENERS = _words("who whose which where when and but or said says")
_ROLE_JOINS = frozenset(
    (" for ", " of ", " and ", " of the ", " for the ", " to ", " to the ")
)  # "Ambassador to Nepal"
_TITLE_JOINERS = frozenset(("of", "for", "the", "and"))
_WHO_IS = re.compile(r"^who (?:is|was|are) (?:the |a |an )?")
_EDGE_PUNCTUATION = " ,:;-\u2013\u2014"
_POSSESSIVE = ("’s", "'s")  # a name printed with it ("Jo Bell’s plan") is the name without it


class Speaker(NamedTuple):
    """Who an attribution names. `kind` is "name", "unnamed", "reference" (the Minister) or "pronoun".

    A named tuple rather than a frozen dataclass: as immutable, and cheaper to build for every attribution.
    """

    name: str
    role: str | None
    kind: str


def strip_name(name: str) -> str:
    """ "The Rt Hon Theresa May MP" -> "Theresa May"; honorifics such as Sir or Cllr stay."""
    text = " ".join(name.replace(",", " ").split())
    lowered = text.lower()
    for prefix in _DROPPED_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    tokens = text.split()
    while len(tokens) > 1 and _is_post_nominal(tokens[-1]):
        tokens.pop()
    return " ".join(tokens)


def surname(name: str) -> str:
    tokens = [t for t in name.split() if t not in HONORIFICS]
    return tokens[-1] if tokens else name


def _is_post_nominal(token: str) -> bool:
    bare = token.strip(".,;")
    return bare in POST_NOMINALS


def is_name_token(token: str) -> bool:
    """A capitalised word that can be part of a person's name (not a role or organisation word)."""
    if not token or token.lower() in ROLE_WORDS:
        return False
    first = token[0]
    if first.isupper():
        has_letter = first.isalpha() or any(c.isalpha() for c in token)  # the first test settles most
        return has_letter and not token.isupper() or _is_initials(token)
    # O’Neill, d’Ancona: a lowercase particle glued by an apostrophe to a capital.
    return len(token) > 2 and token[1] in "’'" and token[2:3].isupper()


def _is_initials(token: str) -> bool:
    """ "TC" in "David TC Davies", "J." or "J.K." in a name."""
    bare = token.replace(".", "")
    return 0 < len(bare) <= 3 and bare.isalpha() and bare.isupper() and bare not in POST_NOMINALS


def is_pure_name(text: str) -> bool:
    """True for "Cllr David Harvey", "Matt Cannell", "Lord Parkinson": honorifics and name words only."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 6:
        return False
    names = 0
    for i, token in enumerate(tokens):
        if token in HONORIFICS or (token == "of" and i >= 2 and tokens[0] in _TERRITORIAL):
            continue  # "Baroness Smith of Malvern": a peer's territorial designation is part of the name
        if token in PARTICLES or is_name_token(token):
            names += token not in PARTICLES
            continue
        return False
    # A lone capitalised word after no honorific is too weak ("Funding"), unless it follows one.
    return names >= 2 or (names == 1 and tokens[0] in HONORIFICS)


def _name_from_run(tokens: list[str], whole_segment: bool) -> list[str]:
    """The person's name at the end of a capitalised run ("London Jo Johnson" -> "Jo Johnson")."""
    # An honorific in the run starts the name: "Committee Cllr Allan Rainey" -> "Cllr Allan Rainey".
    for i, token in enumerate(tokens):
        if token in HONORIFICS:
            start = i
            while start > 0 and tokens[start - 1] in HONORIFICS:
                start -= 1
            return tokens[start:]
    if whole_segment and len(tokens) <= 4:
        return tokens
    # Otherwise first name + surname, widened over middle initials and particles.
    start = max(len(tokens) - 2, 0)
    while start > 0 and (_is_initials(tokens[start]) or tokens[start] in PARTICLES):
        start -= 1
    if start > 0 and tokens[start - 1] in PARTICLES:
        start -= 1
    return tokens[start:]


def _split_segment(segment: str) -> tuple[str, str | None] | None:
    """One comma-free piece -> (name, role) when it holds a person's name, else None."""
    tokens = segment.split()
    if not tokens:
        return None
    # A name at the end: "Minister for London Jo Johnson", "Scottish Secretary Alister Jack".
    end = len(tokens)
    start = end
    while start > 0 and (
        is_name_token(tokens[start - 1])
        or tokens[start - 1] in HONORIFICS
        or (tokens[start - 1] in PARTICLES and start < end)
        or tokens[start - 1].lower() in ROLE_WORDS
        and tokens[start - 1][0].isupper()
        or tokens[start - 1] in MEMBER_TITLES  # _clean_segment kept it: a name follows
    ):
        start -= 1
    run = tokens[start:end]
    # Only the words after the last role word can be the name.
    last_role = len(run) - 1  # the last role word's index, -1 when there is none
    while last_role >= 0 and run[last_role].lower() not in ROLE_WORDS and run[last_role] not in MEMBER_TITLES:
        last_role -= 1
    name_tokens = run[last_role + 1 :]
    # "Chief Executive of Sport Wales": two capitalised words after a preposition are what the role is
    # of; a name needs more ("Minister for London Jo Johnson").
    object_only = (
        last_role < 0
        and start > 0
        and tokens[start - 1] in _ROLE_PREPOSITIONS
        and len([t for t in run if t not in HONORIFICS]) <= 2
        and not any(t in HONORIFICS for t in run)
    )
    if (
        name_tokens
        and not object_only
        and any(t not in HONORIFICS and t not in PARTICLES for t in name_tokens)
    ):
        # "Heritage Minister Rhodri Glyn Thomas": up to three name words straight after a job title.
        whole = (start == 0 and last_role < 0) or (
            last_role >= 0 and run[last_role].lower() in TITLE_WORDS and len(name_tokens) <= 3
        )
        name = _name_from_run(name_tokens, whole)
        role = " ".join(tokens[: end - len(name)]).strip() or None
        after_title = last_role >= 0 and run[last_role].lower() in TITLE_WORDS
        if len(name) >= 2 or name[0] in HONORIFICS or after_title:
            return " ".join(name), role
    # A name at the start, a lowercase role after it: "Andrew Eardley from the Environment Agency".
    stop = 0
    while stop < len(tokens) and (is_name_token(tokens[stop]) or tokens[stop] in HONORIFICS):
        stop += 1
    if stop >= 2 and stop < len(tokens) and tokens[stop][0].islower():
        rest = tokens[stop:]
        # A role reads "from the Agency" or "chief executive of ..."; "went on to" is not a role.
        role = " ".join(rest) if rest[0] in _ROLE_OPENERS or rest[0] in TITLE_WORDS else None
        return " ".join(tokens[:stop]), role
    return None


def _drop_lead_in(segments: list[str]) -> list[str]:
    """Drop "Commenting on the figures," / "Welcoming the announcement," before the speaker.

    Without a comma the speaker starts at the first capital after the lead-in's lowercase words:
    "Announcing the deal Secretary of State for Scotland" -> "Secretary of State for Scotland".
    """
    while segments:
        tokens = segments[0].split()
        first = tokens[0].lower()
        if first not in _LEAD_IN_WORDS and not (
            # "Farming and Fisheries Minister": a title that starts with an -ing noun; "managing director of
            # the plant" is a title too
            first.endswith("ing")
            and len(tokens) > 1
            and tokens[1][0].islower()
            and tokens[1] != "and"
            and tokens[1] not in TITLE_WORDS
        ):
            break
        i = 1
        while i < len(tokens) and not tokens[i][0].isupper():
            i += 1
        tail = _from_title(tokens[i:])
        if any(t.lower() in TITLE_WORDS for t in tail) or (len(segments) == 1 and tail):
            return [" ".join(tail)] + segments[1:]
        if len(segments) == 1:
            break
        segments = segments[1:]
    return segments


def _from_title(words: list[str]) -> list[str]:
    """ "LMS publication the Secretary of State for Scotland" -> "the Secretary of State for Scotland": the
    rest of a lead-in ("Responding to the latest LMS publication") ends where the job title starts."""
    first = next((k for k, word in enumerate(words) if word.lower() in TITLE_WORDS), None)
    if first is None:
        return words
    start = first
    while start > 0 and (words[start - 1][:1].isupper() or words[start - 1] in _TITLE_JOINERS):
        start -= 1
    return words[start:]


def _is_verb_phrase(segment: str) -> bool:
    """ "announced the plan in her Budget speech": what the speaker did, not what they are."""
    words = segment.split()
    first = words[0]
    if len(words) > 1 and words[1].lower() in TITLE_WORDS:
        return False  # "managing director of ...", "acting chief executive": a job title
    return first[0].islower() and (
        first.endswith(("ed", "ing")) or first in _NOISE_WORDS or first in _AUXILIARIES
    )


def _strip_article(text: str) -> str:
    lowered = text.lower()
    for article in _ARTICLES:
        if lowered.startswith(article):
            return text[len(article) :]
    return text


def _split_commas(text: str) -> list[str]:
    """Split on commas outside parentheses: "Chair, Board (North, South)" keeps the brackets whole."""
    if "(" not in text and "[" not in text:
        return [" ".join(p.split()) for p in text.split(",") if p.strip()]
    parts: list[str] = []
    depth = start = 0
    # Only commas and brackets change anything: visit those, not every character.
    for match in _COMMA_OR_BRACKET.finditer(text):
        char = match.group()
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)  # a stray closing bracket closes nothing
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [" ".join(p.split()) for p in parts if p.strip()]


_COMMA_OR_BRACKET = re.compile(r"[,()[\]]")


def parse_attribution(subject: str) -> Speaker | None:
    """The speaker named by the words around a speech verb, or None when they name nobody.

    `subject` is what stands before "said" ("Cllr David Harvey, deputy leader of Westminster City Council,")
    or after it ("the Secretary of State for X, Jane Doe").
    """
    words = subject.strip(_EDGE_PUNCTUATION).split()
    # "Jane Smith has also said", "said the minister today": auxiliaries and times are nobody's name.
    while words and words[-1].lower().strip(",") in _NOISE_WORDS:
        words.pop()
    text = " ".join(words).strip(_EDGE_PUNCTUATION)
    if not text or len(text) > 250:
        return None
    if text.lower() in PRONOUNS:
        return Speaker(text.lower(), None, "pronoun")  # "she said": one word, nothing to split or clean
    cleaned = [_clean_segment(s) for s in _split_commas(text)]
    bare = [_strip_article(s) for s in cleaned]
    # Roles are reported as printed, article included ("a team leader at ...", "the Chancellor").
    printed = dict(zip(bare, cleaned, strict=True))
    segments = [s for s in bare if s.strip()]
    # "said the minister, adding that ...": a trailing participle clause is not part of the speaker.
    while len(segments) > 1 and _is_participle_clause(segments[-1]):
        segments.pop()
    segments = [s for s in _drop_lead_in(segments) if s.strip()]
    if not segments:
        return None
    if len(segments) == 1 and segments[0].lower() in PRONOUNS:
        return Speaker(segments[0].lower(), None, "pronoun")
    # "Chris Whitty, who is the Chief Medical Officer," -> the role is "Chief Medical Officer".
    segments = [_WHO_IS.sub("", s) or s if s.startswith("who ") else s for s in segments]
    for i, segment in enumerate(segments):
        if is_pure_name(segment):
            others = _role_before(segments[:i], None) + segments[i + 1 :]
            return Speaker(segment, _role_text(others, printed), "name")
    for i in range(len(segments) - 1, -1, -1):
        split = _split_segment(segments[i])
        if split:
            name, role = split
            others = _role_before(segments[:i], role) + ([role] if role else []) + segments[i + 1 :]
            return Speaker(name, _role_text(others, printed), "name")
    last = segments[-1]
    words = last.split()
    if words and words[0].lower() in UNNAMED_HEADS and len(words) <= 10:
        return Speaker(last[0].upper() + last[1:], None, "unnamed")  # "a spokesperson for the Department"
    if (
        words
        and len(words) <= 6
        and (words[-1].lower() in UNNAMED_HEADS or words[-1].lower() in _PLURAL_TITLES)
    ):
        return Speaker(last[0].upper() + last[1:], None, "unnamed")  # "Ministers said" names nobody
    if (
        words
        and len(words) <= 8
        and words[0][0].isupper()
        and any(w.lower() in ORG_WORDS for w in words)
        and not any(w.lower() in TITLE_WORDS for w in words)
        and all(w[0].isupper() or w in ("of", "for", "and", "the", "&") for w in words)
    ):
        return Speaker(last, None, "unnamed")  # "The Department for Education said:" speaks as a body
    if (
        words
        and len(words) <= 8
        and (
            words[-1].lower() in TITLE_WORDS
            or any(w.lower() in TITLE_WORDS and w[0].isupper() for w in words)
        )
        and all(w[0].isupper() or w.lower() in TITLE_WORDS or w in ("of", "for", "and", "the") for w in words)
    ):
        # "The Minister", "the deputy First Minister", "The PM", "the minister": resolved against the
        # story's people.
        return Speaker(last, None, "reference")
    return None


def _role_before(segments: list[str], own_role: str | None) -> list[str]:
    """The comma pieces before a name that are its role: a job title, possibly listed over several
    pieces ("Cabinet Secretary for Energy, Planning and Rural Affairs, Lesley Griffiths"). A clause
    ("… will be eligible for repair grants, Heritage Minister X") is never a role, and a name printed
    with its own job title takes nothing from before it."""
    if not segments or own_role and any(w.lower() in TITLE_WORDS for w in own_role.split()):
        return []
    kept: list[str] = []
    for segment in reversed(segments):
        words = segment.split()
        if (
            len(words) > 12
            or _is_verb_phrase(segment)
            or not _AUXILIARIES.isdisjoint(segment.lower().split())
            or any(map(str.isdigit, segment))  # a figure: no job title holds one
            or any(c in segment for c in "()[]")
        ):
            break
        kept.insert(0, segment)
    if not any(w.lower() in TITLE_WORDS for s in kept for w in s.split()):
        return []
    return kept


def _is_participle_clause(segment: str) -> bool:
    """ "adding that …" after the speaker; not "managing director of …", which is a job title."""
    words = segment.split()
    return (
        words[0].endswith("ing")
        and segment[0].islower()
        and not (len(words) > 1 and words[1].lower() in TITLE_WORDS)
    )


def _role_text(segments: list[str], printed: dict[str, str]) -> str | None:
    # an age ("Margaret Dawson, 67, said") is not a role
    kept = [printed.get(s, s) for s in segments if s and not s.isdigit() and not _is_verb_phrase(s)]
    return ", ".join(kept) or None


def _clean_segment(segment: str) -> str:
    """Drop "Rt Hon" and post-nominals inside one comma piece."""
    tokens = segment.split()
    # Usually nothing for _without_rt_hon to drop: it needs a token "rt" or "right".
    out = tokens if _RT_WORDS.isdisjoint(segment.lower().split()) else _without_rt_hon(tokens)
    while len(out) > 1 and _is_post_nominal(out[-1]):
        out.pop()
    # Post-nominals can also sit before a role clause: "Jane Marriott CMG OBE said". One followed by a
    # name is a title and stays: "Local MP James Ford".
    return " ".join(
        [
            t
            for t, after in zip(out, [*out[1:], ""], strict=True)
            if t.strip(".,;") not in POST_NOMINALS
            or t.isalpha()
            and not t.isupper()
            or t in MEMBER_TITLES
            and is_name_token(after)
            and after.strip(".,;") not in POST_NOMINALS
        ]
    )


_RT_WORDS = frozenset(("rt", "right"))


def _without_rt_hon(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.lower() in ("rt", "right")
            and i + 1 < len(tokens)
            and tokens[i + 1].lower().startswith("hon")
        ):
            i += 2
            continue
        if token.lower() == "the" and i + 2 < len(tokens) and tokens[i + 1].lower() in ("rt", "right"):
            i += 1
            continue
        out.append(token)
        i += 1
    return out


def name_runs(text: str) -> list[tuple[int, str, str | None]]:
    """People named in running text, with position and any job title printed before the name.

    "Education Secretary Ruth Kelly has announced" -> (0, "Ruth Kelly", "Education Secretary"). A run
    after "the" with no job title in it is a thing ("the London Gateway"), not a person.
    """
    found: list[tuple[int, str, str | None]] = []
    title_before: tuple[int, str] | None = None  # a bare job title ending just before ", <name>"
    # "Minister for Skills Julie James": runs joined by "for"/"of"/"and" after a job title are one role.
    chain_start, chain_end = -1, -1
    # Without a "d’Souza" or "O'Neill" word start anywhere in the text, the shorter pattern finds the same runs.
    for match in (_RUN if _LOWER_START.search(text) else _CAPITAL_RUN).finditer(text):
        apposed = title_before[1] if title_before and title_before[0] == match.start() else None
        raw = match.group(0)
        joined = chain_start >= 0 and text[chain_end : match.start()] in _ROLE_JOINS
        raw_titled = not TITLE_WORDS.isdisjoint(raw.lower().split())
        head_at = chain_start if joined else -1
        if not joined:
            chain_start = match.start() if raw_titled else -1
        chain_end = match.end()
        tokens = [t.rstrip(".,;:") for t in raw.split() if t.rstrip(".").lower() not in ("rt", "hon")]
        # A lowercase title word just before the run belongs to it: "deputy First Minister".
        word_before = text[max(0, match.start() - 12) : match.start()].split()[-1:]
        if word_before and word_before[0] in TITLE_WORDS:
            tokens = word_before + tokens
        if tokens and tokens[-1].lower() in TITLE_WORDS:  # a bare job title: "First Minister"
            title_before = (match.end() + 2, " ".join(tokens)) if text.startswith(", ", match.end()) else None
            continue
        while tokens and _is_post_nominal(tokens[-1]):
            tokens.pop()
        if not tokens:
            continue
        last_role = len(tokens) - 1  # the last role word's index, -1 when there is none
        while last_role >= 0 and tokens[last_role].lower() not in ROLE_WORDS:
            last_role -= 1
        titled = last_role >= 0 and tokens[last_role].lower() in TITLE_WORDS
        if (
            last_role < 0
            and word_before
            and (
                word_before[0].lower() == "the" or (word_before[0] in _ROLE_PREPOSITIONS and len(tokens) <= 2)
            )
            # "the award went to Jo Bell, a team leader at …": a job title after the name makes it a person.
            and _apposed_after(text, match.end()) is None
        ):
            continue  # "the London Gateway", "Chief Executive of Sport Wales": things and places
        name_tokens = tokens[last_role + 1 :]
        real = [t for t in name_tokens if t not in HONORIFICS and t not in PARTICLES]
        if len(real) >= 2 or (real and name_tokens[0] in HONORIFICS):
            name = _name_from_run(name_tokens, titled and len(name_tokens) <= 3)
            # The job title's start is looked for only now: most runs name no one (organisations, places).
            role_head = (
                text[head_at : match.start()]
                if joined
                else _role_head_before(text, match.start(), raw_titled)
            )
            role_tokens = tokens[: len(tokens) - len(name)] if titled or role_head else []
            role = (
                (role_head + " ".join(role_tokens)).strip()
                or apposed
                or _title_before_comma(text, match.start())
                or _apposed_after(text, match.end())
            )
            chain_start = -1
            printed = " ".join(name)
            found.append((match.start(), printed[:-2] if printed.endswith(_POSSESSIVE) else printed, role))
    return found


def _role_head_before(text: str, start: int, titled: bool) -> str:
    """ "Minister for " before "Skills Julie James", "Secretary of State for " before "Wales Alun
    Cairns", "Employment and " before "Learning Minister Danny Kennedy": the start of a job title that
    "for", "of" or "and" joins to the run (one-word titles are not runs of their own)."""
    words = text[max(0, start - 60) : start].split()
    i = len(words)
    while i >= 2 and words[i - 1] in ("for", "of", "and") and words[i - 2][:1].isupper():
        if words[i - 1] == "and" and (not titled or i >= 3 and words[i - 3][:1].isupper()):
            break  # "Jo Smith and Education Minister Ann Lee": two people, not one title
        i -= 2
    head = words[i:]
    if not head or not (titled or any(w.lower() in TITLE_WORDS for w in head)):
        return ""
    return " ".join(head) + " "


def _title_before_comma(text: str, start: int) -> str | None:
    """ "the Chancellor of the Exchequer, Malcolm Brannigan, announced", "the Secretary of State for
    Wales, David Jones, said": a job title of single capitalised words joined by of/for/the/and,
    ending in the comma just before the name (the run-based `title_before` needs two-word runs)."""
    if start < 2 or text[start - 2 : start] != ", ":
        return None
    words = text[max(0, start - 80) : start - 2].split()
    i = len(words)
    while i and (words[i - 1][:1].isupper() or words[i - 1] in _TITLE_JOINERS):
        i -= 1
    span = words[i:]
    for at, word in enumerate(span):
        if word.lower() in TITLE_WORDS:
            return " ".join(span[at:]) if span[-1][:1].isupper() else None
    return _owned_title(words) or _described_title(words)


def _owned_title(words: list[str]) -> str | None:
    """ "The alliance's chief executive, Dr Hugo Laurent, said", "Its director, Jo Bell,": a job title in
    lower case is a title only after whose it is."""
    i = len(words)
    while i and words[i - 1].lower() in TITLE_WORDS:
        i -= 1
    if i == len(words) or not i:
        return None
    owner = words[i - 1]
    if owner.lower() in _OWNERS:
        return " ".join(words[i - 1 :])
    if owner.endswith(_POSSESSIVE):
        start = i - 2 if i >= 2 and words[i - 2].lower() == "the" else i - 1
        return " ".join(words[start:])
    return None


_OWNERS = frozenset(("its", "their", "our"))


def _described_title(words: list[str]) -> str | None:
    """ "The managing director of the Telford plant, Sarah Bright, said": a job title in lower case after
    "the" is a title when it says of what, in a few words ("of the Telford plant", "at the hospital")."""
    for k in range(len(words) - 1, 0, -1):
        if words[k].lower() in TITLE_WORDS and words[k][:1].islower():
            break
    else:
        return None
    start = k
    while start > 0 and words[start - 1][:1].islower() and words[start - 1].lower() not in _ARTICLE_WORDS:
        start -= 1  # "managing", "deputy chief"
    rest = words[k + 1 :]
    if (
        start == 0
        or words[start - 1] not in ("The", "the")
        or not rest
        or rest[0] not in _ROLE_PREPOSITIONS
        or len(rest) > 6
        or any(w[-1] in ".,;:!?" for w in words[start - 1 :])
    ):
        return None
    return " ".join(words[start - 1 :])


_ARTICLE_WORDS = frozenset(("the", "a", "an"))


def _apposed_after(text: str, end: int) -> str | None:
    """ "Amina Yusuf, Regional Director for Eastern Africa at the World Bank, welcomed ...": a job
    title between commas right after the name (a title word among its first three words)."""
    if not text.startswith(", ", end):
        return None
    close = text.find(",", end + 2, end + 160)
    if close == -1:
        return None
    segment = text[end + 2 : close].strip()
    words = segment.split()
    if not 1 <= len(words) <= 14 or not any(w.lower() in TITLE_WORDS for w in words[:3]):
        return None
    if words[0].lower() in _CLAUSE_OPENERS:
        return None  # "Sarah Jones, who chairs the committee,": what she does, not a title
    return _strip_article(segment)


# A run of capitalised words (apostrophes and hyphens inside, particles between). Each step consumes at
# least one character and the alternatives cannot overlap, so matching stays linear. The words' characters
# are taken possessively (*+, ++): what follows a word is a space or the end, which no character given back
# could be, so giving back only cost time (twice as long on text with many capitalised words).
# A run of capitalised words. It does not go on past a word ending a sentence ("… from 6 to 8 July.
# Climate change …"): a full stop after two lowercase letters is not an initial ("J.") or "Dr.".
_RUN = re.compile(
    r"(?<![\w’'])(?:[A-ZÀ-ÖØ-Þ](?:[\w.-]++|[’'](?=\w))*+|[a-z][’'][A-ZÀ-ÖØ-Þ]\w*+)"
    r"(?:(?<![a-z][a-z]\.)[ ](?:(?:de|van|von|bin|al|le|la|du|da|di|der|den|ter)[ ])?(?:[A-ZÀ-ÖØ-Þ](?:[\w.-]++|[’'](?=\w))*+|[a-z][’'][A-ZÀ-ÖØ-Þ]\w*+))+"
)
# Every match of the "d’Souza" alternatives above holds this: a text without it needs only the capitals.
_LOWER_START = re.compile(r"[’'][A-ZÀ-ÖØ-Þ]")
# _RUN without those alternatives, opening with the capital itself (the lookbehind, over the character
# before and the capital, comes second) so that the engine skips ahead to the next capital.
_CAPITAL_RUN = re.compile(
    r"[A-ZÀ-ÖØ-Þ](?<![\w’'].)(?:[\w.-]++|[’'](?=\w))*+"
    r"(?:(?<![a-z][a-z]\.)[ ](?:(?:de|van|von|bin|al|le|la|du|da|di|der|den|ter)[ ])?[A-ZÀ-ÖØ-Þ](?:[\w.-]++|[’'](?=\w))*+)+"
)
