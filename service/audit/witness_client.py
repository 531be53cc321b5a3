"""The witness a partner runs on its own machine (`mufakat witness`): check, then cosign, or refuse.

Each run fetches the log's newest checkpoint, checks the log's signature on it
with the log key the partner pinned, checks that it extends the last
checkpoint this witness cosigned (an RFC 9162 consistency proof, verified
here against the two signed roots, never trusting the server's numbers),
cosigns it (C2SP tlog-cosignature v1) and posts the cosignature back. It
refuses (`SplitView`) a checkpoint of the size it saw before with another
root, a smaller one than it saw, another origin, or one whose consistency
proof does not verify: the log showed different histories to different people.

The state directory holds the witness key (`witness.key`, mode 0600, made on
first use), its name (`name`) and the last checkpoint it cosigned
(`checkpoint.json`, replaced atomically after each check).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.audit.merkle import verify_consistency
from service.audit.note import (
    COSIGNATURE,
    NoteError,
    cosign,
    note_signed_by,
    parse_checkpoint_body,
    split_note,
    verifier_key,
)
from service.audit.signing import load_or_create_signing_key, public_key_text

Fetch = Callable[[str, dict[str, Any] | None], dict[str, Any]]


class SplitView(Exception):
    """The log showed this witness something inconsistent with what it saw before: refuse, say so."""


class WitnessError(Exception):
    """The check could not be done (log unreachable, bad answer, bad signature): nothing was cosigned."""


@dataclass(frozen=True)
class Cosigned:
    """What one run cosigned."""

    origin: str
    tree_size: int
    root_hash: str
    previous_size: int | None
    cosignature: str
    posted: bool


def api_base(url: str) -> str:
    """The log's API root from the URL the partner gave (with or without `/api/v1`)."""
    base = url.rstrip("/")
    return base if base.endswith("/api/v1") else base + "/api/v1"


def http_fetch(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET (or POST a JSON body to) a URL and return its JSON; a problem answer becomes WitnessError."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:500]
        raise WitnessError(f"{url} answered {error.code}: {detail}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise WitnessError(f"{url} could not be read: {error}") from None


class Witness:
    """One witness's key and memory, kept in a state directory."""

    def __init__(self, state: Path, name: str | None = None) -> None:
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.state = state
        self.key = load_or_create_signing_key(state / "witness.key")
        name_file = state / "name"
        if name_file.exists():
            stored = name_file.read_text(encoding="utf-8").strip()
            if name and name != stored:
                raise WitnessError(f"this state directory belongs to witness {stored!r}, not {name!r}")
            self.name = stored
        else:
            if not name:
                raise WitnessError("a new witness needs --name (a schema-less URL, say inspektorat.example.id/witness)")
            name_file.write_text(name + "\n", encoding="utf-8")
            self.name = name

    def verifier_key(self) -> str:
        """The vkey the log's operator adds to `MUFAKAT_WITNESSES` so the service accepts this witness."""
        return verifier_key(self.name, public_key_text(self.key), COSIGNATURE)

    def last(self) -> dict[str, Any] | None:
        """The last checkpoint this witness cosigned (origin, tree_size, root_hash, note), if any."""
        path = self.state / "checkpoint.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def _remember(self, seen: dict[str, Any]) -> None:
        path = self.state / "checkpoint.json"
        draft = path.with_suffix(".json.tmp")
        draft.write_text(json.dumps(seen, indent=2) + "\n", encoding="utf-8")
        os.replace(draft, path)

    def run(self, log_url: str, log_key: str, fetch: Fetch | None = None, post: bool = True) -> Cosigned:
        """Checks the log's newest checkpoint against what this witness saw, cosigns and posts it.

        `fetch` reads (and posts) JSON, `http_fetch` by default. Raises SplitView (refuse: the
        log is inconsistent) or WitnessError (could not check).
        """
        fetch = fetch or http_fetch
        base = api_base(log_url)
        latest = fetch(f"{base}/audit/checkpoints/latest", None)
        note = latest.get("note")
        if not isinstance(note, str) or note_signed_by(note, log_key) is None:
            raise WitnessError("the newest checkpoint is not a note signed by the log key you pinned")
        try:
            body_text = split_note(note)[0]
            body = parse_checkpoint_body(body_text)
        except NoteError as error:
            raise WitnessError(f"the newest checkpoint is malformed: {error}") from None
        last = self.last()
        previous_size: int | None = None
        if last is not None:
            previous_size = int(last["tree_size"])
            self._check_extends(base, last, body.origin, body.tree_size, body.root, fetch)
        if last is not None and last.get("posted") and previous_size == body.tree_size:
            return Cosigned(body.origin, body.tree_size, body.root.hex(), previous_size, last["cosignature"], False)
        line = cosign(body_text, self.name, self.key, int(time.time())).line()
        seen = {"origin": body.origin, "tree_size": body.tree_size, "root_hash": body.root.hex(), "note": note}
        self._remember({**seen, "cosignature": line, "posted": False})
        if not post:
            return Cosigned(body.origin, body.tree_size, body.root.hex(), previous_size, line, False)
        quoted = urllib.parse.quote(self.name, safe="/")
        fetch(f"{base}/audit/witnesses/{quoted}/cosignatures", {"checkpoint": note, "cosignature": line})
        self._remember({**seen, "cosignature": line, "posted": True})
        return Cosigned(body.origin, body.tree_size, body.root.hex(), previous_size, line, True)

    @staticmethod
    def _check_extends(base: str, last: dict[str, Any], origin: str, size: int, root: bytes, fetch: Fetch) -> None:
        old_size, old_root = int(last["tree_size"]), bytes.fromhex(last["root_hash"])
        if origin != last["origin"]:
            raise SplitView(f"the log's origin changed from {last['origin']!r} to {origin!r}")
        if size < old_size:
            raise SplitView(f"the log shows a checkpoint of {size} events after one of {old_size}: it went back")
        if size == old_size:
            if root != old_root:
                raise SplitView(
                    f"split view: two checkpoints of {size} events with different roots "
                    f"({old_root.hex()} cosigned before, {root.hex()} now)"
                )
            return
        answer = fetch(f"{base}/audit/proofs/consistency?first={old_size}&second={size}", None)
        try:
            proof = [bytes.fromhex(node) for node in answer.get("proof", [])]
        except (TypeError, ValueError):
            raise SplitView("the consistency proof is malformed") from None
        if not verify_consistency(old_size, size, old_root, root, proof):
            raise SplitView(
                f"the checkpoint of {size} events does not extend the one of {old_size} this witness cosigned: "
                "the consistency proof fails, the history was rewritten or forked"
            )
