"""Player addresses: a signed token names the user, lesson and activity, so the player's files can be served from
a cookieless origin and still only to people allowed to see the lesson."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "h5p.player"
DAY = 86400


@dataclass(frozen=True)
class Grant:
    user_id: int
    lesson_id: int
    block_id: str


def player_token(*, user_id: int, lesson_id: int, block_id: str, now: float | None = None) -> str:
    """The same token all day for the same activity (so the browser may cache its files); valid until the next
    day ends."""
    day = int((now or time.time()) // DAY)
    # A plain Signer: signing.dumps() would add a per-second timestamp and change the address every second.
    return signing.Signer(salt=SALT).sign_object([user_id, lesson_id, block_id, day])


def grant_read(token: str, *, now: float | None = None) -> Grant | None:
    try:
        user_id, lesson_id, block_id, day = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if int((now or time.time()) // DAY) - day > 1:
        return None
    return Grant(user_id=int(user_id), lesson_id=int(lesson_id), block_id=str(block_id))


def player_origin() -> str:
    """The origin the player frame is served from ("" = the platform's own)."""
    return settings.H5P_PLAYER_ORIGIN


def site_origin() -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def core_translations() -> dict:
    """H5P core's own interface texts that learners can meet (full screen, dialogs, offline retry), in the active
    language; the content's texts come from its author."""
    from django.utils.translation import gettext as _

    return {"H5P": {
        "fullscreen": _("Fullscreen"),
        "disableFullscreen": _("Exit fullscreen"),
        "contentChanged": _("This content has changed since you last used it."),
        "startingOver": _("You'll be starting over."),
        "confirmDialogHeader": _("Confirm action"),
        "confirmDialogBody": _("Please confirm that you wish to proceed. This action is not reversible."),
        "cancelLabel": _("Cancel"),
        "confirmLabel": _("Confirm"),
        "offlineDialogHeader": _("Your connection to the server was lost"),
        "offlineDialogBody": _("We were unable to send information about your completion of this task. Please "
                               "check your internet connection."),
        "offlineDialogRetryMessage": _("Retrying in :num...."),
        "offlineDialogRetryButtonLabel": _("Retry now"),
        "offlineSuccessfulSubmit": _("Successfully submitted results."),
    }}
