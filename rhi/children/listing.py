"""The children list's pages: 50 children at a time by name, each with their latest episode.

Pages are keyed by the child on the edge of the page (`?after=<id>` for the next page,
`?before=<id>` for the previous one), not numbered, and nothing counts the whole list: a page
walks `ix_children_sort_name` (last name as filed, first name, id) from that child and stops
after 51 rows, so it costs the same with 100 children or 10,000 (issue 16 item 1). A page's
links carry a child's id, never a name (addresses end up in server logs). A letter
(`?from=M`) starts the list at the first last name filed under that letter. Names are filed
without case or accents (`Child.sort_name`: "de Souza" under D, "Éclair" under E), the same on
SQLite and PostgreSQL.

A search by name ("kowal", or "maya kow") narrows the same walk: each word typed must be part
of the child's first, preferred or last name, asked in the query's WHERE beside
access.child_filter, so it still reads at most 51 rows, all of them children the person may
see. It is posted, never put in the address (a child's name would sit in access logs and the
browser's history, as the retention and subject access searches post theirs too), so it shows
one page, the first 50 by name, saying when more match: a few more letters narrow it. The words
never go in the audit row. No index serves a part of a name, so a search that matches few
children reads every child the person may see, inside the database, to fill its page.

No Flask here: the view reads the request and renders; this module asks the database.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.orm import selectinload

from rhi import access
from rhi.extensions import db
from rhi.models import Child, Episode, User
from rhi.models.children import sort_name_of
from rhi.models.interviews import NOT_YET_OFFERED, outcome_label, status_label

PER_PAGE = 50

# What the pages call a child who has not come back yet (the episode page, the Returns page).
STILL_MISSING = "Still missing"

# The letters offered to jump to, in the order of the list.
LETTERS = tuple(string.ascii_uppercase)

# The order of the list: the last name as filed (rhi.models.children.sort_name_of), not as
# typed, which put "adams" and "Éclair" after "Zed".
_KEY = (Child.sort_name, Child.first_name, Child.id)

# The most of a search that is used: room for a first and a last name as people type them. The
# rest is cut rather than refused: a shorter search finds the same children or more.
SEARCH_LONGEST = 120


@dataclass(frozen=True)
class ChildrenPage:
    children: list[Child]
    latest: dict[int, Episode | None]  # each child's latest episode, or None
    next_after: int | None  # the id for "Next page", None on the last page
    previous_before: int | None  # the id for "Previous page", None on the first page


def _visible(user: User, child_id: int) -> Child | None:
    """The child at a page's edge, only if `user` may see them: an id from the address that
    names someone else's child is ignored rather than used to position the page (that would
    tell where an unseen child's name falls)."""
    return db.session.scalar(select(Child).where(Child.id == child_id, access.child_filter(user)))


def search_words(typed: str | None) -> str:
    """A search as it is used and shown again: spaces collapsed, at most SEARCH_LONGEST."""
    return " ".join((typed or "").split())[:SEARCH_LONGEST].strip()


def _named(search: str) -> ColumnElement[bool]:
    """Every word of `search` is part of the child's first, preferred or last name, in any order
    ("maya kow" finds Maya Kowalska, "kowal" finds her too).

    The last name is compared as filed (`Child.sort_name`, worked out in Python the same for
    both databases): without case, accents, spaces or punctuation, so "kowalská", "de souza"
    and "obrien" find "Kowalska", "de Souza" and "O'Brien". The first and preferred names have
    no filed form: they are compared without case by the database (ILIKE on PostgreSQL, for
    every letter; SQLite's lower() folds A to Z only, so there "élodie" does not find
    "Élodie", though "Élodie" does). A % or _ typed is a letter, not a wildcard."""
    words = []
    for word in search.split():
        either = [
            Child.first_name.icontains(word, autoescape=True),
            Child.preferred_name.icontains(word, autoescape=True),
        ]
        filed = sort_name_of(word)
        if filed:  # a word of punctuation only is in no filed name
            either.append(Child.sort_name.contains(filed, autoescape=True))
        words.append(or_(*either))
    return and_(*words)


