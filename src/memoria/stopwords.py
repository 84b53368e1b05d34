"""Function words left out of the search index, per language.

A reader finds a page by its names and content words; "de", "las", "the" appear on every
page and cost most of the index (at 10,000 Spanish entries "de" alone took 476,561
positions, 296 KB compressed). The lists are the articles, prepositions, conjunctions,
pronouns and commonest auxiliary forms, chosen along the lines of Snowball's stop lists
(snowballstem.org) but written short on purpose: no content word a reader of a human-rights
archive might search for ("estado", "verdad", "trabajo", "right", "state", "work", all in
longer published lists) is in them. PyPI's `stop-words` package was checked and not used
for that reason. Lower case; search compares case-folded words.
"""

from __future__ import annotations


def _listed(words: str) -> frozenset[str]:
    """The words of a whitespace-separated list, as a set (easier to read and review than a literal)."""
    return frozenset(words.split())


SPANISH = _listed(
    """
    a al algo algunas algunos ante antes como con contra cual cuales cuando de del desde donde
    durante e el ella ellas ello ellos en entre era eran es esa esas ese eso esos esta estas este
    esto estos fue fueron ha han has hay haya he hemos la las le les lo los mas más me mi mis
    mucho muchos muy nada ni no nos nosotras nosotros nuestra nuestras nuestro nuestros o os
    otra otras otro otros para pero poco por porque que qué quien quienes se sea sean ser si sí
    sido siendo sin sobre son su sus también tanto te tiene tienen todo todos tu tus un una unas
    uno unos y ya yo él
    """
)

ENGLISH = _listed(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with you your yours yourself yourselves
    """
)

STOPWORDS: dict[str, frozenset[str]] = {"es": SPANISH, "en": ENGLISH}
"""Stop list per site language (ISO 639-1); a language not listed keeps every word."""
