"""Red team of issue 17, item 6: ways a registered name slipped past the statement check while every page still
showed it whole. A full name made only of common words, and a name with an invisible character inside it."""

from __future__ import annotations

import pytest

from service.app.name_matching import NameParts, names_someone


def named(text: str, *register: str) -> bool:
    """Whether the text names someone of this register."""
    return names_someone(text, NameParts.of_names(NameParts.of_name(name) for name in register))


@pytest.mark.parametrize(
    "text",
    [
        "Dewi Lestari menolak lokasi posyandu.",
        "Usul dari DEWI LESTARI diterima.",
        "Keberatan dewi lestari dicatat.",
    ],
)
def test_a_full_name_made_only_of_common_words_names_the_participant(text: str) -> None:
    # Both parts are common words (a goddess, "everlasting"), so neither alone names her without an honorific;
    # written out in full, in her name's order, the portal shows exactly who she is.
    assert named(text, "Mbak Dewi Lestari")


@pytest.mark.parametrize(
    "text",
    [
        "Dewi Sri, lambang kesuburan, dihormati petani.",
        "Hutan lestari, dewi penjaga desa.",  # both words, but not in a row
        "Lestari Dewi",  # not in her name's order: no name anyone is registered by
    ],
)
def test_common_words_of_a_name_apart_or_in_another_order_name_nobody(text: str) -> None:
    assert not named(text, "Mbak Dewi Lestari")


@pytest.mark.parametrize(
    "hidden",
    [
        "\u200b",  # zero-width space
        "\u00ad",  # soft hyphen
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # zero-width no-break space
    ],
)
def test_an_invisible_character_inside_a_name_does_not_hide_it(hidden: str) -> None:
    # The browser, the Atom reader and the PDF show "Made menolak": the check reads what they show.
    assert named(f"Ma{hidden}de menolak.", "I Made Wirawan")
    assert named(f"Bu Dewi{hidden} Lestari hadir.", "Mbak Dewi Lestari")
