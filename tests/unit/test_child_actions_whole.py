"""What will happen next, as the child reads it on the read-back and in their letter, is said in
whole sentences: "A meeting of the people who help keep you safe, to plan how" stopped there
(an accessibility probe), in English and most drafts. Each of the child's words for an action
ends with a word that can end a sentence, and each language has its own words for it."""

from __future__ import annotations

import re

from rhi import i18n
from rhi.interviews.read_back import CHILD_ACTIONS

# Words that leave an English phrase waiting for more.
DANGLING = {"how", "to", "and", "or", "the", "a", "an", "of", "for", "with", "what", "who", "that"}


def test_each_action_as_the_child_reads_it_is_finished():
    for kind, words in CHILD_ACTIONS.items():
        last = re.findall(r"[\w']+", words)[-1].lower()
        assert last not in DANGLING, (kind, words)


def test_every_language_has_its_own_words_for_each_action():
    compiled = i18n.compile_catalogues()
    assert len(compiled) >= 7
    for language, catalogue in compiled.items():
        for kind, words in CHILD_ACTIONS.items():
            assert catalogue.gettext(words) != words, (language, kind)
