"""Mufakat's service: the application (use cases), the HTTP API, auth and the command line."""

from service.web import create_app

__all__ = ["create_app"]
