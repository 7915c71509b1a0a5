"""Teams, users and their server-side sessions."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.naming import interview_name


class Role(enum.StrEnum):
    WORKER = "worker"
    SOCIAL_WORKER = "social_worker"
    MANAGER = "manager"
    # A missing coordinator: records notifications, allocates, keeps children's records and
    # the standing profile; sees the team's returns and never an interview's content.
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "worker": f"{interview_name(capital=True)} worker",  # the council's own name
            "social_worker": "Social worker",
            "manager": "Manager",
            "coordinator": "Missing coordinator",
            "admin": "Administrator",
        }[self.value]


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Mixed into the key that encrypts this user's data on a tablet, so a copied disk cannot be
    # unlocked by trying every PIN: the server hands it over only to a signed-in session.
    # Made with the user, so that GET /sync/v1/session only reads.
    device_secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The second factor (rhi/auth/second_factor.py): the TOTP secret (base32), when it was
    # switched on (None: off), and the last 30-second step a code was accepted for, so that a
    # code seen over someone's shoulder cannot be used again.
    totp_secret: Mapped[str | None] = mapped_column(String(255))  # sealed: rhi/auth/sealed.py
    totp_enabled_at: Mapped[datetime | None] = mapped_column()
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    team: Mapped[Team | None] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def second_factor_on(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:  # never print the hash
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """A signed-in session kept on the server.

    The cookie holds a random token; only its SHA-256 is stored, so a copy of the database
    cannot be used to sign in. Deleting the row ends the session for real.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    data: Mapped[str] = mapped_column(default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    # Read with the row on every request (rhi/sessions.py), so Flask-Login's loader finds the
    # user without a query of its own.
    user: Mapped[User | None] = relationship()


class RecoveryCode(db.Model):
    """A one-time code for signing in without the phone, shown once when the second factor is
    switched on. The codes are random (50 bits each), so SHA-256 is enough to keep them."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()
