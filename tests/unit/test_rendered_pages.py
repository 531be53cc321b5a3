"""The feed's kept pages: made once per key, the least recently served dropped beyond the budget."""

from __future__ import annotations

from projections.feed_queries import RenderedPages


def test_a_page_is_made_once_per_key_and_served_again() -> None:
    pages = RenderedPages()
    made: list[str] = []

    def make() -> str:
        made.append("page")
        return '{"items":[],"next":null}'

    assert pages.served((7, False), make) == pages.served((7, False), make)
    assert pages.served((8, False), make)
    assert len(made) == 2


def test_beyond_the_budget_the_least_recently_served_page_goes_first() -> None:
    pages = RenderedPages(budget=10)
    pages.served("a", lambda: "aaaa")
    pages.served("b", lambda: "bbbb")
    pages.served("a", lambda: "never")
    pages.served("c", lambda: "cccc")

    assert pages.served("a", lambda: "again a") == "aaaa"
    assert pages.served("b", lambda: "again b") == "again b"


def test_a_page_larger_than_the_budget_is_served_and_not_kept() -> None:
    pages = RenderedPages(budget=3)

    assert pages.served("big", lambda: "abcdef") == "abcdef"
    assert pages.served("big", lambda: "made again") == "made again"
