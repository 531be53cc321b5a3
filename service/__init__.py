"""Mufakat's service: the application (use cases), the HTTP API, auth and the command line.

`service.create_app` is imported on first use, so that importing a non-web
module of the package (storage, the application) does not load Flask.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from service.web import create_app

        return create_app
    raise AttributeError(name)
