"""Mufakat's service, in layers: `app` (use cases, access policy, receipts, idempotency), `adapters` (storage,
personal-data vault, transcodings), `audit` (hash chain, checkpoints, verification), `http` (the Flask app, its
blueprints and schemas) and `cli` (the command line). Dependencies point inward: http and cli use app; app uses
adapters and the domain.
"""
