"""Phrase rewrites the rules apply to a turn before parsing it: one wording for each idea.

Listeners say the same thing many ways: "the piano's wrong", "a party track is the opposite of what i
want" and "the sad stuff is bumming me out" all mean "no X"; "no swearing" and "no cursing" mean the
same descriptor; "80s" is "1980s". ``rewrite`` maps these to the few forms ``chat.rules_condenser``
parses. Out of scope: clause parsing and the word lists (``chat.rules_vocab``), other languages
(``chat.rules_foreign``).

Example:
    >>> rewrite("no wait, the piano's wrong - synth strings, late 80s")
    ', no piano - synth strings, late 1980s'
    >>> rewrite("no rap, trap, drill etc, something upbeat")
    'no rap or trap or drill, something upbeat'
"""

from __future__ import annotations

import re
from collections.abc import Callable

_X = (
    r"(?:the |a |an |that |this |all the |any )?"
    r"((?!(?:and|but|or|so|then|just|i|it|this|that|because|also|though|which|who|what|there|they|we|you|"
    r"everything|anything)\b)[a-z_'-]+(?: [a-z_'-]+){0,2}?)"
)
_JUDGED = (
    r"(?:wrong|not right|all wrong|a mistake|off|not working|too much|getting old|wearing thin|"
    r"bumming me out|getting on my nerves|annoying me|boring me|not doing it(?: for me)?|"
    r"like noise(?: to me)?|noise to me|awful|terrible|unbearable|grating|cringe|cringey|too cutesy)"
)
_ADVERB = r"(?: just| really| honestly| kind of| always)?"
_LEADING = re.compile(
    r"^(?:(?:they|it|are|is|either|or|and|but|those|these|that|the|a|an|some|of|with|like|more|whatever|"
    r"gives?|giving|keeps?|me|us|all|my|our|mostly|just|only)\s+)+"
)


def _ban(match: re.Match[str]) -> str:
    """ ", no X," for the phrase before "which ...", without its leading function words."""
    phrase = _LEADING.sub("", " ".join(match[1].split()[-4:]))
    return f", no {phrase}," if phrase else match[0]
# what follows a rejected thing: "X need not apply", "X? hard pass", "X makes me cringe", "X gets old fast"
_REJECTED_AFTER = (
    r"(?:need not apply|(?:(?:is|are|=) ?)?(?:a )?hard pass|(?:is|are) where (?:i|we) draw the line|"
    r"makes? me cringe|gets? old(?: fast| quick(?:ly)?)?|(?:(?:is|are|=) ?)?(?:an? )?instant skip|"
    r"kills? my (?:momentum|vibe|mood|focus|flow|buzz)|pulls? my (?:attention|focus) away|"
    r"drives? me (?:crazy|nuts|insane|up the wall)|nem pensar|(?:is|are)(?: just)? not for me|"
    r"(?:isn'?t|aren'?t) for me)"
)
_STOP = frozenset(re.findall(
    r"\w+", "and but or so then i it we you they that this because also though which who what there on of to "
    "for with is are was the a an my our just all me any tbh ngl honestly nothing everything anything"
))
_NEGATORS = frozenset(
    ["never", "not", "doesn't", "doesnt", "don't", "dont", "won't", "wont", "can't", "cant"]
)


def _ban_tail(match: re.Match[str]) -> str:
    """ ", no X," for the words of the match's first group after its last function word."""
    words = match[1].split()
    if words and words[-1] in _NEGATORS:  # "a classic that never gets old" praises it
        return match[0]
    cut = max((i + 1 for i, w in enumerate(words) if w in _STOP), default=0)
    phrase = " ".join(words[cut:])
    return f", no {phrase}," if phrase else match[0]


def _too(match: re.Match[str]) -> str:
    """ "that's too slow and meditative." -> ", no slow or meditative," (each part is rejected)."""
    return ", no " + re.sub(r"\s+(?:and|&)\s+", " or ", match[1]) + ","


REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # decades: "80s", "'80s", "80's" -> "1980s" ("in my 30s" is an age, not a decade)
    (re.compile(r"(?<!\bmy )(?<!\bour )(?<!\btheir )(?<![\w'])'?([2-9])0'?s\b"), r"19\g<1>0s"),
    (re.compile(r"(?<![\w'])'?00'?s\b"), "2000s"),
    (re.compile(r"\bdoom and gloom\b"), "dark"),
    # self-corrections: "no wait," "hmm wait" are interjections, not a ban on "wait"
    (re.compile(r"(?:^|(?<=[,.;!?…]))\s*(?:(?:no+|oh|hmm+|um+|uh+)[, ]+)?wait\b[,!.]*"), " , "),
    (re.compile(r"\b(?:on reflection|on second thoughts?|come to think of it|thinking about it)\b,?"),
     " , "),
    (re.compile(r"\bslow (?:it |things |this |that )?(?:way |right |all the way )?down\b"), "slow"),
    (re.compile(r"\bspeed (?:it |things |this |that )?up\b"), "fast"),
    (re.compile(r"\bdon'?t forget (?:the |some |a |an )?"), "with "),
    # judgements that mean "no X"
    (re.compile(rf"\b{_X}{_ADVERB}(?:'s| is| are| was| feels| sounds)(?: (?:stuff|part|bit|thing))? "
                rf"{_JUDGED}"), r"no \1"),
    # "lo-fi beats, which put me to sleep", "stomp anthems, which is the opposite"
    (re.compile(r"\b([a-z][a-z_' -]{2,40}?),? which (?:puts?|put) me to sleep"), _ban),
    (re.compile(r"\b([a-z][a-z_' -]{2,40}?),? which (?:is|are) (?:the opposite|not what i (?:want|need)|"
                r"not it|wrong|too [a-z-]+)"), _ban),
    # "too sleepy (bedroom pop, lofi)": the examples in brackets are what is too much
    (re.compile(r"\btoo [a-z-]+ \(([^()]{2,60})\)"),
     lambda m: ", no " + re.sub(r"\s*,\s*", " or ", _LEADING.sub("", m[1])) + ","),
    (re.compile(r"\bwhat (?:i|we) (?:don'?t|do not|dont) (?:like|want|need) is\b"), "no"),
    (re.compile(r"\b(?:i am |we are |am )?not ready for\b"), "no"),
    (re.compile(rf"\b{_X} (?:stuff |part |bit |thing )?(?:is|are|was) {_JUDGED}"), r"no \1"),
    (re.compile(rf"\b{_X} (?:doesn'?t|does not|don'?t|do not) (?:fit|work)(?: (?:here|for me|at all))?\b"),
     r"no \1"),
    (re.compile(rf"\b{_X} (?:track |song |vibe )?(?:is|are|would be) the opposite of what i "
                r"(?:want|need|am after|am looking for)"),
     r"no \1"),
    (re.compile(rf"\b{_X} (?:ruins?|kills?|spoils?) (?:it|them|everything|the mood|the vibe)\b"), r"no \1"),
    (re.compile(r"\bi (?:said|asked for|mentioned|wanted) ([a-z_' -]{2,40}?),? but\b"), r"no \1, but"),
    (re.compile(rf"\b{_X}{_ADVERB}[?!.,]*\s+{_REJECTED_AFTER}"), _ban_tail),
    # "keep the sax solos to a minimum", "one more guy-with-acoustic-guitar song and i'll scream"
    (re.compile(r"\bkeep (?:the |any )?([a-z_' -]{2,40}?) to a (?:minimum|bare minimum)\b"), r", no \1,"),
    (re.compile(r"\bone more ([a-z_'-]+(?: [a-z_'-]+){0,3}?)(?: songs?| tracks?| tunes?)? and i(?:'ll| will|"
                r" am gonna| am going to)? (?:scream|lose it|cry|quit|die|lose my mind)\b"),
     lambda m: ", no " + m[1].replace("-", " ") + ","),
    # a clause that is only "(that's) too X": X is what they do not want ("too disco.", "too busy")
    (re.compile(r"(?:^|(?<=[,.;!?]))\s*(?:(?:that'?s|that is|that|it'?s|it is|it|this is|they'?re|they are|"
                r"way|a bit|a little|far|just|kinda|sorta)\s+)*too\s+"
                r"(?!(?:much|many|good|great|perfect|cool|nice|awesome|amazing|lovely|beautiful|gorgeous|fun|"
                r"funny|sick|dope|fire|catchy|epic|brilliant|bad|late|early|real|true)\b)"
                r"([a-z-]+(?:\s+(?:and|&)\s+[a-z-]+)?)\s*(?=$|[,.;!?])"), _too),
    # a negated list that ends in "etc": every item is negated
    (re.compile(r"\b(no|without|not) ((?:[a-z_'-]+(?: [a-z_'-]+)?, )+[a-z_'-]+(?: [a-z_'-]+)?),? etc\b\.?"),
     lambda m: f"{m[1]} {m[2].replace(', ', ' or ')}"),
    (re.compile(r"\b(?:(?:doesn'?t|does not|don'?t|do not) (?:have|contain|include|use)|that has no|"
                r"with zero)\b"),
     " without "),
    # one wording per descriptor
    (re.compile(r"\b(fe)?male (?:vocalists?|singers?|voices?|singing|vocal)\b"), r"\1male vocals"),
    (re.compile(r"\bprog(?:ressive)?(?: rock)?\b(?! (?:metal|house|trance))"), "progressive rock"),
    (re.compile(r"\b(?:cursing|swearing|swear ?words|curse ?words|cuss(?:ing)?|profanity|bad words|"
                r"explicit(?: lyrics| content| stuff)?)\b"), "explicit lyrics"),
    (re.compile(r"\bgrowl(?:ing|s|ed)?(?: vocals?)?\b"), "growled vocals"),
    (re.compile(r"\bballad-?y\b"), "ballad"),
    (re.compile(r"\brap (?:verses?|parts?|bits?|sections?)\b"), "rap vocals"),
    (re.compile(r"\bpoppy\b"), "pop"),
    (re.compile(r"\bhappy-go-lucky\b"), "happy"),
    (re.compile(r"\blo ?fi\b"), "lo-fi"),
)


def rewrite(text: str) -> str:
    """``text`` (lowercase) with every rewrite applied in order."""
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())
