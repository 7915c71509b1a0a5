"""What sign-in throttling remembers: recent wrong passwords, and where each person signed in.

Both are keyed by `email_key`, an HMAC of the email address typed (not a user id), so an email
that belongs to nobody is counted and refused exactly like a real one, and a copy of the table
does not list the addresses people typed. See rhi/auth/throttle.py for the rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from rhi.extensions import db


class SignInFailure(db.Model):
    """One wrong password (or unknown email) for an email, from an address, at a time."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_email_key_at", "email_key", "at"),
        Index("ix_sign_in_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(index=True)


class SignInAddress(db.Model):
    """An address someone signed in from with this email, and when they last did."""

    __tablename__ = "sign_in_addresses"

    email_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)
    last_signed_in_at: Mapped[datetime] = mapped_column(index=True)