def children_page(
    user: User,
    *,
    after: int | None = None,
    before: int | None = None,
    letter: str | None = None,
    search: str = "",
) -> ChildrenPage:
    """One page of the children `user` may see, by name; only those `search` names, if given
    (search_words: the view passes it already tidied)."""
    seen = access.child_filter(user)
    if search:
        seen = and_(seen, _named(search))
    query = select(Child).where(seen)
    edge = _visible(user, after or before or 0) if (after or before) else None
    backwards = edge is not None and before is not None and not after
    if edge is not None:
        key = tuple_(*_KEY)
        mark = tuple_(edge.sort_name, edge.first_name, edge.id)
        query = query.where(key < mark if backwards else key > mark)
    elif letter in LETTERS:
        query = query.where(Child.sort_name >= letter.lower())  # filed names are lower case
    if backwards:
        query = query.order_by(*(column.desc() for column in _KEY))
    else:
        query = query.order_by(*_KEY)
    rows = list(db.session.scalars(query.limit(PER_PAGE + 1)))
    more = len(rows) > PER_PAGE
    children = rows[:PER_PAGE]
    if backwards:
        children.reverse()
        # Going back from a page always leaves one after it; one before only if there were more.
        has_previous, has_next = more, True
    elif edge is not None:
        has_previous, has_next = True, more  # the child at the edge comes before this page
    elif letter in LETTERS and children:
        has_previous, has_next = _any_before(seen, children[0]), more
    else:
        has_previous, has_next = False, more
    return ChildrenPage(
        children=children,
        latest=latest_episodes(user, children),
        next_after=children[-1].id if children and has_next else None,
        previous_before=children[0].id if children and has_previous else None,
    )


def _any_before(seen: ColumnElement[bool], child: Child) -> bool:
    """Whether any child the page may list (`seen`: who the person may see, and the search)
    comes before `child`."""
    key = tuple_(*_KEY)
    mark = tuple_(child.sort_name, child.first_name, child.id)
    return db.session.scalar(select(Child.id).where(seen, key < mark).limit(1)) is not None


def latest_episodes(user: User, children: list[Child]) -> dict[int, Episode | None]:
    """Each child's latest episode that `user` may see (with its interviews), in one query
    however long their history: a window over the page's children only. Another team's return
    of the same child is left out before the window picks the latest, as the child's own page
    leaves it out (access.episode_filter): the list showed its date and its interview's status
    to people who get a 404 for it."""
    if not children:
        return {}
    newest = (
        select(
            Episode.id,
            func.row_number()
            .over(
                partition_by=Episode.child_id,
                order_by=(Episode.started_at.desc(), Episode.id.desc()),
            )
            .label("nth"),
        )
        .where(Episode.child_id.in_([child.id for child in children]), access.episode_filter(user))
        .subquery()
    )
    found = db.session.scalars(
        select(Episode)
        .join(newest, newest.c.id == Episode.id)
        .where(newest.c.nth == 1)
        .options(selectinload(Episode.interviews))
    )
    return {child.id: None for child in children} | {e.child_id: e for e in found}


def interview_words(episode: Episode, none_yet: str = NOT_YET_OFFERED) -> str:
    """What an "Interview" column says of a return (the children list, the child's episodes,
    the records behind a service figure). A return that has its outcome says the outcome in
    the episode page's words (`outcome_label`): its interview's status is where it stood
    before it ended ("Offered" behind "Decided not to interview"). Otherwise the interview's
    status; with no interview, "Still missing" while the child is not back (nothing can be
    offered yet), else `none_yet`."""
    interview = episode.interview
    if interview is not None and interview.outcome:
        return outcome_label(interview.outcome)
    if interview is not None:
        return status_label(interview.status, interview.offered_at is not None)
    if episode.returned_at is None:
        return STILL_MISSING
    return none_yet
