"""Words that tell of a finding, so that words elsewhere in a copy that speak of a finding the
child asked to keep between them and the worker are found before the copy goes
(rhi/interviews/private_mentions.py).

A probe: self-harm was ticked "not to be shared", and the action "CAMHS referral because Tyler
has been cutting his arms" went whole into the social worker's copy. rhi cannot know every way
to say a thing; these are the words workers write most often for each finding, and the finding's
own name is always looked for too. A warning the worker reads, never a block: the worker
chooses the words.

How each is matched, at the start of a word and never inside one:
- "word" or "two words": the word or phrase whole ("drunk", not "drunkard"); the space
  between words stands for any space or hyphen ("self harm" is "self-harm" and "self  harm");
- "stem*": any word that starts so ("pregnan*": pregnant, pregnancy), in a phrase too
  ("hurt* himself");
- with a capital letter anywhere: as written ("Prevent" the programme, not "prevent";
  "CSE"), otherwise in any case.
"""

from __future__ import annotations

import re
from functools import cache

TELLS_OF: dict[str, tuple[str, ...]] = {
    # What made them want to leave
    "push.family_conflict": ("argument*", "arguing", "fell out", "falling out", "rows at home"),
    "push.domestic_abuse": ("domestic abuse", "domestic violence"),
    "push.abuse_neglect": ("abus*", "neglect*"),
    "push.parent_substance_use": ("drinking", "drunk"),
    "push.school_problems": ("excluded", "exclusion*", "expelled"),
    "push.bullying": ("bully", "bullies", "bullied", "bullying"),
    "push.loneliness": ("lonel*", "isolated", "no friends"),
    "push.placement_relationships": ("foster carer*", "residential staff"),
    "push.being_moved": ("placement move*", "new placement", "moved placement*"),
    "push.mental_health": (
        "mental health",
        "CAMHS",
        "depress*",
        "anxiety",
        "anxious",
        "panic attack*",
    ),
    "push.pregnancy": ("pregnan*", "termination", "miscarr*"),
    "push.bereavement": ("bereave*", "passed away", "funeral", "griev*", "grief"),
    "push.far_from_family": (
        "far from home",
        "far from family",
        "far from her family",
        "far from his family",
        "far from their family",
    ),
    # What drew them away
    "pull.partner": (
        "boyfriend*",
        "girlfriend*",
        "her partner",
        "his partner",
        "their partner",
        "older partner",
    ),
    "pull.peer_pressure": ("peer pressure", "pressured"),
    "pull.parties": ("parties", "house party", "a party"),
    "pull.drugs_alcohol": ("drug*", "alcohol*", "drunk", "cannabis", "weed"),
    "pull.exploiting_adults": ("exploit*",),
    "pull.money": ("money", "cash"),
    "pull.gifts": ("gift*", "given presents", "presents from"),
    "pull.somewhere_to_stay": ("somewhere to stay", "place to stay"),
    # Harms and risk indicators
    "harms.sexual_exploitation": ("sexual exploitation", "sexually exploit*", "CSE"),
    "harms.criminal_exploitation": (
        "criminal exploitation",
        "criminally exploit*",
        "county lines",
        "CCE",
        "drug running",
        "running drugs",
        "cuckoo*",
    ),
    "harms.trafficking": ("traffick*", "modern slavery", "NRM", "National Referral Mechanism"),
    "harms.online_grooming": ("groom*", "nudes", "sextort*"),
    "harms.weapons_violence": (
        "knife",
        "knives",
        "weapon*",
        "stab",
        "stabbed",
        "stabbing*",
        "machete*",
        "blade*",
        "gun",
        "guns",
    ),
    "harms.drugs_alcohol": (
        "drug*",
        "alcohol*",
        "drunk",
        "cannabis",
        "weed",
        "cocaine",
        "ketamine",
    ),
    "harms.sleeping_rough": ("sleeping rough", "slept rough", "slept outside", "homeless"),
    "harms.self_harm": (
        "self harm*",
        "selfharm*",
        "self injur*",
        "cutting",
        "cut herself",
        "cut himself",
        "cut themselves",
        "hurt* herself",
        "hurt* himself",
        "hurt* themselves",
        "cuts on her arm*",
        "cuts on his arm*",
        "cuts on their arm*",
        "razor*",
        "cut her arm*",
        "cut his arm*",
        "cut their arm*",
        "overdos*",
        "suicid*",
        "end her life",
        "end his life",
        "end their life",
        "ending her life",
        "ending his life",
        "ending their life",
        "kill herself",
        "kill himself",
        "kill themselves",
    ),
    "harms.forced_marriage": ("forced marriage", "forced to marry", "made to marry"),
    "harms.fgm": ("FGM", "female genital", "circumcis*"),
    "harms.radicalisation": (
        "radicalis*",
        "radicaliz*",
        "extremis*",
        "Prevent referral",
        "Prevent programme",
        "referred to Prevent",
        "Channel panel",
    ),
    "harms.victim_of_crime": ("assault*", "attacked", "robbed", "mugged", "rape", "raped"),
    "harms.suspected_offending": (
        "arrest*",
        "offending",
        "offence*",
        "offender*",
        "shoplift*",
        "stole",
        "stolen",
        "stealing",
    ),
    "harms.missing_education": ("missing education", "not in school", "out of school"),
    "harms.unexplained_items": ("unexplained*", "new phone*", "second phone*", "burner*"),
    "harms.injuries": ("injur*", "bruis*", "wounds", "wounded"),
    "harms.sexual_health": (
        "sexual health",
        "STI",
        "STIs",
        "contracepti*",
        "sexually transmitted",
        "morning after pill",
    ),
}


@cache
def pattern(words: str) -> re.Pattern[str]:
    """One entry of TELLS_OF (or a finding's own name, whole) as a pattern, as the module says:
    a word ending "*" is any word that starts so ("hurt* himself": "hurting himself")."""
    pieces = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words.split()]
    body = r"[\s\-\u2010\u2011]+".join(pieces)
    flags = 0 if any(ch.isupper() for ch in words) else re.IGNORECASE
    return re.compile(rf"(?<![\w]){body}(?![\w])", flags)


def tells_of(path: str, label: str) -> tuple[str, ...]:
    """The words looked for to find a finding (`push.bullying`) spoken of: its own name as a
    whole phrase, in any case, and its entry in TELLS_OF."""
    return (label.lower(), *TELLS_OF.get(path, ()))
