"""The HTTP API under /api/v1: one module per resource, each with a flask-smorest Blueprint `blp`."""
