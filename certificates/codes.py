"""Verification codes: 12 characters of Crockford's base32 (60 random bits), typed by people from paper.

Crockford's alphabet has no I, L, O or U, so a reader cannot confuse 1/I/L or 0/O; typed codes are normalised
back (case, spaces, dashes, and those look-alike letters).
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(typed: str) -> str | None:
    """The code a person meant, or None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_LOOK_ALIKES)
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def code_display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
