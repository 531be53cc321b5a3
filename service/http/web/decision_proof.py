"""Where a decision stands in the signed log, as its portal page tells a resident: signed when, cosigned by whom.

The page reads it in plain words ("Catatan ini tercatat di buku besar yang
ditandatangani pada …") and folds the position, hash and proof links under
technical details. Witnesses are named only once one has cosigned the
checkpoint that covers the decision.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode


def proof(item: dict[str, Any], checkpoint: dict[str, Any] | None) -> dict[str, Any] | None:
    """Where a decision stands in the signed log: its position and hash, when the checkpoint that includes it was
    signed and which witnesses cosigned it, and the address of its inclusion proof (None in `url` while no
    checkpoint covers it yet; None when not in the log)."""
    position = item.get("log_position")
    if not isinstance(position, int):
        return None
    tree_size = checkpoint.get("tree_size") if checkpoint else None
    # Positions start at 1 and a leaf never comes after its position: covered once the tree is that large.
    covered = checkpoint is not None and isinstance(tree_size, int) and position <= tree_size
    url = f"/api/v1/audit/proofs/inclusion?{urlencode({'position': position, 'tree_size': tree_size})}"
    cosigned = (checkpoint.get("cosignatures") or []) if covered and checkpoint else []
    return {
        "position": position,
        "event_hash": item.get("event_hash"),
        "tree_size": tree_size if covered else None,
        "signed_at": checkpoint.get("signed_at") if covered and checkpoint else None,
        "witnesses": sorted({str(cosignature["witness"]) for cosignature in cosigned}),
        "url": url if covered else None,
        "checkpoint_url": "/api/v1/audit/checkpoints/latest",
    }
