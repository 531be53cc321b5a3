"""The words of a berita acara in Bahasa Indonesia (default) and English, and how dates are written.

Words follow the glossary (docs: GLOSSARY.md) and projections/wording.py.
Dates are written out by hand, not through the locale, so that the bytes of a
PDF never depend on the machine that renders it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from projections.wording import group_name

LANGUAGES = ("id", "en")

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
#: Indonesia's three time zones, by their offset from UTC.
_ZONES = {timedelta(hours=7): "WIB", timedelta(hours=8): "WITA", timedelta(hours=9): "WIT"}

GENDERS = {
    "id": {"female": "perempuan", "male": "laki-laki", "undisclosed": "tidak disebutkan"},
    "en": {"female": "female", "male": "male", "undisclosed": "undisclosed"},
}

WORDS: dict[str, dict[str, str]] = {
    "id": {
        "title": "BERITA ACARA MUSYAWARAH",
        "title_training": "BERITA ACARA PELATIHAN",
        "title_fgd": "BERITA ACARA DISKUSI KELOMPOK TERARAH (FGD)",
        "title_monitoring": "BERITA ACARA RAPAT PEMANTAUAN",
        "title_other": "BERITA ACARA PERTEMUAN",
        "region_code": "Kode wilayah",
        "version_public": "Versi publik: tanpa nama; jumlah kecil disamarkan",
        "version_full": "Versi lengkap: memuat data pribadi (UU 27/2022 PDP), tidak untuk diumumkan",
        "agenda_intro": "dengan acara:",
        "mediation": "Sesi mediasi sengketa: {title}",
        "mediation_restricted": "Sesi mediasi suatu sengketa yang dibatasi (judul dan isinya tidak diumumkan)",
        "attendance": "KEHADIRAN",
        "invited": "Jumlah yang diundang",
        "present": "Jumlah yang hadir (dari yang diundang)",
        "walk_ins": "Hadir tanpa undangan (tidak dihitung untuk kuorum)",
        "people": "orang",
        "quorum": "Kuorum",
        "quorum_of_invited": "dari yang diundang, yaitu sedikitnya",
        "met": "terpenuhi",
        "not_met": "tidak terpenuhi",
        "by_group": "Kehadiran menurut kelompok",
        "by_gender": "Kehadiran menurut jenis kelamin",
        "group": "Kelompok",
        "gender": "Jenis kelamin",
        "count": "Jumlah",
        "attendance_list": "Daftar hadir",
        "number": "No.",
        "name": "Nama",
        "signature": "Tanda tangan",
        "deliberation": "PEMBAHASAN DAN KEPUTUSAN",
        "no_proposals": "Tidak ada usulan yang diputuskan dalam musyawarah ini.",
        "proposal": "Usulan",
        "text_as_decided": "Teks usulan yang diputuskan (versi {version}):",
        "objections": "Keberatan",
        "objection": "Keberatan",
        "blocking_objection": "Keberatan mendasar",
        "raised_by": "diajukan oleh",
        "participant_of_group": "peserta kelompok {group}",
        "a_participant": "seorang peserta",
        "unresolved": "belum diselesaikan",
        "addressed": "ditanggapi",
        "withdrawn": "dicabut",
        "overruled": "dikesampingkan",
        "checks": "Pengecekan mufakat",
        "consensus_rule": (
            "Aturan: mufakat tercapai bila tidak ada peserta yang menolak (blok), tidak ada keberatan mendasar "
            "yang belum diselesaikan, sedikitnya satu peserta setuju, dan kuorum terpenuhi."
        ),
        "agree": "setuju",
        "abstain": "abstain",
        "disagree": "tidak setuju",
        "block": "menolak (blok)",
        "reached": "mufakat tercapai",
        "not_reached": "mufakat tidak tercapai",
        "standing_objections": "keberatan mendasar belum diselesaikan",
        "quorum_failed": "kuorum tidak terpenuhi",
        "votes": "Pemungutan suara",
        "yes": "setuju",
        "no": "tidak setuju",
        "vote_rule_half": (
            "Aturan: usulan diterima apabila suara setuju lebih dari separuh jumlah suara setuju dan tidak setuju, "
            "dan kuorum terpenuhi; suara abstain tidak ikut dihitung."
        ),
        "vote_rule_share": (
            "Aturan: usulan diterima apabila suara setuju mencapai sekurang-kurangnya {share} dari jumlah suara "
            "setuju dan tidak setuju (dan lebih dari separuhnya), dan kuorum terpenuhi; suara abstain tidak ikut "
            "dihitung."
        ),
        "contributions": "Masukan peserta",
        "kind_support": "Dukungan",
        "kind_concern": "Kekhawatiran",
        "kind_question": "Pertanyaan",
        "kind_information": "Informasi",
        "from": "dari",
        "meeting_minutes": "NOTULEN RAPAT",
        "passed": "usulan diterima",
        "failed": "usulan tidak diterima",
        "decision": "Keputusan",
        "decision_adopted": "Usulan disepakati",
        "decision_adopted_vote": "Usulan diterima",
        "decision_rejected": "Usulan ditolak",
        "decision_deferred": "Usulan ditunda",
        "method_consensus": "melalui mufakat",
        "method_vote": "melalui pemungutan suara",
        "method_none": "(diputuskan tanpa mufakat atau pemungutan suara)",
        "undecided": "Belum diputuskan dalam musyawarah ini.",
        "rationale": "Alasan/pertimbangan",
        "dissent": "Catatan perbedaan pendapat",
        "commitments": "Tindak lanjut",
        "commitment": "Rencana tindak lanjut",
        "owner": "Penanggung jawab",
        "due": "Batas waktu",
        "notes": "CATATAN",
        "closing": "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.",
        "chair": "Pimpinan Rapat",
        "secretary": "Notulis",
        "signatories": "Yang menandatangani",
        "name_withheld": "(nama tidak dimuat dalam versi publik)",
        "signed_on_paper": "ditandatangani pada salinan kertas",
        "page": "Halaman {page} dari {pages}",
        "footer_hash": (
            "Dibuat dari log Mufakat sampai posisi {position}. SHA-256 berkas ini dicatat pada peristiwa "
            "penyegelan sesudah posisi itu (posisinya tidak dapat dimuat di berkas yang di-hash-nya)."
        ),
    },
    "en": {
        "title": "MINUTES OF THE MUSYAWARAH",
        "title_training": "MINUTES OF THE TRAINING",
        "title_fgd": "MINUTES OF THE FOCUS GROUP DISCUSSION (FGD)",
        "title_monitoring": "MINUTES OF THE MONITORING MEETING",
        "title_other": "MINUTES OF THE MEETING",
        "region_code": "Region code",
        "version_public": "Public version: no names; small counts hidden",
        "version_full": "Full version: holds personal data (Law 27/2022 PDP), not for publication",
        "agenda_intro": "with the agenda:",
        "mediation": "Mediation session of the dispute: {title}",
        "mediation_restricted": "Mediation session of a restricted dispute (its title and content are not published)",
        "attendance": "ATTENDANCE",
        "invited": "Invited",
        "present": "Present (of those invited)",
        "walk_ins": "Present without invitation (not counted towards quorum)",
        "people": "people",
        "quorum": "Quorum",
        "quorum_of_invited": "of those invited, that is at least",
        "met": "met",
        "not_met": "not met",
        "by_group": "Attendance by group",
        "by_gender": "Attendance by gender",
        "group": "Group",
        "gender": "Gender",
        "count": "Count",
        "attendance_list": "Attendance list",
        "number": "No.",
        "name": "Name",
        "signature": "Signature",
        "deliberation": "DELIBERATION AND DECISIONS",
        "no_proposals": "No proposal was decided at this musyawarah.",
        "proposal": "Proposal",
        "text_as_decided": "Text of the proposal as decided (version {version}):",
        "objections": "Objections",
        "objection": "Objection",
        "blocking_objection": "Blocking objection",
        "raised_by": "raised by",
        "participant_of_group": "a participant from the {group} group",
        "a_participant": "a participant",
        "unresolved": "unresolved",
        "addressed": "addressed",
        "withdrawn": "withdrawn",
        "overruled": "overruled",
        "checks": "Consensus checks",
        "consensus_rule": (
            "Rule: consensus is reached when nobody blocks, no blocking objection stands, "
            "at least one participant agrees, and the quorum is met."
        ),
        "agree": "agree",
        "abstain": "abstain",
        "disagree": "disagree",
        "block": "block",
        "reached": "consensus reached",
        "not_reached": "consensus not reached",
        "standing_objections": "blocking objection(s) unresolved",
        "quorum_failed": "quorum not met",
        "votes": "Votes",
        "yes": "yes",
        "no": "no",
        "vote_rule_half": (
            "Rule: the proposal passes when the yes ballots are more than half of the yes and no ballots and the "
            "quorum is met; abstentions are not counted."
        ),
        "vote_rule_share": (
            "Rule: the proposal passes when the yes ballots are at least {share} of the yes and no ballots (and more "
            "than half of them) and the quorum is met; abstentions are not counted."
        ),
        "contributions": "Contributions",
        "kind_support": "Support",
        "kind_concern": "Concern",
        "kind_question": "Question",
        "kind_information": "Information",
        "from": "from",
        "meeting_minutes": "MINUTES OF THE MEETING (NOTULEN)",
        "passed": "passed",
        "failed": "failed",
        "decision": "Decision",
        "decision_adopted": "Proposal adopted",
        "decision_rejected": "Proposal rejected",
        "decision_deferred": "Proposal deferred",
        "method_consensus": "by consensus",
        "method_vote": "by vote",
        "method_none": "(decided without consensus or vote)",
        "undecided": "Not decided at this musyawarah.",
        "rationale": "Rationale",
        "dissent": "Dissent on record",
        "commitments": "Follow-up",
        "commitment": "Action",
        "owner": "Owner",
        "due": "Due",
        "notes": "NOTES",
        "closing": "These minutes were drawn up truthfully, to be used as appropriate.",
        "chair": "Chair",
        "secretary": "Secretary",
        "signatories": "Signed by",
        "name_withheld": "(name left out of the public version)",
        "signed_on_paper": "signed on the paper copy",
        "page": "Page {page} of {pages}",
        "footer_hash": (
            "Made from Mufakat's log up to position {position}. This file's SHA-256 is recorded by the sealing "
            "event after that position (whose position cannot be printed in the file it hashes)."
        ),
    },
}


def zone_name(moment: datetime) -> str:
    """WIB, WITA or WIT for Indonesia's offsets, else the offset itself ("UTC+05:30")."""
    offset = moment.utcoffset() or timedelta(0)
    if offset in _ZONES:
        return _ZONES[offset]
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def written_date(day: date, language: str) -> str:
    """A date written out: "3 Maret 2025" / "3 March 2025"."""
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def opening_sentence(moment: datetime, place: str | None, meeting: str, process: str, language: str) -> str:
    """The sentence every berita acara opens with: day, date, time and place of the room."""
    day = _DAYS[language][moment.weekday()]
    when = written_date(moment, language)
    if language == "en":
        clock = f"{moment.hour:02d}:{moment.minute:02d} {zone_name(moment)}"
        where = f", at {place}" if place else ""
        agenda = WORDS["en"]["agenda_intro"]
        return f"On {day}, {when}, at {clock}{where}, the {meeting} of the {process} was held {agenda}"
    clock = f"{moment.hour:02d}.{moment.minute:02d} {zone_name(moment)}"
    where = f", bertempat di {place}" if place else ""
    return (
        f"Pada hari ini, {day}, tanggal {when}, pukul {clock}{where}, telah diselenggarakan {meeting} "
        f"dalam rangka {process} {WORDS['id']['agenda_intro']}"
    )


