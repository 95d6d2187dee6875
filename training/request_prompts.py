"""The prompts and few-shot examples ``training.generate_requests`` sends, one per row kind.

Each kind has a system prompt and two or three (input, answer) few-shot examples: with one example
the 0.5B model copied its details into every answer; several different ones make it copy the style. The
``jamendo_dev`` prompt and examples differ from the training kinds' so dev queries are not written the
way training rows are. ``GROUNDING`` is the share of an answer's content words that must come from its
source (``generate_requests.grounded``); the default is 0.6.

Out of scope: sending them, filtering answers (``training.generate_requests``).

Example:
    >>> sorted(PROMPTS)
    ['jamendo_description', 'jamendo_dev', 'mc_request', 'mc_sentence']
"""

from __future__ import annotations

PROMPTS = {
    "mc_request": (
        "Rewrite the music description as a short casual request a listener would type to a music "
        "recommender. Keep the important musical details, drop the rest. Reply with the request only.",
        (
            ("A female vocalist sings a soulful melody over a piano. The recording is noisy.",
             "got any soulful songs with a woman singing over piano?"),
            ("This is an instrumental rock song with fast drums and distorted guitars. It sounds energetic.",
             "looking for energetic instrumental rock, fast drums and heavy guitars"),
        ),
    ),
    # sentence-level rewrites for training: other wording and examples than the dev rewrites of
    # benchmarks/llm_requests.py, so a dev gain is not one prompt's habits learned
    "mc_sentence": (
        "Turn this sentence about a piece of music into a short request that a listener would type or "
        "say to a music assistant, casually and in your own words, keeping its musical details. Reply "
        "with the request only.",
        (
            ("The song features a male vocalist singing over an acoustic guitar.",
             "need songs with a guy singing along to acoustic guitar"),
            ("The bass line is groovy and the percussion is upbeat.",
             "something with a groovy bassline and upbeat percussion please"),
            ("This is an electronic dance track with a heavy kick drum.",
             "play me some edm with a big heavy kick"),
        ),
    ),
    "jamendo_description": (
        "Write one sentence describing a song that has these tags, the way a listener would describe "
        "it to a friend. Use every tag's meaning, add nothing else. Reply with the sentence only.",
        (
            ("electronic, ambient, synthesizer, calm, relaxing",
             "a calm, relaxing ambient electronic track built on soft synthesizers"),
            ("rock, guitar, drums, energetic, happy",
             "an upbeat, happy rock song with driving drums and guitar"),
        ),
    ),
    # dev queries (validation split): another prompt and other examples than the training rows', so
    # the dev set does not reward learning one prompt's habits
    "jamendo_dev": (
        "You are a listener telling a friend about a song you heard; its tags are given. Describe how it "
        "sounds in one casual sentence, in your own words, naming at most two of the tags. Reply with the "
        "sentence only.",
        (
            ("classical, piano, sad, melancholic, film",
             "a slow, lonely piano piece that sounds like an old movie, it made me a bit sad"),
            ("hip hop, beat, bass, dark, drum machine",
             "moody beat with a deep rumbling bass under it, kind of menacing"),
        ),
    ),
}


# Share of an answer's content words that must come from its source. Dev descriptions are asked to
# describe the sound in their own words, naming at most two tags, so less of them is the tags' wording.
GROUNDING = {"jamendo_dev": 0.3}
