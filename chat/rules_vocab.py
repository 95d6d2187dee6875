"""Word lists and patterns used by ``RulesCondenser``: cues, comparatives, opposites, filler, emoji.

Plain data, kept apart so the rules stay readable. English only: other languages pass through as text.
Out of scope: any learning; everything here is a fixed table.
"""

from __future__ import annotations

import re

# "slower", "more upbeat" ... -> the descriptor the listener wants more of.
COMPARATIVES: dict[str, str] = {
    "slower": "slow tempo",
    "faster": "fast tempo",
    "quicker": "fast tempo",
    "happier": "happy",
    "sadder": "sad",
    "calmer": "calm",
    "mellower": "mellow",
    "chiller": "chill",
    "quieter": "soft",
    "softer": "soft",
    "louder": "loud",
    "heavier": "heavy",
    "harder": "heavy",
    "darker": "dark",
    "brighter": "bright",
    "livelier": "energetic",
    "groovier": "groovy",
    "funkier": "funky",
    "jazzier": "jazzy",
    "dreamier": "dreamy",
    "rougher": "raw",
    "gentler": "gentle",
    "warmer": "warm",
    "lighter": "light",
    "angrier": "aggressive",
    "cheerier": "cheerful",
    "punchier": "punchy",
    "weirder": "experimental",
    "older": "oldies",
    "newer": "modern",
    "simpler": "minimal",
}
# Words a listener uses for a descriptor.
SYNONYMS: dict[str, str] = {
    "slow": "slow tempo",
    "fast": "fast tempo",
    "quick": "fast tempo",
    "upbeat": "upbeat",
    "singing": "vocals",
    "singer": "vocals",
    "singers": "vocals",
    "voice": "vocals",
    "voices": "vocals",
    "vocal": "vocals",
    "lyrics": "vocals",
    "words": "vocals",
    "drum": "drums",
    "guitars": "guitar",
    "pianos": "piano",
    "relaxed": "calm",
    "relaxing": "calm",
    "chilled": "chill",
    "energy": "energetic",
    "tempo": "fast tempo",
    "bass": "bass",
    "beat": "beats",
    "sax": "saxophone",
    "synths": "synth",
    "autotune": "auto-tune",
    "rapping": "rap vocals",
    "rap": "rap vocals",
    "rapper": "rap vocals",
    "sings": "vocals",
    "sings on it": "vocals",
    "singing on it": "vocals",
    "vocalist": "vocals",
    "voces": "vocals",
    "voz": "vocals",
    "voce": "vocals",
    "voix": "vocals",
    "stimme": "vocals",
    "gesang": "vocals",
    "letras": "vocals",
    "paroles": "vocals",
    "testo": "vocals",
    "saxophon": "saxophone",
    "saxofon": "saxophone",
    "accordéon": "accordion",
    "akkordeon": "accordion",
    "reggaetón": "reggaeton",
    "screamin": "screaming",
    "screamed": "screaming",
    "vocalists": "vocals",
    "synthesizer": "synth",
    "synthesizers": "synth",
    "singin": "vocals",
    "vox": "vocals",
    "80s": "1980s",
    "70s": "1970s",
    "60s": "1960s",
    "90s": "1990s",
    "50s": "1950s",
    "00s": "2000s",
    "eighties": "1980s",
    "seventies": "1970s",
    "sixties": "1960s",
    "nineties": "1990s",
    "fifties": "1950s",
}
OPPOSITES: dict[str, tuple[str, ...]] = {
    "upbeat": ("slow tempo", "slow", "calm", "mellow", "chill", "sad", "melancholic", "downbeat"),
    "fast tempo": ("slow tempo", "slow", "calm"),
    "slow tempo": ("fast tempo", "fast", "upbeat", "energetic"),
    "energetic": ("calm", "mellow", "chill", "relaxing", "slow tempo", "slow"),
    "calm": ("energetic", "aggressive", "intense", "upbeat", "loud", "fast tempo", "fast"),
    "mellow": ("energetic", "aggressive", "intense", "loud"),
    "chill": ("energetic", "aggressive", "intense", "loud"),
    "happy": ("sad", "melancholic", "dark", "gloomy"),
    "cheerful": ("sad", "melancholic", "dark", "gloomy"),
    "sad": ("happy", "cheerful", "upbeat", "joyful"),
    "dark": ("bright", "happy", "cheerful"),
    "bright": ("dark", "gloomy"),
    "heavy": ("light", "soft", "gentle"),
    "light": ("heavy", "aggressive"),
    "soft": ("loud", "heavy", "aggressive"),
    "gentle": ("loud", "heavy", "aggressive"),
    "loud": ("soft", "quiet", "gentle"),
    "aggressive": ("calm", "gentle", "soft"),
}
# The first opposite is what "something completely different" / "less X" moves towards.
ANTONYM: dict[str, str] = {
    "upbeat": "calm",
    "fast tempo": "slow tempo",
    "slow tempo": "fast tempo",
    "energetic": "calm",
    "calm": "energetic",
    "mellow": "energetic",
    "chill": "energetic",
    "happy": "sad",
    "cheerful": "sad",
    "sad": "happy",
    "melancholic": "happy",
    "dark": "bright",
    "bright": "dark",
    "heavy": "light",
    "light": "heavy",
    "soft": "loud",
    "gentle": "aggressive",
    "loud": "soft",
    "aggressive": "calm",
}
EMOJI: dict[str, str] = {
    "🎸": "guitar",
    "🎹": "piano",
    "🥁": "drums",
    "🎷": "saxophone",
    "🎺": "trumpet",
    "🎻": "violin",
    "🎤": "vocals",
    "😢": "sad",
    "😭": "sad",
    "😊": "happy",
    "😀": "happy",
    "🙂": "happy",
    "🔥": "energetic",
    "💃": "dance",
    "🕺": "dance",
    "😴": "calm",
    "🌴": "tropical",
    "🌧": "melancholic",
    "❤": "romantic",
    "🤘": "heavy metal",
    "🎶": "",
    "🎵": "",
}
# Multi-word names that contain a splitting word; protected before clauses are split.
COMPOUNDS = (
    "drum and bass",
    "rock and roll",
    "rock n roll",
    "rhythm and blues",
    "r and b",
    "country and western",
)

