"""Common music words of other languages, read as English before the rules parse a turn.

Listeners mix languages ("reggae pero sin letras tristes", "ruhige Klaviermusik, aber bitte nicht so
traurig", "k-pop 말고 인디", "ジャズ以外で"). The rules and the English encoder only understand English, so
``translate`` maps a short, fixed list of unambiguous words (genres, instruments, moods, tempo, decades)
and the negations around them to English. Words not listed pass through unchanged.

Out of scope: translation of anything beyond these words (grammar, idioms, other scripts' genres not
listed); the negation parsing itself (``chat.rules_condenser``).

Example:
    >>> translate("reggae pero sin letras tristes")
    'reggae pero sin lyrics sad'
    >>> translate("k-pop 말고 인디 음악")
    'no k-pop, indie music'
"""

from __future__ import annotations

import re

# word -> English; only words that are not also common English words with another meaning
WORDS: dict[str, str] = {
    # moods
    "triste": "sad", "tristes": "sad", "traurig": "sad", "traurige": "sad", "traurigen": "sad",
    "trauriges": "sad", "trist": "sad",
    "tristi": "sad", "ledsen": "sad", "droevig": "sad",
    "alegre": "happy", "alegres": "happy", "allegre": "happy", "allegra": "happy", "fröhlich": "happy",
    "fröhliche": "happy", "fröhlichen": "happy", "joyeux": "happy", "joyeuse": "happy", "glad": "happy",
    "vrolijk": "happy",
    "tranquilo": "calm", "tranquila": "calm", "tranquille": "calm", "ruhig": "calm", "ruhige": "calm",
    "ruhigen": "calm",
    "calma": "calm", "rustig": "calm", "rustige": "calm", "lugn": "calm", "mysig": "cozy",
    "romántica": "romantic", "romántico": "romantic", "romantische": "romantic", "romantica": "romantic",
    "oscuro": "dark", "oscura": "dark", "düster": "dark", "sombre": "dark",
    "moderno": "modern", "moderna": "modern", "modernos": "modern", "moderne": "modern",
    "modernen": "modern",
    "commerciale": "commercial", "commerciali": "commercial", "comercial": "commercial",
    "kommerziell": "commercial", "kommerzielle": "commercial", "commercieel": "commercial",
    "pesado": "heavy", "pesada": "heavy", "zware": "heavy", "zwaar": "heavy", "schwer": "heavy",
    "schwere": "heavy", "pesante": "heavy",
    # tempo
    "lento": "slow", "lenta": "slow", "lentas": "slow", "langsam": "slow", "langsame": "slow",
    "langsamen": "slow",
    "langzaam": "slow", "rápido": "fast", "rápida": "fast", "rapide": "fast", "schnell": "fast",
    "snel": "fast", "veloce": "fast",
    # instruments and voice
    "guitarra": "guitar", "gitarre": "guitar", "chitarra": "guitar", "guitare": "guitar",
    "gitaar": "guitar", "gitarr": "guitar", "violão": "acoustic guitar",
    "klavier": "piano", "klaviermusik": "piano music", "pianomuziek": "piano music",
    "batería": "drums", "bateria": "drums", "schlagzeug": "drums", "batterie": "drums",
    "trommel": "drums", "bassen": "bass", "bajo": "bass", "basso": "bass",
    "violín": "violin", "geige": "violin", "violon": "violin",
    "saxofón": "saxophone", "trompeta": "trumpet", "trompete": "trumpet",
    "letras": "lyrics", "letra": "lyrics", "paroles": "lyrics", "songtext": "lyrics", "texte": "lyrics",
    "la voce": "vocals", "la voz": "vocals",
    "cantante": "singer", "sängerin": "female singer", "sänger": "singer",
    # plain words
    "con": "with", "mit": "with", "avec": "with",
    "canzoni": "songs", "canciones": "songs", "chansons": "songs", "lieder": "songs", "músicas": "songs",
    "canções": "songs", "låtar": "songs", "nummers": "songs", "muziek": "music", "musik": "music",
    "musique": "music", "música": "music", "musica": "music",
    # other scripts
    "ジャズ": "jazz", "ロック": "rock", "ピアノ": "piano", "ギター": "guitar", "ボーカル": "vocals",
    "歌なし": "no vocals", "ポップ": "pop", "クラシック": "classical",
    "재즈": "jazz", "록": "rock", "락": "rock", "피아노": "piano", "기타": "guitar", "인디": "indie",
    "힙합": "hip hop", "발라드": "ballad", "음악": "music", "노래": "songs",
}
# "anni 70", "años 80", "années 80", "jaren 80", "80er" -> "1980s"
_DECADE = re.compile(r"\b(?:anni|años|anos|années|jaren|årtionde) ?'?([2-9]0)\b|\b([2-9]0)(?:er|erne)\b")
# negation words that come before the negated word ("nada muito moderno", "ma non troppo", "inte schlager")
_NEG_BEFORE = re.compile(
    r"(?<![\w-])(?:nada(?: de)?|non|inte|niet|ikke|nicht so|pas de)(?![\w-])"
    r"(?: (?:muito|troppo|so|zu|te|för|trop))?"
)
# negations that follow their object: Korean "X 말고" (not X, but), Japanese "X以外" (other than X)
_NEG_AFTER = re.compile(r"([^\s,、。]+?)\s*(?:말고|빼고|以外|じゃなくて|ではなく)")


def translate(text: str) -> str:
    """``text`` with the listed foreign words in English and foreign negations as "no X"."""
    text = _NEG_AFTER.sub(lambda m: f"no {WORDS.get(m[1], m[1])},", text)
    text = _DECADE.sub(lambda m: f"19{m[1] or m[2]}s", text)
    text = _NEG_BEFORE.sub(" not ", text)
    text = re.sub(r"(?<![\w-])pas d'(?=\w)", " not ", text)  # "pas d'autotune"
    for word, english in WORDS.items():
        if word in text:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", english, text)
    return " ".join(text.split())
