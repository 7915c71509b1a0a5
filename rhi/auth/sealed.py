"""Secrets kept in the database sealed (Fernet: AES-128-CBC with an HMAC-SHA256), so a copy of
the database alone (a backup, a leaked dump) cannot make anyone's second-factor codes.

The keys come from `RHI_DATA_KEYS`: Fernet keys separated by commas, the first used to seal and
every one tried to open, so a key can be replaced without a flag day: put the new key first and
keep the old one after it; each secret is sealed again with the new key when it is next used
(`reseal`, at each sign-in with it) or set. Without
it, one key is derived from the app's secret key (HKDF-SHA256), which keeps a one-command
install working; production sets its own (docs/deploy.md). With it, the derived key still
opens (never seals) what it sealed: an install that began without `RHI_DATA_KEYS` can set one
and nobody's codes stop (a probe: every manager's and administrator's did, and nothing gave the
derived key to keep after the new one); each sign-in seals the secret again with the new key.

Opening fails closed: a secret that no key opens gives None, and the caller refuses the code.
"""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

log = logging.getLogger(__name__)

_INFO = b"rhi sealed secrets v1"


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from the app's secret key, for installs that set no data key."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def keys_from(setting: str, secret_key: str) -> list[bytes]:
    """The keys in use: those in the setting, in order, or the one derived key."""
    keys = [k.strip().encode() for k in setting.split(",") if k.strip()]
    return keys or [derived_key(secret_key)]


def _fernet() -> MultiFernet:
    """The first key seals; every key opens, the derived one last (see the module's words)."""
    config = current_app.config
    keys = keys_from(config.get("RHI_DATA_KEYS", ""), config["SECRET_KEY"])
    derived = derived_key(config["SECRET_KEY"])
    return MultiFernet([Fernet(k) for k in [*keys, *([derived] if derived not in keys else [])]])


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str | None:
    """The text, or None when no key in use opens it (logged without the token)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        log.warning("a sealed secret could not be opened with the keys in RHI_DATA_KEYS")
        return None


def reseal(token: str) -> str:
    """The same secret sealed with the first key in use (for a token some key in use opens)."""
    return _fernet().rotate(token.encode()).decode()