RESET = re.compile(
    r"\b(?:something|anything|somethin)\s+(?:completely|totally|entirely|very|really|quite)\s+(?:different|else)\b"
    r"|\bsomething else(?: entirely)?\b|\bstart (?:over|again|fresh)\b|\bnew topic\b"
    r"|\bforget (?:that|it|this|all that|everything|about that)\b"
    r"|\b(?:forget|disregard|ignore|drop|scrap|ditch)\s+(?:about\s+)?(?:the|my|that|those|these|all)\s+"
    r"(?:previous|last|earlier|old|other)\s+(?:request|requests|songs?|ones?|stuff|suggestions?|picks?|tracks?)\b"
    r"|\bchange of (?:plans?|mood|topic|pace|heart|direction)\b|\bscratch that\b|\bnew plan\b"
    r"|\bforget all that\b"
    r"|\bdifferent (?:genre|style|music|vibe) (?:altogether|entirely)\b|\bcompletely different\b"
)
REQUEST_VERB = re.compile(
    r"^(?:(?:ok(?:ay)?|now|alright|hey|hi|hello|so|well|hmm+|then|actually|no|nah)\b[, ]*)*"
    r"(?:i(?:'d| would) (?:like|love)|switch to|change to|go for|let'?s go for|"
    r"i want|i need|i(?:'m| am) (?:looking for|in the mood for|into)|i feel like|play(?: me)?|give me|"
    r"recommend(?: me)?|suggest|find(?: me)?|show me|how about|what about|let'?s (?:hear|try|have|go with)|"
    r"can you (?:play|find|recommend|suggest)|could you (?:play|find|recommend|suggest)|put on|"
    r"can i (?:get|have)|do you have|any)\b"
)
TOPIC_SWITCH = re.compile(
    r"^(?:(?:ok(?:ay)?|alright|so|hmm+|well|actually|right)[, ]+)*(?:now|next)\s+"
    r"(?:some|something|play|give|for|i want)\b"
    r"|^(?:(?:ok(?:ay)?|alright|so|actually)[, ]+)*(?:switch|change)\s+(?:it\s+)?to\b|\bnew request\b"
    r"|^(?:ok(?:ay)?[, ]+)?(?:totally|completely) different\b"
)
REFINE_START = re.compile(
    r"^(?:(?:the )?same|similar|with|add|also|and|plus|but|include|make it|more|less|no|not|without|even)\b"
)
# Where a negation starts inside a clause ("calm music that isnt jazz" -> "calm music" + "isnt jazz").
NEG_CUE_WORDS = (
    r"no|not|without|w/o|avoid|skip|minus|sans|except|exclude|remove|leave out|cut out|ditch|scrap|lose|"
    r"get rid of|no more|nothing|anything but|never|hate|can'?t (?:stand|do|handle|deal with|take|bear)|"
    r"not a fan of|not into|not really into|"
    r"tired of|sick of|so over|am over|don'?t (?:want|like|need|play|do)|do not (?:want|like|need|play)|"
    r"i don'?t want|i do not want|shouldn'?t (?:be|have|sound)|should not (?:be|have)|isn'?t|isnt|aren'?t|"
    r"arent|wasn'?t|not too|nothing too|nothing with|nothing that has|no (?:real )?need for|hold the|zero|"
    r"don'?t give me(?: anything)?|nobody|no one|better than|sin|sans|ohne|senza|pas de|nada de|sem|zonder|"
    r"geen|kein|keine|keinen|nicht|niente|utan|none of(?: the)?|scratch|nix|"
    r"spare me (?=the|any|all|more|your)|allergic to|"
    r"(?:i'?d |i would )?rather not(?: have| hear| get)?|please no"
)
NEG_CUE = re.compile(rf"\b(?:{NEG_CUE_WORDS})\b")
NEGATION = re.compile(
    r"^(?:(?:but|and|also|just|please|preferably|ideally|oh|ok(?:ay)?|i'?d prefer|i'?m|im|it|that|"
    r"which|music that|songs that|something that|stuff that)\s+)*"
    r"(?:not a (?:big |huge )?fan of|not really into|not into|no|not|without|w/o|avoid|skip|minus|sans|"
    r"except|exclude|remove|leave out|cut out|cut|ditch|scrap|scratch|forget|nix|lose|drop|get rid of|"
    r"no more|nothing with|"
    r"nothing that has|nothing too|nothing|anything but|never|hate|"
    r"can'?t (?:stand|do|handle|deal with|take|bear)|"
    r"(?:so )?tired of|sick of|"
    r"(?:i am )?so over|i am over|"
    r"don'?t (?:want|like|need|play|do)|do not (?:want|like|need|play)|i don'?t want|i do not want|"
    r"shouldn'?t (?:be|have|sound)|should not (?:be|have)|isn'?t|isnt|aren'?t|arent|wasn'?t|hold|zero|"
    r"don'?t give me(?: anything)?|(?:would )?(?:suit it |be )?better than|nobody|no one|sin|sans|ohne|"
    r"senza|pas de|nada de|sem|zonder|geen|kein|keine|keinen|nicht|niente(?: con)?|utan|none of(?: the)?|"
    r"spare me(?= (?:the|any|all|more|your)\b)|allergic to|"
    r"(?:i'?d |i would )?rather not(?: have| hear| get)?|please no)\s+"
    r"(?:it\s+when\s+|when\s+)?(?:there\s*'?s\s+|there\s+(?:is|are)\s+|(?:it|they|songs?|tracks?)\s+"
    r"(?:has|have|gets?|uses?)\s+)?"
    r"(?:any\s+|the\s+|more\s+|too\s+|so\s+|from\s+the\s+|from\s+|of\s+|a\s+|an\s+|really\s+)*(?P<x>.+)$"
)
# Words that trail a negated or added term and are not part of it ("nothing with synths in it").
TRAILING = re.compile(
    r"(?:\s+(?:in it|in there|in them|at all|whatsoever|etc\.?|please|pls|plz|thanks|thx|stuff|either|too|"
    r"as well|also|anymore|any more|of (?:it|that)|in the mix|on it|ones?|songs?|music|tracks?|"
    r"if possible|if you can|if poss|por favor|bitte|obviously|lol|lmao|lmfao|rofl|haha|i guess|tho|though|"
    r"ideally|"
    r"anywhere|on this one|this time|on (?:this|these|those|them)|here|for now|alsjeblieft|svp|"
    r"per favore|honestly|tbh|really|part|bit|side|element|thing|vibes?|yet|right now|for a while|fr|"
    r"kind|type|sort|kkk+|jaja+))+\s*$"
)
# A reason after a negated term is not part of it ("no lyrics because they start singing along").
SUBORDINATE = re.compile(
    r"\s+(?:because|cause|cuz|coz|since|as (?:it|they|that|those)|so (?:that|i|we)|when|unless|if|"
    r"that (?:makes?|sounds?|feels?|gets?)|which|who|where|like when)\b.*$"
)
MORE = re.compile(
    r"^(?:(?:but|and|also|even|make it|a bit|a little|much|way|slightly|bit)\s+)*more\s+(?P<x>.+)$"
)
LESS = re.compile(
    r"^(?:(?:but|and|also|even|make it|a bit|a little|much|way|slightly|bit)\s+)*less\s+(?P<x>.+)$"
)
# Clause boundaries; the delimiter is kept: a bare term after "no X or" / "nor" is negated too, one after
# a comma is not ("heavy metal, no voices, palm muted arpeggios").
CLAUSE_SPLIT = re.compile(
    r"\s*([,.;:!?|]+|\s[-–—]+\s|[–—]+|\bbut\b|\band\b|\bor\b|\bnor\b|\bplus\b|\balso\b|\bthough\b"
    r"|\bwhile\b|\bwhich\b)\s*"
)
FILLER = re.compile(
    r"\b(?:please|thanks|thank you|some|any|songs?|music|tracks?|tunes|stuff|something|anything|things?|"
    r"kind of|sort of|type of|a bit|a little|little|bit|really|very|pretty|quite|maybe|perhaps|just|too|"
    r"then|now|instead|even|much|way|a lot|lots of|lot|than (?:that|this|before|those|these|the last ones?|"
    r"the previous ones?|it)|ones?|for me|me|a|an|the|that|those|these|this|it|is|are|be|more of|"
    r"please|ok(?:ay)?|alright|hey|hi|hello|so|well|hmm|use|try|go with|make it|let'?s have|add|include|"
    r"with|of|i|am|want|like|would|could|can|you|get|have|same|similar|actually|for|im|we|"
    r"there|in there|in it|too|as well|great|nice|cool|awesome|perfect|good start|good|love it|today|"
    r"tonight|right now|to hear|to listen to|listen to|bonus points|extra points|points|thinking|think|"
    r"should|needs?|must|has to|it'?s|throw in|toss in|ideally|preferably|yeah|yes|yep|lol|haha|idk|tbh|"
    r"ngl|pls+|plz|recs?|recommendations?|suggestions?|looking|searching|hunting|vibes?|feel|feeling|put|"
    r"some more|"
    r"from|mood|kinda|sorta|type|style|genre|sound|sounding|that has|that have|featuring|feature|suit|"
    r"suits|rather|only|eh+|nope|nah|ugh+|meh|make that|i am thinking|more|go back to|keep)\b"
)
# Adjectival genre words in a ban also ban the genre ("nothing too jazzy" rules out jazz); hyphenated "-y",
# "-ish" and "-esque" forms are cut to their word everywhere ("grunge-y", "country-ish").
GENRE_ADJECTIVES = {
    "jazzy": "jazz", "bluesy": "blues", "funky": "funk", "poppy": "pop", "folky": "folk", "proggy": "prog",
    "punky": "punk", "metally": "metal", "countryish": "country", "rocky": "rock", "housey": "house",
    "trancey": "trance", "emo-ish": "emo",
}
HYPHEN_SUFFIX = re.compile(r"\b([a-z]{3,})-(?:y|ish|esque)\b")
