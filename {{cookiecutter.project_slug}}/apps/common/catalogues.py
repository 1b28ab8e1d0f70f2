"""Gettext catalogues without GNU gettext: read a `.po`, compile it, read a `.mo`.

Enough of the formats for the project's own catalogues (contexts, plurals, flags, obsolete
entries): the suite checks every catalogue with it, and `make app` writes a new app's
compiled catalogue with it, so neither needs `msgfmt`. `make messages` still uses GNU gettext
to extract the strings from the code.
"""

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path

MO_MAGIC = 0x950412DE
CONTEXT_SEPARATOR = "\x04"  # between msgctxt and msgid in a compiled key
HEADER_SIZE = 7 * 4
# The header line msgfmt leaves out of the compiled header: it changes on every extraction.
POT_DATE = "POT-Creation-Date:"


@dataclass
class Entry:
    """One message of a `.po` file: `msgstr` holds one string, or one per plural form."""

    msgid: str = ""
    msgstr: list[str] = field(default_factory=list)
    context: str | None = None
    plural: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.context is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def read_po(path: Path) -> list[Entry]:
    return parse_po(path.read_text(encoding="utf-8"))


def parse_po(text: str) -> list[Entry]:
    """Every entry of a `.po` text, the header (`msgid ""`) first, obsolete ones (`#~`) marked."""
    entries: list[Entry] = []
    entry = Entry()
    keyword: str | None = None  # the keyword a continuation line ("...") adds to
    started = False
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            if started:
                entries.append(entry)
            entry, keyword, started = Entry(), None, False
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        started = True
        entry.obsolete = entry.obsolete or obsolete
        if line.startswith('"'):
            _append(entry, keyword, ast.literal_eval(line))
            continue
        keyword, _, value = line.partition(" ")
        _append(entry, keyword, ast.literal_eval(value), start=True)
    return entries


def _append(entry: Entry, keyword: str | None, text: str, *, start: bool = False) -> None:
    if keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.plural = (entry.plural or "") + text
    elif keyword == "msgctxt":
        entry.context = (entry.context or "") + text
    elif keyword is not None and keyword.startswith("msgstr"):
        if start:
            entry.msgstr.append("")
        entry.msgstr[-1] += text
    else:
        raise ValueError(f"Not a .po line: {keyword!r} {text!r}")


def compiled_messages(entries: list[Entry]) -> dict[bytes, bytes]:
    """What `msgfmt` puts in the `.mo`: the translated, not fuzzy, not obsolete entries."""
    messages = {}
    for entry in entries:
        if entry.obsolete or entry.fuzzy or not entry.translated:
            continue
        key = entry.msgid if entry.plural is None else f"{entry.msgid}\0{entry.plural}"
        if entry.context is not None:
            key = f"{entry.context}{CONTEXT_SEPARATOR}{key}"
        translations = entry.msgstr
        if entry.is_header:
            lines = translations[0].splitlines(keepends=True)
            translations = ["".join(line for line in lines if not line.startswith(POT_DATE))]
        messages[key.encode()] = "\0".join(translations).encode()
    return messages


def write_mo(messages: dict[bytes, bytes], path: Path) -> None:
    """A `.mo` file (GNU format, no hash table: gettext readers do not need one)."""
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\0"
        strs += messages[key] + b"\0"
    key_table = HEADER_SIZE
    value_table = key_table + 8 * len(keys)
    ids_start = value_table + 8 * len(keys)
    strs_start = ids_start + len(ids)
    table = [(length, ids_start + start) for start, length, _, _ in offsets]
    table += [(length, strs_start + start) for _, _, start, length in offsets]
    header = struct.pack("<7I", MO_MAGIC, 0, len(keys), key_table, value_table, 0, ids_start)
    body = b"".join(struct.pack("<2I", *pair) for pair in table)
    path.write_bytes(header + body + ids + strs)


def read_mo(path: Path) -> dict[bytes, bytes]:
    """The messages of a `.mo` file, by key, as `compiled_messages` gives them."""
    data = path.read_bytes()
    order = "<" if struct.unpack("<I", data[:4])[0] == MO_MAGIC else ">"
    _, _, count, key_table, value_table = struct.unpack(f"{order}5I", data[:20])

    def strings(table: int) -> list[bytes]:
        pairs = struct.iter_unpack(f"{order}2I", data[table : table + 8 * count])
        return [data[start : start + length] for length, start in pairs]

    return dict(zip(strings(key_table), strings(value_table), strict=True))
