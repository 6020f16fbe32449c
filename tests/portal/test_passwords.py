"""Passwords: Argon2id at OWASP's minimum setting; PBKDF2 hashes still sign in and are
re-hashed with Argon2id then (the other tests use a fast hasher)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import make_password
from django.test import override_settings

PRODUCTION = [
    "csww_portal.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=PRODUCTION)
def test_new_passwords_are_argon2id_and_old_pbkdf2_ones_are_upgraded(db: Any) -> None:
    model = get_user_model()
    fresh = model.objects.create_user(username="fresh", password="a long passphrase 1")
    assert fresh.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    old = model.objects.create(
        username="old", password=make_password("a long passphrase 2", hasher="pbkdf2_sha256")
    )
    assert old.password.startswith("pbkdf2_sha256$")
    assert authenticate(username="old", password="a long passphrase 2") is not None
    old.refresh_from_db()
    assert old.password.startswith("argon2$argon2id$")
    assert authenticate(username="old", password="wrong") is None
