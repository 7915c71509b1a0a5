"""The people of the load test (bench/load.py): locust users, each with its own signed-in session.

load.py fills PLAN (who signs in as whom, with which interview or uploads) and the counts
(`fixed_count`), then runs locust with these classes. Every request is named by its kind
("page: returns", "autosave", "upload", ...), so locust's figures come out per kind. A request
counts as an error when the answer is not the one a person would get (a page that is not 200, a
save that was not saved, an upload outcome that is not `created`); a sign-in that fails stops
that user and is noted in BROKEN, which makes the run fail.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import gevent
import pyotp
from locust import HttpUser, between, constant, task
from locust.exception import StopUser

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SECTIONS = ("before", "away", "after", "help", "own_words", "analysis")  # rhi/prompts/bank.py
MANAGER_PAGES = (
    ("/returns", "page: returns (manager)"),
    ("/service", "page: service"),
    ("/service/repeats", "page: service repeats"),
    ("/children", "page: children"),
)
MAX_WORDS = 300  # a section grows to about this long, then the worker moves to the next one


@dataclass
class Plan:
    """What each simulated person works with, filled by load.py from the seeded database."""

    password: str = ""
    workers: list[dict[str, Any]] = field(default_factory=list)
    tablets: list[dict[str, Any]] = field(default_factory=list)
    managers: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    tablet_window: float = 0.0  # tablets come back into signal at random within this many s


PLAN = Plan()
BROKEN: list[str] = []  # sign-ins that failed: the run exits non-zero


def _token(text: str) -> str | None:
    found = CSRF.search(text)
    return found.group(1) if found else None


class Person(HttpUser):
    """A browser or a tablet: our own self-signed certificate, the production Origin/Referer."""

    abstract = True

    def change_headers(self, token: str, referer: str) -> dict[str, str]:
        return {"X-CSRFToken": token, "Origin": self.host, "Referer": self.host + referer}

    def sign_in(self, email: str, totp_secret: str | None = None) -> None:
        """Password, then (managers, in production) the code from the authenticator app."""
        self.client.verify = False  # the certificate two_servers.py made for this run
        page = self.client.get("/sign-in", name="sign-in", allow_redirects=False)
        token = _token(page.text)
        if page.status_code != 200 or token is None:
            self._broken(email, f"GET /sign-in answered {page.status_code}")
        answer = self.client.post(
            "/sign-in",
            data={"csrf_token": token, "email": email, "password": PLAN.password},
            headers={"Origin": self.host, "Referer": self.host + "/sign-in"},
            name="sign-in",
            allow_redirects=False,
        )
        where = answer.headers.get("Location", "")
        if answer.status_code != 302 or ("/sign-in" in where and not totp_secret):
            self._broken(email, f"POST /sign-in answered {answer.status_code} to {where!r}")
        if totp_secret is None:
            return
        if not where.endswith("/sign-in/code"):
            self._broken(email, f"no second step after the password, but {where!r}")
        page = self.client.get("/sign-in/code", name="sign-in", allow_redirects=False)
        token = _token(page.text)
        if page.status_code != 200 or token is None:
            self._broken(email, f"GET /sign-in/code answered {page.status_code}")
        answer = self.client.post(
            "/sign-in/code",
            data={"csrf_token": token, "code": pyotp.TOTP(totp_secret).now()},
            headers={"Origin": self.host, "Referer": self.host + "/sign-in/code"},
            name="sign-in",
            allow_redirects=False,
        )
        where = answer.headers.get("Location", "")
        if answer.status_code != 302 or "/sign-in" in where:
            self._broken(email, f"POST /sign-in/code answered {answer.status_code} to {where!r}")

    def _broken(self, email: str, why: str) -> None:
        BROKEN.append(f"{email}: {why}")
        raise StopUser()

    def page(self, path: str, name: str) -> str | None:
        """A page as a signed-in browser asks for it: 200, or an error (a redirect to the
        sign-in page would be one too: the session was lost)."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} for {path}")
                return None
            return answer.text


