"""Frames for ``training.parser_data``: how posts ask, refuse, ramble and sign off.

Written for the tagger's training data only; the dev sets in ``benchmarks/devsets`` were written
separately and are not drawn from here. ``{x}`` marks where the descriptors go.

Out of scope: the descriptors themselves (``parser_data.load_vocabulary``).
"""

from __future__ import annotations

WANT_FRAMES = [
    "looking for {x}", "any recs for {x}?", "i need {x}", "i want {x}", "give me {x}", "recommend me {x}",
    "something {x}", "searching for {x}", "hit me with {x}", "what are some good {x} songs?",
    "suggestions for {x}?", "got any {x}?", "need some {x}", "i'm after {x}", "in the mood for {x}",
    "craving {x} right now", "{x} please", "{x}", "{x} vibes", "play some {x}", "can you find me {x}",
    "could use some {x}", "trying to find {x}", "recommend {x} music", "songs that are {x}",
    "I'd love {x}", "hoping to find {x}", "anything {x}?", "Help me find {x}", "Where do I find {x}?",
    "my playlist needs {x}", "would kill for some {x}", "more {x}", "a playlist of {x}",
    "I've been really into {x} lately and want more", "preferably {x}", "ideally {x}",
    "the vibe is {x}", "think {x}", "it should be {x}", "something with {x} in it",
    "what's good in {x}?", "add {x}", "and {x} too", "bonus if it's {x}",
]
# Wishes said after the descriptor ("horns are a plus"): WANT, not REJECT.
WANT_SUFFIXES = [
    "{x} is a plus", "{x} are a plus", "{x} would be great", "{x} is a must", "bonus points for {x}",
    "{x} welcome", "extra love for {x}", "{x} would be perfect", "{x} is fine", "{x} only",
    "{x} if possible", "more {x}", "a bit more {x}", "with more {x}", "{x} is what i'm missing",
    "nothing beats {x}", "can't get enough of {x}", "i never get tired of {x}", "no wait, {x}",
]
PURPOSES = ["for {p}", "for my {p}", "to play during {p}", "for a {p}", "while {p}"]
PURPOSE_NOUNS = [
    "road trip", "workout", "study session", "dinner party", "wedding", "sleep", "running", "coding",
    "reading", "cooking", "party", "gym", "meditation", "yoga", "commute", "date night", "cleaning",
    "gaming", "focus", "relaxation", "summer", "christmas", "birthday", "funeral", "rainy day",
]
PREFIX_CUES = [
    "no", "not", "without", "but no", "nothing", "nothing too", "nothing with", "please no", "no more",
    "minus the", "except", "anything but", "not a fan of", "not into", "i hate", "i can't stand",
    "can't stand", "skip the", "hold the", "leave out the", "zero", "avoid", "not too", "don't want any",
    "i'm so over", "tired of", "sick of", "none of the", "and definitely no", "absolutely no",
    "preferably no", "ideally without", "as long as there's no", "but not", "no real", "please avoid",
    "nothing that sounds", "i really dislike", "spare me the", "no offense but no", "but without",
    "i'd rather not have", "not looking for", "stay away from", "keep away from", "lose the",
    "forget the", "drop the", "cut the", "ditch the", "please don't suggest", "don't give me",
    "definitely not", "never", "i don't like", "i do not want", "not really feeling", "not so much",
    "too much", "not the", "isn't", "that aren't", "that isn't", "sin", "sans",
    "ohne", "zonder", "senza", "kein",
]
SUFFIX_CUES = [
    "{x} is a no", "{x} is out", "{x} is not my thing", "{x} isn't my thing", "{x} makes me cringe",
    "{x} ruins it for me", "too {x} for me", "the {x} stuff gets old", "{x}-free",
    "i'm allergic to {x}", "{x}? hard pass", "{x} need not apply", "{x} drives me nuts",
    "anything {x} is a dealbreaker", "the {x} kind, ugh, no", "{x} is overdone", "i've had enough {x}",
    "{x} is banned in my house", "the {x} thing gets on my nerves", "i'm done with {x}",
]
OPENERS = [
    "Hey all,", "Long time listener, first post.", "This might be a weird one.", "Okay so", "Hi!",
    "Not sure if this is the right place.", "Quick question:", "Help a friend out.", "So,",
    "Bit of a random ask.", "Hello music people!", "ok hear me out", "Struggling here.",
]
STORIES = [
    "My partner and I just moved into a new flat.", "I work nights and commute at dawn.",
    "My dad is retiring next month.", "We have a long drive coming up.",
    "I've been listening to the same five albums for a year.", "My kids are sick of my playlist.",
    "I'm hosting friends on Saturday.", "I started running again after an injury.",
    "I'm teaching a class and play music while they work.", "Spotify keeps recommending the same stuff.",
    "I grew up on my parents' records.", "Exams are coming and I can't focus.",
    "I just got a new pair of speakers.", "My band needs new covers for summer gigs.",
    "We're decorating the house this weekend.", "I'm writing a novel and need background music.",
    "My grandma turned ninety last week.", "I just broke up with someone.",
    "Our coffee shop needs a new playlist.", "I play tabletop games with friends every Friday.",
]
CLOSERS = [
    "Thanks in advance!", "Any help appreciated.", "Cheers!", "What would you suggest?", "thx",
    "Where do I even start?", "Thank you!!", "Drop your favourites below.", "Appreciate it.",
]
# "no" and "not" that refuse nothing.
FALSE_NEGATIONS = [
    "No idea what the genre is called.", "Not sure where to start.", "No pressure though.",
    "Not gonna lie, I'm picky.", "No rush.", "Nothing beats a good chorus.", "Without a doubt.",
    "Not only that, it has to be long.", "No matter the era.", "Nothing fancy needed.",
    "I can't not dance to this stuff.", "Never heard anything like it.", "no worries if not",
]
