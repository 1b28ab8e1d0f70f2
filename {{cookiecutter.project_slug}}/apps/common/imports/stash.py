"""An upload kept between the admin's preview and its confirm, on this host's temporary disk.

The preview reads the file and shows what importing it would do; the confirm imports that same
file, so it is kept under an unguessable name in a folder of its user's, and deleted by the
confirm. A user has one preview waiting at most: a new one replaces it, so files of previews
nobody confirmed do not pile up. A name that is not the user's, or is gone, is an error asking
for the file again.
"""

import re
import secrets
import tempfile
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .errors import ImportFileError
from .reading import file_format_of

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}\.(csv|xlsx)")


def _folder(user_id: int) -> Path:
    return Path(tempfile.gettempdir()) / "admin-imports" / str(int(user_id))


def stash_upload(file: IO[bytes], *, name: str, user_id: int) -> str:
    """Keep `file`; returns the token that names it (its format's extension included)."""
    token = f"{secrets.token_urlsafe(24)}.{file_format_of(name)}"
    folder = _folder(user_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for earlier in folder.iterdir():
        earlier.unlink(missing_ok=True)
    file.seek(0)
    with (folder / token).open("wb") as kept:
        while chunk := file.read(1024 * 1024):
            kept.write(chunk)
    return token


def stashed_path(token: str, *, user_id: int) -> Path:
    path = _folder(user_id) / token
    if not _TOKEN.fullmatch(token) or not path.is_file():
        raise ImportFileError(_("This preview is no longer there; upload the file again."))
    return path


def stash_delete(token: str, *, user_id: int) -> None:
    if _TOKEN.fullmatch(token):
        (_folder(user_id) / token).unlink(missing_ok=True)