class Worker(Person):
    """Signs in once, then goes round: the Returns page, the return's page, a page of the
    interview, and two autosaves of the section being written, 5-15 s apart."""

    fixed_count = 0
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.me = PLAN.workers.pop()
        self.sign_in(self.me["email"])
        self.rng = random.Random(self.me["interview"])
        self.step = 0
        self.section = 0
        self.texts: dict[str, str] = {}  # what the server holds in each field we wrote
        self.token: str | None = None

    @task
    def next_step(self) -> None:
        steps = (self.returns, self.episode, self.interview_page, self.autosave, self.autosave)
        steps[self.step % len(steps)]()
        self.step += 1

    def returns(self) -> None:
        self.page("/returns", "page: returns")

    def episode(self) -> None:
        self.page(f"/episodes/{self.me['episode_id']}", "page: episode")

    def interview_page(self) -> None:
        section = SECTIONS[self.section % len(SECTIONS)]
        text = self.page(f"/interviews/{self.me['interview']}/{section}", "page: interview")
        if text is not None:
            self.token = _token(text) or self.token

    def autosave(self) -> None:
        """One field as htmx sends it when the worker pauses typing: the words, the words the
        page last had (o:, so a change made elsewhere is a conflict, not overwritten)."""
        if self.token is None:
            return  # the interview page has not loaded: no form to type in
        section = SECTIONS[self.section % len(SECTIONS)]
        path = f"sections.{section}.text"
        before = self.texts.get(path, "")
        words = f"{before} {self.rng.choice(PLAN.sentences)}".strip()
        page = f"/interviews/{self.me['interview']}/{section}"
        with self.client.post(
            f"/interviews/{self.me['interview']}/save",
            data={f"f:{path}": words, f"o:{path}": before, "page": section},
            headers={"HX-Request": "true", **self.change_headers(self.token, page)},
            name="autosave",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"autosave answered {answer.status_code}")
                return
        self.texts[path] = words
        if len(words.split()) > MAX_WORDS:
            self.section += 1


class Tablet(Person):
    """Signs in, comes back into signal at a random moment, sends its queued interviews as the
    tablet does (GET /sync/v1/session, then batches of the session's max_items, each with an
    Idempotency-Key made from the body), then idles."""

    fixed_count = 0
    wait_time = constant(30)

    def on_start(self) -> None:
        self.me = PLAN.tablets.pop()
        self.sign_in(self.me["email"])
        self.sent = False
        self.device = uuid.uuid4().hex

    @task
    def send(self) -> None:
        if self.sent:
            return  # idle: nothing left on the tablet
        self.sent = True
        gevent.sleep(random.uniform(0, PLAN.tablet_window))
        items = self.me["items"]
        with self.client.get(
            "/sync/v1/session", name="sync session", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"session answered {answer.status_code}")
                return
            info = answer.json()
        size = int(info["limits"]["max_items"])
        for start in range(0, len(items), size):
            body = json.dumps(
                {"items": items[start : start + size], "device_id": self.device},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            key = "rhi-" + hashlib.sha256(body.encode()).hexdigest()[:48]
            with self.client.post(
                "/sync/v1/interviews",
                data=body.encode(),
                headers={
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                    **self.change_headers(info["csrf_token"], "/returns"),
                },
                name="upload",
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                if answer.status_code != 200:
                    answer.failure(f"upload answered {answer.status_code}")
                    continue
                outcomes = [r.get("outcome") for r in answer.json()["results"]]
                if outcomes != ["created"] * (len(items[start : start + size])):
                    answer.failure(f"upload outcomes {sorted(set(map(str, outcomes)))}")


class Manager(Person):
    """Signs in with the second factor (production asks it of managers), then goes round the
    Returns page, the service page, repeat missing and the children list, 5-15 s apart."""

    fixed_count = 0
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.me = PLAN.managers.pop()
        self.sign_in(self.me["email"], self.me["totp_secret"])
        self.step = random.randrange(len(MANAGER_PAGES))

    @task
    def next_page(self) -> None:
        path, name = MANAGER_PAGES[self.step % len(MANAGER_PAGES)]
        self.page(path, name)
        self.step += 1
