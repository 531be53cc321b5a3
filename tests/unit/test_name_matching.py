"""How a registered name is found in a statement (`service.app.name_matching`): whole words, any case and
accent, without honorifics; common words only after an honorific; short parts never."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.process import Process
from service.app.name_matching import NameParts, names_someone, words_of
from service.app.statement_names import StatementNames, StatementNamesAParticipant

from .builders import FACILITATOR, moment, open_process


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


# --- the register a worker keeps (`service.app.statement_names`) ----------------------------------------------


class Register:
    """The names behind a process's register, counting how often one is opened (a key read and a decryption)."""

    def __init__(self) -> None:
        self.names: dict[UUID, str] = {}
        self.opened: list[UUID] = []

    def enrol(self, process: Process, name: str) -> UUID:
        participant_id = uuid4()
        self.names[participant_id] = name
        process.enrol_participant(participant_id, "resident", None, FACILITATOR, occurred_at=moment())
        return participant_id

    def name_of(self, participant_id: UUID) -> str | None:
        self.opened.append(participant_id)
        return self.names.get(participant_id)


def test_a_worker_opens_each_name_once_and_follows_the_register_as_it_grows_and_forgets() -> None:
    process, register = open_process(), Register()
    siti = register.enrol(process, "Ibu Siti Aminah")
    register.enrol(process, "Pak Budi Santoso")
    checker = StatementNames(register.name_of)

    for _ in range(3):
        with pytest.raises(StatementNamesAParticipant) as refused:
            checker.ensure_unnamed(process, False, text="Bu Siti setuju.", reason="Jalan rusak.")
        assert refused.value.fields == ["text"] and "Siti" not in str(refused.value)
    assert len(register.opened) == 2  # once each, however many statements follow

    made = register.enrol(process, "Made Wirawan")
    with pytest.raises(StatementNamesAParticipant):
        checker.ensure_unnamed(process, False, note="Pak Made menolak.")
    assert register.opened[2:] == [made]  # only the newcomer was opened

    process.note_participant_forgotten(siti, FACILITATOR, occurred_at=moment())
    checker.ensure_unnamed(process, False, text="Bu Siti setuju.")  # forgotten: no longer known, nor matched
    assert len(register.opened) == 3


def test_names_said_to_be_public_are_not_looked_for() -> None:
    process, register = open_process(), Register()
    register.enrol(process, "Pak Budi Santoso")
    checker = StatementNames(register.name_of)

    checker.ensure_unnamed(process, True, rationale="Kepala Desa Budi Santoso menetapkan.")

    assert register.opened == []
