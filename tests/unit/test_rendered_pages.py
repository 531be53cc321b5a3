"""The feed's kept pages: made once per question and log position, dropped when the log moves on or beyond
the budget (the least recently served first)."""

from __future__ import annotations

from projections.feed_queries import RenderedPages


def test_a_page_is_made_once_per_question_and_served_again_until_the_log_moves_on() -> None:
    pages = RenderedPages()
    made: list[str] = []

    def make() -> str:
        made.append("page")
        return '{"items":[],"next":null}'

    assert pages.served(7, ("first",), make) == pages.served(7, ("first",), make)
    assert len(made) == 1
    pages.served(8, ("first",), make)
    pages.served(8, ("first",), make)
    assert len(made) == 2


def test_a_reader_behind_the_newest_position_gets_a_page_made_for_it_and_not_kept() -> None:
    pages = RenderedPages()
    pages.served(9, ("first",), lambda: "at 9")

    assert pages.served(8, ("first",), lambda: "at 8") == "at 8"
    assert pages.served(9, ("first",), lambda: "again") == "at 9"


def test_beyond_the_budget_the_least_recently_served_page_goes_first_counting_what_it_was_asked_with() -> None:
    pages = RenderedPages(budget=3 * RenderedPages.KEY_COST)
    pages.served(1, "a", lambda: "aaaa")
    pages.served(1, "b", lambda: "bbbb")
    pages.served(1, "a", lambda: "never")
    pages.served(1, "c", lambda: "cccc")

    assert pages.served(1, "a", lambda: "again a") == "aaaa"
    assert pages.served(1, "b", lambda: "again b") == "again b"


def test_a_page_larger_than_the_budget_is_served_and_not_kept() -> None:
    pages = RenderedPages(budget=3)

    assert pages.served(1, "big", lambda: "abcdef") == "abcdef"
    assert pages.served(1, "big", lambda: "made again") == "made again"