#: Shares a rule may set, as a secretary writes them ("dua pertiga"), with the fraction beside them.
_SHARES = {
    "id": {"2/3": "dua pertiga (2/3)", "3/4": "tiga perempat (3/4)", "3/5": "tiga perlima (3/5)", "1": "seluruh"},
    "en": {"2/3": "two thirds (2/3)", "3/4": "three quarters (3/4)", "3/5": "three fifths (3/5)", "1": "all"},
}


def vote_rule(threshold: str, language: str) -> str:
    """The rule a vote was held to, as one sentence of the berita acara (`threshold` a fraction: "1/2", "2/3")."""
    if threshold in ("1/2", "0.5"):
        return WORDS[language]["vote_rule_half"]
    share = _SHARES[language].get(threshold, threshold)
    return WORDS[language]["vote_rule_share"].format(share=share)


def group_word(group: str, language: str) -> str:
    """A group as readers call it (glossary words)."""
    return group_name(group, language)


def speaker_words(group: str | None, language: str) -> str:
    """Whoever spoke, as the public berita acara names them: by group, or "seorang peserta" when the group is
    withheld (None: fewer than 3 attendees share it, `projections.suppression.groups_that_may_be_named`)."""
    if group is None:
        return WORDS[language]["a_participant"]
    return WORDS[language]["participant_of_group"].format(group=group_word(group, language))


def gender_word(gender: str, language: str) -> str:
    """A gender as readers call it."""
    return GENDERS[language].get(gender, gender)
