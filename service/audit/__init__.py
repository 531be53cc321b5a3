"""Audit integrity: the hash chain over stored events, signed checkpoints, the verifier and the export.

The encoding every hash is computed over is documented in docs/audit-format.md,
precisely enough for an independent program to recompute it.
"""
