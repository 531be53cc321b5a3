"""Marshmallow schemas of the API's requests and resources (examples in Bahasa Indonesia)."""
