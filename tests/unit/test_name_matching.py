"""How a registered name is found in a statement (`service.app.name_matching`): whole words, any case and
accent, without honorifics; common words only after an honorific; short parts never."""

from __future__ import annotations

import pytest

from service.app.name_matching import NameParts, names_someone, words_of


def named(text: str, *register: str) -> bool:
    """Whether the text names someone of this register."""
    return names_someone(text, NameParts.of_names(NameParts.of_name(name) for name in register))


@pytest.mark.parametrize(
    "text",
    [
        "Pak Made menolak.",
        "made menolak",  # no honorific needed: "made" is no word of a statement
        "Usul I Made Wirawan diterima.",
        "Keberatan dari WIRAWAN.",
        "Keberatan dari Wirawan, kelompok penyandang disabilitas.",
    ],
)
def test_any_part_of_a_name_names_the_participant(text: str) -> None:
    assert named(text, "I Made Wirawan")


def test_honorifics_of_the_registered_name_are_not_parts_of_it() -> None:
    assert NameParts.of_name("Hj. Nurhayati Rahmawati") == NameParts(frozenset({"nurhayati", "rahmawati"}))
    assert not named("Pak Kepala Desa dan Bu Camat hadir.", "Pak Bambang", "Bu Hj. Nurhayati")


def test_accents_case_and_apostrophes_do_not_hide_a_name() -> None:
    assert named("renee setuju", "Renée Siregar")
    assert named("Usul dari Bu Maruf.", "Ma'ruf Hasan")
    assert named("Usul dari Bu Ma\u2019ruf.", "Ma'ruf Hasan")
    assert words_of("Ma\u2019ruf, AMÍN-nya") == ["maruf", "amin", "nya"]


def test_a_part_is_matched_as_a_whole_word_only() -> None:
    assert not named("Jembatan Madeira dan Agustus.", "Made Agus")
    assert not named("Wirawanto datang.", "Wirawan")


def test_a_part_that_is_a_common_word_names_only_after_an_honorific() -> None:
    register = ("Budi Santoso", "Ayu Lestari")
    assert not named("Budi daya ikan lele untuk lingkungan yang lestari.", *register)
    assert named("Pak Budi keberatan.", *register)
    assert named("Menurut mbak Lestari lokasinya rawan.", *register)
    assert named("Santoso keberatan.", *register)


def test_a_participant_named_like_the_village_refuses_no_statement_about_it() -> None:
    assert not named("Warga desa meminta jalan desa diperbaiki.", "Desa")
    assert named("Pak Desa meminta jalan diperbaiki.", "Desa")


def test_one_and_two_letter_parts_are_never_matched() -> None:
    assert NameParts.of_name("I Ni A") == NameParts()
    assert not named("I am here; A dan B setuju.", "I Ni A", "B")


def test_an_empty_register_names_nobody() -> None:
    assert not names_someone("Pak Made menolak.", NameParts())
