"""Sign-in throttling by account *and* address, so that nobody can lock a worker out.

Three rules, each "N wrong passwords within M minutes pause for M minutes from the Nth":

- **pair**: one email from one address (`RHI_LOCKOUT_ATTEMPTS` in `RHI_LOCKOUT_MINUTES`, 5 in
  15). Pauses only that address for that email.
- **account**: one email from every address together (`RHI_ACCOUNT_ATTEMPTS` in
  `RHI_ACCOUNT_MINUTES`, 10 in 5: the Cyber Essentials limit). Pauses that email from addresses
  it has not signed in from recently; its own recent addresses still get through, each subject
  to its pair rule.
- **address**: one address across every email (`RHI_ADDRESS_ATTEMPTS` in
  `RHI_LOCKOUT_MINUTES`), against password spraying. Pauses that address for emails that have
  not signed in from it recently.

"Recently" is `RHI_KNOWN_ADDRESS_DAYS` (30). Everything is keyed by an HMAC of the email typed,
never by a user id: an email that belongs to nobody is counted and paused exactly like a real
one, and the view spends the same time on both (see rhi/auth/views.py), so neither the answer
nor its timing tells which emails exist. Refused attempts are not counted, so a pause always
ends on time.

`paused_until` and `decide` are pure functions of times, tested without a database.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_login import current_user
from sqlalchemy import delete, or_, select

from rhi.extensions import db
from rhi.models.throttle import SignInAddress, SignInFailure


@dataclass(frozen=True)
class Limits:
    pair_attempts: int = 5
    pair_window: timedelta = timedelta(minutes=15)
    account_attempts: int = 10
    account_window: timedelta = timedelta(minutes=5)
    address_attempts: int = 30
    known_for: timedelta = timedelta(days=30)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            pair_attempts=config["RHI_LOCKOUT_ATTEMPTS"],
            pair_window=timedelta(minutes=config["RHI_LOCKOUT_MINUTES"]),
            account_attempts=config.get("RHI_ACCOUNT_ATTEMPTS", 10),
            account_window=timedelta(minutes=config.get("RHI_ACCOUNT_MINUTES", 5)),
            address_attempts=config.get("RHI_ADDRESS_ATTEMPTS", 30),
            known_for=timedelta(days=config.get("RHI_KNOWN_ADDRESS_DAYS", 30)),
        )

    @property
    def keep_failures_for(self) -> timedelta:
        """Failures older than this can no longer pause anything (a run plus its pause)."""
        return 2 * max(self.pair_window, self.account_window)


def email_key(email: str, secret: str | bytes) -> str:
    """The key an email is counted under: the same for every spelling of its case."""
    key = secret.encode() if isinstance(secret, str) else secret
    normalised = email.strip().lower().encode()
    return hmac.new(key, b"rhi.sign-in\x00" + normalised, hashlib.sha256).hexdigest()


def address_key(remote_addr: str | None) -> str:
    """The address failures are counted under: an IPv4 address, or an IPv6 address's /64.

    One household, phone or server usually holds a whole IPv6 /64, so counting each of its
    addresses apart would let anyone with one step around every per-address rule (and a phone
    that changes address within its /64 would stop being recognised).
    """
    try:
        ip = ipaddress.ip_address((remote_addr or "").strip())
    except ValueError:
        return (remote_addr or "unknown")[:45]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def paused_until(
    times: Iterable[datetime], attempts: int, window: timedelta, now: datetime
) -> datetime | None:
    """When a pause ends, if `attempts` of `times` fell within `window` and the last of them
    was less than `window` ago; otherwise None."""
    ordered = sorted(times)
    until = None
    for last in range(attempts - 1, len(ordered)):
        first = last - attempts + 1
        if ordered[last] - ordered[first] < window:
            end = ordered[last] + window
            if end > now and (until is None or end > until):
                until = end
    return until


def decide(
    now: datetime,
    *,
    pair: Iterable[datetime],
    account: Iterable[datetime],
    address: Iterable[datetime],
    known_address: bool,
    limits: Limits,
) -> datetime | None:
    """Until when an attempt is refused, or None to let it be checked.

    `pair`: failure times for this email from this address; `account`: for this email from any
    address; `address`: from this address for any email; `known_address`: this email signed in
    from this address recently.
    """
    ends = [paused_until(pair, limits.pair_attempts, limits.pair_window, now)]
    if not known_address:
        ends.append(paused_until(account, limits.account_attempts, limits.account_window, now))
        ends.append(paused_until(address, limits.address_attempts, limits.pair_window, now))
    found = [end for end in ends if end is not None]
    return max(found) if found else None


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: who was named, from where, when."""

    key: str
    address: str
    now: datetime
    limits: Limits

    def refused_until(self) -> datetime | None:
        """Read what is remembered (the same queries whether or not the email exists)."""
        since = self.now - self.limits.keep_failures_for
        rows = db.session.execute(
            select(SignInFailure.email_key, SignInFailure.address, SignInFailure.at).where(
                SignInFailure.at > since,
                or_(SignInFailure.email_key == self.key, SignInFailure.address == self.address),
            )
        ).all()
        pair = [at for key, address, at in rows if key == self.key and address == self.address]
        account = [at for key, _, at in rows if key == self.key]
        address = [at for _, address, at in rows if address == self.address]
        seen = db.session.get(SignInAddress, (self.key, self.address))
        known = seen is not None and seen.last_signed_in_at > self.now - self.limits.known_for
        return decide(
            self.now,
            pair=pair,
            account=account,
            address=address,
            known_address=known,
            limits=self.limits,
        )

    def note_failure(self) -> None:
        db.session.add(SignInFailure(email_key=self.key, address=self.address, at=self.now))

    def note_success(self) -> None:
        """This address is now one of the account's own; its own failures are forgiven."""
        db.session.execute(
            delete(SignInFailure).where(
                SignInFailure.email_key == self.key, SignInFailure.address == self.address
            )
        )
        seen = db.session.get(SignInAddress, (self.key, self.address))
        if seen is None:
            db.session.add(
                SignInAddress(email_key=self.key, address=self.address, last_signed_in_at=self.now)
            )
        else:
            seen.last_signed_in_at = self.now


def purge(now: datetime, limits: Limits) -> tuple[int, int]:
    """Forget failures that can no longer pause anything and addresses no longer recent."""
    failures = db.session.execute(
        delete(SignInFailure).where(SignInFailure.at < now - limits.keep_failures_for)
    ).rowcount
    addresses = db.session.execute(
        delete(SignInAddress).where(SignInAddress.last_signed_in_at < now - limits.known_for)
    ).rowcount
    return failures, addresses


def sign_in_limit() -> str:
    """RHI_SIGN_IN_RATE_LIMIT: for sign-in, and for guesses at a password from a signed-in
    session (changing it, turning off the second factor), which are limited alike."""
    return str(current_app.config["RHI_SIGN_IN_RATE_LIMIT"])


def signed_in_key() -> str:
    """The rate limit's key for guesses from a signed-in session: the person, not the address."""
    return str(current_user.get_id())
