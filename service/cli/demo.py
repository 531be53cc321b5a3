"""A sample process, recorded through the use cases: Musrenbang Desa Sukamaju 2027.

It shows every kind of step a facilitator records: a register of fourteen
participants from every group the Permendesa asks to invite, two meetings with
their attendance lists, and four proposals with four different endings:

- the village road, adopted by consensus after a blocking objection about
  wheelchair access was addressed by an amendment;
- the waste bank, adopted by vote after a consensus check failed on a block
  (its blocking objection overruled, as the rules allow);
- the village gate, rejected by a vote that failed (a minor objection withdrawn);
- the reservoir, deferred until a land survey is done;

and the programme cycle after the decisions (`AFTER_THE_DECISIONS`, October-November 2026): commitments on the two
adopted ones with objectives, indicators (unit, baseline, target) and budget; a CSR company and an NGO contributing
toward them; two monitoring rounds with the indicators' values and the money spent (the waste bank's commitment
still short of 100 percent when it falls due on 30 November: overdue); a community score card of the road at the
monitoring meeting; an anonymous complaint about cement missing from the village hall's store, reviewed, answered
and resolved; and the dispute over the embung's land (a village official's bengkok, parties named as groups and
organisations only), public but with its sessions' summaries sealed, mediated in two meetings with its issue and
options and ended by an agreement naming the commitment made on the land swap a Musdes khusus adopted.

Every step of the village's story carries `occurred_at`, from the kecamatan opening its Musrenbang in June 2026
to the score card on 26 November; only the berita acara are sealed when the demo runs.

The cycle starts before the proposals, with the needs and potential assessment (kajian): a focus group discussion
of the women's group and the fishers of the Serayu, and a transect walk from Dusun Krajan to Dusun Kidul with its
sketch attached as evidence. The proposals say which of its findings they answer (`addresses`); the women's need
for a lactation room and child care at the village hall stays unanswered, as the portal's "kebutuhan yang belum
terjawab" shows.

Then a second process shows what a truthful record of musyawarah needs: a Musdes
held on 5 September 2026 and typed in afterwards from its paper minutes (every
step carries `occurred_at`, when it happened in the room), under the `consent`
rule (mufakat with a dissent on record), with a withdrawn proposal, a mistyped
title corrected by an erratum, and a decision annulled by a Musdes khusus on
19 September and decided again on the amended text.

The people are invented; their names and contacts are sealed like any others.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from uuid import UUID

from PIL import Image, ImageDraw

from domain.rules import DecisionRules
from service.app.access import ANONYMOUS, Principal
from service.app.application import CommandContext, Mufakat, Receipt
from service.audit.signing import load_or_create_signing_key

PROCESS_TITLE = "Musrenbang Desa Sukamaju 2027"
MUSDES_TITLE = "Musyawarah Desa Sukamaju: Perubahan APBDes 2026"
WIB = timezone(timedelta(hours=7), "WIB")
REGION_CODE = "33.02.10.2001"
REGION_NAME = "Desa Sukamaju, Kabupaten Banyumas, Jawa Tengah"

# (key, name, group, gender, organisation, contact)
PARTICIPANTS: tuple[tuple[str, str, str, str | None, str | None, str | None], ...] = (
    ("kades", "Hj. Nurhayati Rahmawati", "government", "female", "Pemerintah Desa Sukamaju", "+62 812-2701-4410"),
    ("bpd", "Bambang Sugiarto", "government", "male", "BPD Sukamaju", "+62 813-2790-1187"),
    ("warga_krajan", "Sutrisno Hadi Prayitno", "resident", "male", "RT 03/RW 01 Dusun Krajan", None),
    ("warga_kidul", "Rahmat Hidayat", "resident", "male", "RT 02/RW 03 Dusun Kidul", "+62 857-1120-3345"),
    ("pkk", "Siti Aminah", "women", "female", "TP PKK Desa Sukamaju", "+62 821-3300-7812"),
    ("kwt", "Rina Kartika Sari", "women", "female", "Kelompok Wanita Tani Melati", None),
    ("karang_taruna", "Dimas Prasetyo", "youth", "male", "Karang Taruna Tunas Harapan", "+62 878-6011-2290"),
    ("pemudi", "Ayu Lestari", "youth", "female", "Karang Taruna Tunas Harapan", None),
    ("lansia", "Karsono Wiryodiharjo", "elderly", "male", "Posyandu Lansia Sejahtera", None),
    ("lansia_putri", "Suminah", "elderly", "female", None, None),
    ("difabel", "Agus Setiawan", "disability", "male", "Forum Difabel Desa Sukamaju", "+62 852-2988-0431"),
    ("rentan", "Joko Susilo", "vulnerable", "undisclosed", "Keluarga penerima PKH", None),
    ("lsm", "Wahyu Nugroho", "ngo", "male", "Yayasan Lingkar Desa Lestari", "wahyu@lingkardesa.example"),
    ("swasta", "Dewi Anggraini", "private", "female", "CV Sumber Tani Makmur", "+62 811-2605-7788"),
)


DEMO_AGENDA = (
    "Pembukaan dan pembacaan tata tertib musyawarah",
    "Pembahasan usulan prioritas RKP Desa 2027",
    "Penetapan tindak lanjut dan penandatanganan berita acara",
)
# (role, name) of those who signed the paper copy of each berita acara
DEMO_SIGNATORIES = (
    ("Kepala Desa Sukamaju", "Hj. Nurhayati Rahmawati"),
    ("Wakil masyarakat Dusun Krajan", "Sutrisno Hadi Prayitno"),
    ("Wakil kelompok perempuan (TP PKK)", "Siti Aminah"),
    ("Wakil penyandang disabilitas", "Agus Setiawan"),
)


@dataclass
class DemoRecord:
    """What the demo recorded: the ids a reader needs to look at it, and how many events it wrote."""

    process_id: UUID
    proposals: dict[str, UUID] = field(default_factory=dict)
    commitments: list[UUID] = field(default_factory=list)
    meetings: list[UUID] = field(default_factory=list)
    participants: dict[str, UUID] = field(default_factory=dict)
    musdes_process_id: UUID | None = None
    #: The ranking round of sesi 2 (the daftar prioritas against the pagu indikatif).
    ranking_id: UUID | None = None
    #: The Musrenbang chain: the kecamatan process, the neighbour village's, and the proposals on the way up.
    chain: dict[str, UUID] = field(default_factory=dict)
    events: int = 0
    #: The version of the programme report sealed at the end (when the demo seals documents at all).
    report: int | None = None
    assessments: list[UUID] = field(default_factory=list)
    #: The findings of the assessments by a short name ("air_sungai", "ruang_laktasi"...).
    findings: dict[str, UUID] = field(default_factory=dict)
    #: The meetings after the decisions (mediation, monitoring), each with its kind: "monitoring", "musyawarah".
    follow_up_meetings: dict[UUID, str] = field(default_factory=dict)
    #: The partners by a short name ("csr", "ngo").
    partners: dict[str, UUID] = field(default_factory=dict)
    #: The community score cards (evaluations) of commitments.
    evaluations: list[UUID] = field(default_factory=list)
    #: The complaints filed, with the tracking code each complainant was given.
    complaints: dict[UUID, str] = field(default_factory=dict)
    #: The disputes mediated, by a short name ("land").
    disputes: dict[str, UUID] = field(default_factory=dict)
    #: The trainings held (meetings of kind training), each with the evaluation its attendees gave it.
    trainings: dict[UUID, UUID] = field(default_factory=dict)
    #: The risks of the road's commitment by a short name ("hujan", "semen").
    risks: dict[str, UUID] = field(default_factory=dict)


class _Facilitator:
    """The demo's facilitator: one principal, refreshed once it holds the process it opened."""

    def __init__(self, ledger: Mufakat, secret: str) -> None:
        self.ledger = ledger
        self.secret = secret
        self.principal = self._authenticate()
        #: When the next step happened in the room (`occurred_at`); each step is a minute after the one before.
        self.moment: datetime | None = None

    def _authenticate(self) -> Principal:
        principal = self.ledger.tokens.authenticate(self.secret)
        if principal is None:
            raise ValueError("the demo facilitator's token does not authenticate")
        return principal

    def refresh(self) -> None:
        """Reads the token again, with the processes granted to it since."""
        self.principal = self._authenticate()

    def at(self, moment: datetime) -> None:
        """Turns the story's clock to when the next steps happened (they are typed in afterwards)."""
        self.moment = moment

    @property
    def context(self) -> CommandContext:
        """The context of one command by the facilitator, at the story's clock, which then moves on a minute."""
        if self.moment is None:
            return CommandContext(self.principal)
        occurred_at, self.moment = self.moment, self.moment + timedelta(minutes=1)
        return CommandContext(self.principal, occurred_at=occurred_at)


def wib(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A moment of the story in Western Indonesian Time, the village's own."""
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def part_of(receipt: Receipt) -> UUID:
    """The id of the part (objection, check, vote) a command created."""
    if receipt.part_id is None:
        raise ValueError(f"the command on {receipt.kind} {receipt.id} created no part")
    return receipt.part_id


#: The findings of the demo's assessments: (key, kind, title, description, sector, location, groups).
FGD_FINDINGS: tuple[tuple[str, str, str, str, str, dict[str, str], list[str]], ...] = (
    (
        "jalan_posyandu",
        "need",
        "Jalan ke posyandu tidak bisa dilalui saat hujan",
        "Ibu hamil dan lansia harus digotong atau menunggu jalan kering untuk sampai ke posyandu Dusun Krajan.",
        "2.3",
        {"dusun": "Krajan", "rw": "01"},
        ["women", "elderly"],
    ),
    (
        "sampah_sungai",
        "need",
        "Sampah rumah tangga dibuang ke Sungai Serayu",
        "Tidak ada tempat pembuangan sampah; nelayan mendapati jaring penuh plastik dan tangkapan ikan menurun.",
        "2.5",
        {"dusun": "Kidul"},
        ["women", "resident"],
    ),
    (
        "ruang_laktasi",
        "need",
        "Ruang laktasi dan penitipan anak di balai desa",
        "Ibu-ibu yang menyusui tidak bisa ikut musyawarah atau pelatihan di balai desa karena tidak ada ruang "
        "menyusui dan tidak ada yang menjaga anak.",
        "2.2",
        {"dusun": "Krajan", "rw": "01", "rt": "02"},
        ["women"],
    ),
    (
        "kompos_kwt",
        "potential",
        "Kelompok wanita tani sudah mengolah sampah organik menjadi kompos",
        "Dua puluh anggota KWT terlatih membuat kompos; hasilnya dipakai di kebun sayur pekarangan.",
        "4",
        {"dusun": "Kidul"},
        ["women"],
    ),
)
TRANSECT_FINDINGS: tuple[tuple[str, str, str, str, str, dict[str, str], list[str]], ...] = (
    (
        "jalan_tanah",
        "need",
        "Jalan tanah 450 m di Dusun Krajan rusak dan licin saat hujan",
        "Tidak ada saluran air di tepi jalan; kursi roda tidak bisa lewat.",
        "2.3",
        {"dusun": "Krajan", "rw": "01"},
        ["resident", "disability"],
    ),
    (
        "sawah_kering",
        "need",
        "Sawah Dusun Kidul kering di musim kemarau",
        "Sawah tadah hujan hanya panen sekali setahun.",
        "4",
        {"dusun": "Kidul", "rw": "03"},
        ["resident"],
    ),
    (
        "mata_air",
        "potential",
        "Mata air Tuk Sibeji mengalir sepanjang tahun",
        "Debitnya cukup untuk menampung air bagi sawah di bawahnya.",
        "2.5",
        {"dusun": "Kidul", "rw": "03"},
        ["resident"],
    ),
)


def transect_sketch() -> bytes:
    """The transect walk's sketch as a small PNG: the road from Krajan to Kidul, the river and the spring."""
    image = Image.new("RGB", (320, 200), (250, 246, 232))
    draw = ImageDraw.Draw(image)
    draw.line([(10, 150), (120, 130), (220, 140), (310, 110)], fill=(120, 80, 40), width=6)  # the earth road
    draw.line([(10, 40), (160, 60), (310, 30)], fill=(40, 90, 200), width=8)  # the Serayu
    draw.ellipse([(250, 80), (270, 100)], fill=(40, 140, 200))  # Tuk Sibeji
    draw.text((12, 160), "Krajan", fill=(0, 0, 0))
    draw.text((262, 160), "Kidul", fill=(0, 0, 0))
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def record_assessments(mufakat: Mufakat, fasilitator: _Facilitator, process_id: UUID, record: DemoRecord) -> None:
    """The start of the cycle: an FGD of the women's group and the fishers, and a transect walk, with findings."""
    fgd = mufakat.assessments.start(
        fasilitator.context,
        process_id,
        title="FGD kelompok perempuan (PKK, KWT) dan nelayan Sungai Serayu",
        method="fgd",
        respondents=[
            {"group": "women", "gender": "female", "count": 14},
            {"group": "resident", "gender": "male", "count": 7},
            {"group": "elderly", "gender": "female", "count": 2},
        ],
    ).id
    transect = mufakat.assessments.start(
        fasilitator.context,
        process_id,
        title="Penelusuran desa (transek) Dusun Krajan - Dusun Kidul",
        method="transect",
        respondents=[
            {"group": "resident", "gender": "male", "count": 5},
            {"group": "women", "gender": "female", "count": 3},
            {"group": "disability", "gender": "male", "count": 1},
        ],
    ).id
    record.assessments += [fgd, transect]
    _, sketch = mufakat.assessments.attach_evidence(
        fasilitator.context, transect, transect_sketch(), "sketsa-transek-krajan-kidul.png"
    )
    for assessment_id, findings in ((fgd, FGD_FINDINGS), (transect, TRANSECT_FINDINGS)):
        for key, kind, title, description, sector, location, groups in findings:
            evidence = [{"sha256": sketch}] if assessment_id == transect else []
            record.findings[key] = part_of(
                mufakat.assessments.record_finding(
                    fasilitator.context,
                    assessment_id,
                    kind,
                    title,
                    description,
                    sector,
                    location,
                    groups,
                    evidence,
                )
            )
    mufakat.assessments.close(fasilitator.context, fgd)
    mufakat.assessments.close(fasilitator.context, transect)


def record_demo(mufakat: Mufakat, facilitator_secret: str, minutes_key_file: Path | None = None) -> DemoRecord:
    """Records Musrenbang Desa Sukamaju 2027 as the facilitator whose token is given.

    With `minutes_key_file` (the service's signing key file, made there if missing) both meetings' berita acara
    are sealed too, signed with the PDF key beside it.
    """
    before = mufakat.recorder.max_notification_id() or 0
    fasilitator = _Facilitator(mufakat, facilitator_secret)

    def ctx() -> CommandContext:
        return fasilitator.context

    # --- June-July: the kecamatan opens its Musrenbang, the village its own and its register -------------
    fasilitator.at(wib(6, 15, 9))
    kecamatan_id = open_kecamatan(mufakat, fasilitator)
    fasilitator.at(wib(7, 1, 9))
    process_id = mufakat.processes.open(
        ctx(),
        title=PROCESS_TITLE,
        description=(
            "Musyawarah perencanaan pembangunan desa untuk menyusun daftar prioritas RKP Desa 2027, "
            "dengan mengundang semua unsur masyarakat sesuai Permendesa PDTT 16/2019."
        ),
        region_code=REGION_CODE,
        region_name=REGION_NAME,
        visibility="public",
        rules=DecisionRules(legal_basis="Permendesa PDTT No. 16 Tahun 2019 tentang Musyawarah Desa"),
        level="desa",
        parent_id=kecamatan_id,
    ).id
    fasilitator.refresh()
    record = DemoRecord(process_id=process_id, chain={"kecamatan_process": kecamatan_id})

    p = record.participants
    for key, name, group, gender, organisation, contact in PARTICIPANTS:
        p[key] = mufakat.participants.register(ctx(), process_id, name, group, gender, organisation, contact).id
    everyone = list(p.values())
    # --- July: the start of the cycle, what the village needs and has (typed in after the FGD and the walk) --
    fasilitator.at(wib(7, 9, 13))
    record_assessments(mufakat, fasilitator, process_id, record)
    found = record.findings

    # --- 8 September, first meeting: the ideas are put on the table (invitations sent on 25 August) -----
    fasilitator.at(wib(8, 25, 10))
    sesi_1 = mufakat.meetings.schedule(
        ctx(),
        process_id,
        title="Musrenbang Desa Sukamaju sesi 1: penyampaian usulan dusun",
        scheduled_for=datetime(2026, 9, 8, 1, 30, tzinfo=UTC),
        location="Balai Desa Sukamaju",
        invited=everyone,
    ).id
    record.meetings.append(sesi_1)
    late_to_1 = [p["swasta"], p["lansia_putri"]]
    fasilitator.at(wib(9, 8, 8, 35))
    mufakat.meetings.open(ctx(), sesi_1, [pid for pid in everyone if pid not in late_to_1])
    mufakat.meetings.record_attendance(ctx(), sesi_1, late_to_1)

    jalan = mufakat.proposals.submit(
        ctx(),
        process_id,
        title="Pembangunan jalan rabat beton Dusun Krajan (RT 01-04)",
        body=(
            "Jalan tanah sepanjang 450 m di Dusun Krajan dibangun rabat beton lebar 3 m "
            "dengan tanggul setinggi 20 cm di kedua sisi. Perkiraan biaya Rp 185.000.000 dari Dana Desa."
        ),
        submitted_by=p["warga_krajan"],
        meeting_id=sesi_1,
        addresses=[found["jalan_tanah"], found["jalan_posyandu"]],
        planning=PLANNING["jalan"],
    ).id
    bank_sampah = mufakat.proposals.submit(
        ctx(),
        process_id,
        title="Penyertaan modal BUMDes untuk unit bank sampah dan TPS3R",
        body=(
            "BUMDes Sukamaju Mandiri mendapat penyertaan modal Rp 120.000.000 untuk membangun bank sampah "
            "dan tempat pengolahan sampah (TPS3R) di tanah kas desa dekat lapangan Dusun Kidul."
        ),
        submitted_by=p["pkk"],
        meeting_id=sesi_1,
        addresses=[found["sampah_sungai"], found["kompos_kwt"]],
        planning=PLANNING["bank_sampah"],
    ).id
    gapura = mufakat.proposals.submit(
        ctx(),
        process_id,
        title="Pembangunan gapura batas desa",
        body="Gapura permanen di batas desa sebelah utara. Perkiraan biaya Rp 95.000.000.",
        submitted_by=p["bpd"],
        meeting_id=sesi_1,
        planning=PLANNING["gapura"],
    ).id
    embung = mufakat.proposals.submit(
        ctx(),
        process_id,
        title="Pembangunan embung desa untuk irigasi musim kemarau",
        body="Embung berkapasitas 5.000 m3 di Dusun Kidul untuk mengairi sawah pada musim kemarau.",
        submitted_by=p["kwt"],
        meeting_id=sesi_1,
        addresses=[found["sawah_kering"], found["mata_air"]],
        planning=PLANNING["embung"],
    ).id
    record.proposals.update(
        {"adopted_by_consensus": jalan, "adopted_by_vote": bank_sampah, "rejected": gapura, "deferred": embung}
    )

    # The road: support, a question, and a blocking objection on wheelchair access.
    mufakat.proposals.contribute(
        ctx(), jalan, p["warga_kidul"], "support", "Saat hujan jalan ini tidak bisa dilewati motor pengangkut panen."
    )
    mufakat.proposals.contribute(
        ctx(), jalan, p["lansia"], "question", "Apakah ada saluran air? Rumah di tepi jalan sering tergenang."
    )
    mufakat.proposals.contribute(
        ctx(), jalan, p["kades"], "information", "Pagu indikatif Dana Desa 2027 untuk infrastruktur Rp 420 juta."
    )
    keberatan_akses = part_of(
        mufakat.proposals.raise_objection(
            ctx(),
            jalan,
            p["difabel"],
            grounds=(
                "Tanggul 20 cm tanpa landaian menutup akses kursi roda ke rumah warga dan ke musala. "
                "Jalan desa harus bisa dilewati penyandang disabilitas."
            ),
            blocking=True,
        )
    )

    # The waste bank: support and a concern about where it goes.
    mufakat.proposals.contribute(
        ctx(), bank_sampah, p["lsm"], "information", "Bank sampah di desa tetangga menghasilkan Rp 3 juta per bulan."
    )
    mufakat.proposals.contribute(
        ctx(), bank_sampah, p["pemudi"], "support", "Karang Taruna siap menjadi pengelola dan mengajak pemuda."
    )
    mufakat.proposals.contribute(
        ctx(), bank_sampah, p["warga_kidul"], "concern", "Lokasi TPS3R terlalu dekat dengan rumah warga RT 02."
    )
    keberatan_lokasi = part_of(
        mufakat.proposals.raise_objection(
            ctx(),
            bank_sampah,
            p["warga_kidul"],
            grounds="TPS3R di lokasi itu akan menimbulkan bau dan lalat di permukiman RT 02.",
            blocking=True,
        )
    )

    # The gate and the reservoir: questions and concerns.
    mufakat.proposals.contribute(
        ctx(), gapura, p["rentan"], "concern", "Masih banyak rumah tidak layak huni; gapura belum mendesak."
    )
    mufakat.proposals.contribute(
        ctx(), gapura, p["bpd"], "support", "Gapura menjadi penanda desa dan kebanggaan warga."
    )
    keberatan_biaya = part_of(
        mufakat.proposals.raise_objection(
            ctx(),
            gapura,
            p["pemudi"],
            grounds="Biaya gapura lebih besar dari anggaran pelatihan pemuda.",
            blocking=False,
        )
    )
    mufakat.proposals.contribute(
        ctx(), embung, p["swasta"], "question", "Apakah status tanah calon lokasi embung sudah jelas?"
    )
    mufakat.proposals.contribute(
        ctx(), embung, p["kades"], "information", "Sebagian lahan masih tanah milik warga dan belum dilepaskan."
    )
    mufakat.meetings.close(
        ctx(),
        sesi_1,
        minutes=(
            "Empat usulan disampaikan dari musyawarah dusun. Keberatan mendasar tentang akses kursi roda "
            "pada usulan jalan rabat beton dicatat; pengusul diminta memperbaiki rancangan sebelum sesi 2."
        ),
    )

    # --- 15 September, between meetings: the road is amended, the objection addressed ----------------
    fasilitator.at(wib(9, 15, 10))
    mufakat.proposals.amend(
        ctx(),
        jalan,
        body=(
            "Jalan tanah sepanjang 450 m di Dusun Krajan dibangun rabat beton lebar 3 m dengan saluran "
            "drainase di sisi timur, tanpa tanggul, dan landaian (ramp) landai 1:12 di setiap akses rumah, "
            "musala dan posyandu. Perkiraan biaya Rp 198.000.000 dari Dana Desa."
        ),
        reason="Menanggapi keberatan Forum Difabel dan pertanyaan tentang genangan air.",
        proposed_by=p["warga_krajan"],
    )
    mufakat.proposals.resolve_objection(
        ctx(),
        jalan,
        keberatan_akses,
        outcome="addressed",
        note="Rancangan diubah: tanggul dihapus, landaian dan drainase ditambahkan. Forum Difabel menyetujui.",
    )

    # --- second meeting: decisions ----------------------------------------------------
    sesi_2 = mufakat.meetings.schedule(
        ctx(),
        process_id,
        title="Musrenbang Desa Sukamaju sesi 2: penetapan prioritas",
        scheduled_for=datetime(2026, 9, 22, 1, 30, tzinfo=UTC),
        location="Balai Desa Sukamaju",
        invited=everyone,
    ).id
    record.meetings.append(sesi_2)
    absent_from_2 = [p["lansia_putri"], p["swasta"]]
    late_to_2 = [p["lsm"]]
    fasilitator.at(wib(9, 22, 8, 35))
    mufakat.meetings.open(ctx(), sesi_2, [pid for pid in everyone if pid not in absent_from_2 + late_to_2])
    mufakat.meetings.record_attendance(ctx(), sesi_2, late_to_2)
    present_at_2 = [pid for pid in everyone if pid not in absent_from_2]
    record.ranking_id = rank_priorities(
        mufakat, fasilitator, process_id, sesi_2, present_at_2, [jalan, bank_sampah, embung, gapura]
    )

    # The road: everyone agrees now; consensus.
    cek_jalan = part_of(mufakat.proposals.open_consensus_check(ctx(), jalan, sesi_2))
    for pid in present_at_2:
        stance, reason = ("abstain", "Tidak tinggal di Dusun Krajan.") if pid == p["lsm"] else ("agree", None)
        mufakat.proposals.take_stance(ctx(), jalan, cek_jalan, pid, stance, reason)
    mufakat.proposals.close_consensus_check(ctx(), jalan, cek_jalan)
    mufakat.proposals.decide(
        ctx(),
        jalan,
        outcome="adopted",
        method="consensus",
        rationale="Mufakat tercapai setelah rancangan diubah agar ramah disabilitas; prioritas 1 RKP Desa 2027.",
    )

    # The waste bank: a block in the consensus check, so the vote fallback decides.
    cek_sampah = part_of(mufakat.proposals.open_consensus_check(ctx(), bank_sampah, sesi_2))
    for pid in present_at_2:
        if pid == p["warga_kidul"]:
            mufakat.proposals.take_stance(
                ctx(), bank_sampah, cek_sampah, pid, "block", "Bau dan lalat akan mengganggu rumah warga RT 02."
            )
        elif pid in (p["lansia"], p["rentan"]):
            mufakat.proposals.take_stance(
                ctx(), bank_sampah, cek_sampah, pid, "disagree", "Belum yakin pengelolaannya."
            )
        else:
            mufakat.proposals.take_stance(ctx(), bank_sampah, cek_sampah, pid, "agree", None)
    mufakat.proposals.close_consensus_check(ctx(), bank_sampah, cek_sampah)
    mufakat.proposals.resolve_objection(
        ctx(),
        bank_sampah,
        keberatan_lokasi,
        outcome="overruled",
        note=(
            "Dikesampingkan oleh fasilitator: tata tertib mengizinkan pemungutan suara bila mufakat tidak tercapai. "
            "Syarat jarak 200 m dari permukiman dimasukkan ke tindak lanjut."
        ),
    )
    pemungutan = part_of(mufakat.proposals.open_vote(ctx(), bank_sampah, sesi_2))
    no_votes = (p["warga_kidul"], p["lansia"])
    for pid in present_at_2:
        choice = "no" if pid in no_votes else "abstain" if pid == p["rentan"] else "yes"
        mufakat.proposals.cast_ballot(ctx(), bank_sampah, pemungutan, pid, choice)
    mufakat.proposals.close_vote(ctx(), bank_sampah, pemungutan)
    mufakat.proposals.decide(
        ctx(),
        bank_sampah,
        outcome="adopted",
        method="vote",
        rationale=(
            "Mufakat tidak tercapai; disepakati melalui pemungutan suara. Catatan perbedaan pendapat: warga RT 02 "
            "meminta TPS3R dipindah minimal 200 m dari permukiman, menjadi syarat dalam tindak lanjut."
        ),
    )

    # The gate: musyawarah first (most disagree), then put to a vote, which fails.
    mufakat.proposals.resolve_objection(
        ctx(), gapura, keberatan_biaya, outcome="withdrawn", note="Dicabut: pelatihan pemuda sudah masuk usulan dusun."
    )
    yes_to_gate = (p["bpd"], p["karang_taruna"], p["warga_krajan"])
    cek_gapura = part_of(mufakat.proposals.open_consensus_check(ctx(), gapura, sesi_2))
    for pid in present_at_2:
        mufakat.proposals.take_stance(
            ctx(), gapura, cek_gapura, pid, "agree" if pid in yes_to_gate else "disagree", None
        )
    mufakat.proposals.close_consensus_check(ctx(), gapura, cek_gapura)
    pemungutan_gapura = part_of(mufakat.proposals.open_vote(ctx(), gapura, sesi_2))
    for pid in present_at_2:
        mufakat.proposals.cast_ballot(ctx(), gapura, pemungutan_gapura, pid, "yes" if pid in yes_to_gate else "no")
    mufakat.proposals.close_vote(ctx(), gapura, pemungutan_gapura)
    mufakat.proposals.decide(
        ctx(),
        gapura,
        outcome="rejected",
        method="vote",
        rationale="Suara terbanyak menolak: dana diprioritaskan untuk kebutuhan dasar dan rumah tidak layak huni.",
    )

    # The reservoir: deferred until the land is surveyed.
    mufakat.proposals.contribute(
        ctx(), embung, p["kwt"], "support", "Kelompok tani sangat membutuhkan air pada musim kemarau."
    )
    mufakat.proposals.decide(
        ctx(),
        embung,
        outcome="deferred",
        method="none",
        rationale="Ditunda sampai status tanah jelas dan kajian teknis dari Dinas PUPR tersedia (Musrenbang 2028).",
    )
    mufakat.meetings.close(
        ctx(),
        sesi_2,
        minutes=(
            "Jalan rabat beton Dusun Krajan disepakati secara mufakat. Bank sampah disepakati melalui pemungutan "
            "suara dengan catatan perbedaan pendapat. Gapura ditolak. Embung ditunda. Berita acara ditandatangani "
            "Kepala Desa, Ketua BPD dan wakil masyarakat."
        ),
    )

    record.musdes_process_id = record_backfilled_musdes(mufakat, fasilitator, record)
    record_the_way_up(mufakat, fasilitator, record)
    for step in AFTER_THE_DECISIONS:
        step(mufakat, fasilitator, record)

    # --- the berita acara of both Musrenbang sessions, sealed when the demo is recorded (issue 13) ----------
    if minutes_key_file is not None:
        fasilitator.moment = None
        for meeting_id in (sesi_1, sesi_2):
            mufakat.sealing.seal(
                ctx(),
                meeting_id,
                chair={"name": "Bambang Sugiarto", "role": "Ketua BPD Sukamaju"},
                secretary={"name": "Rina Kartika Sari", "role": "Notulis (Sekretaris BPD)"},
                agenda=list(DEMO_AGENDA),
                notes="Berita acara ini ditandatangani pada salinan kertas oleh pimpinan rapat dan para saksi.",
                signatories=[{"name": name, "role": role} for role, name in DEMO_SIGNATORIES],
                occurred_at=mufakat.clock(),
                signing_key=load_or_create_signing_key(minutes_key_file),
                key_file=minutes_key_file,
            )
        # --- the land dispute's agreement (kesepakatan), sealed as its own signed document (issue 23) --------
        for dispute_id in record.disputes.values():
            mufakat.agreement_sealing.seal(
                ctx(), dispute_id, signing_key=load_or_create_signing_key(minutes_key_file), key_file=minutes_key_file
            )
        # --- the programme report (laporan hasil dan dampak) of the whole cycle, sealed last (issue 22) ----
        record.report = mufakat.programme_reports.seal(
            ctx(),
            record.process_id,
            signing_key=load_or_create_signing_key(minutes_key_file),
            key_file=minutes_key_file,
            occurred_at=mufakat.clock(),
        ).version
    record.events = (mufakat.recorder.max_notification_id() or 0) - before
    return record


def record_backfilled_musdes(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> UUID:
    """A Musdes typed in from its paper minutes, under the consent rule: withdrawal, erratum, annulment."""

    def on(day: int, hour: int, minute: int = 0) -> CommandContext:
        """The facilitator's context for a step that happened in the room on that day of September 2026 (WIB)."""
        return replace(fasilitator.context, occurred_at=datetime(2026, 9, day, hour, minute, tzinfo=WIB))

    process_id = mufakat.processes.open(
        on(1, 8),
        title=MUSDES_TITLE,
        description="Diketik ulang dari notulen kertas; waktu setiap langkah sesuai kejadian di rapat.",
        region_code=REGION_CODE,
        region_name=REGION_NAME,
        visibility="public",
        rules=DecisionRules(
            consensus="consent", legal_basis="Permendesa PDTT No. 16 Tahun 2019 tentang Musyawarah Desa"
        ),
    ).id
    fasilitator.refresh()
    keys = ("kades", "bpd", "warga_krajan", "warga_kidul", "pkk", "karang_taruna", "lansia", "difabel")
    people: dict[str, UUID] = {}
    for key, name, group, gender, organisation, contact in PARTICIPANTS:
        if key in keys:
            people[key] = mufakat.participants.register(
                on(1, 9), process_id, name, group, gender, organisation, contact
            ).id
    everyone = list(people.values())
    musdes = mufakat.meetings.schedule(
        on(1, 10),
        process_id,
        "Musdes perubahan APBDes 2026",
        datetime(2026, 9, 5, 2, 0, tzinfo=UTC),
        "Balai Desa",
        everyone,
    ).id
    record.meetings.append(musdes)
    mufakat.meetings.open(on(5, 9), musdes, everyone)

    # A mistyped title, as the typist copied it; corrected below by an erratum.
    blt = mufakat.proposals.submit(
        on(5, 9, 15),
        process_id,
        title="Penambahan BLT Dana Desa untuk 40 KMP",
        body="BLT Dana Desa ditambah untuk 40 keluarga miskin baru, Rp 300.000 per bulan selama Oktober-Desember.",
        submitted_by=people["pkk"],
        meeting_id=musdes,
    ).id
    ambulans = mufakat.proposals.submit(
        on(5, 9, 20),
        process_id,
        title="Pengadaan mobil siaga desa",
        body="Membeli satu mobil siaga desa bekas untuk mengantar warga sakit ke puskesmas.",
        submitted_by=people["karang_taruna"],
        meeting_id=musdes,
    ).id
    mufakat.proposals.withdraw(
        on(5, 9, 40), ambulans, reason="Ditarik pengusul: digabung dengan program ambulans desa dari kecamatan."
    )

    # Consent: seven agree, the elderly representative disagrees; mufakat with the dissent on record.
    cek = part_of(mufakat.proposals.open_consensus_check(on(5, 10), blt, musdes))
    for key, pid in people.items():
        stance, reason = (
            ("disagree", "Lebih baik untuk perbaikan rumah lansia.") if key == "lansia" else ("agree", None)
        )
        mufakat.proposals.take_stance(on(5, 10, 10), blt, cek, pid, stance, reason)
    mufakat.proposals.close_consensus_check(on(5, 10, 20), blt, cek)
    mufakat.proposals.decide(
        on(5, 10, 25),
        blt,
        outcome="adopted",
        method="consensus",
        rationale="Mufakat tercapai dengan satu catatan perbedaan pendapat (wakil lansia).",
    )
    mufakat.meetings.close(on(5, 12), musdes, minutes="Penambahan BLT disepakati; usulan mobil siaga ditarik.")
    mufakat.proposals.correct(
        on(6, 8),
        blt,
        version=1,
        field="title",
        text="Penambahan BLT Dana Desa untuk 40 KPM",
        reason="Salah ketik saat menyalin notulen: KPM (keluarga penerima manfaat), bukan KMP.",
    )

    # The Musdes khusus: the camat's evaluation finds the amount above the ceiling; annulled, amended, decided again.
    khusus = mufakat.meetings.schedule(
        on(15, 10),
        process_id,
        "Musdes khusus evaluasi BLT",
        datetime(2026, 9, 19, 2, 0, tzinfo=UTC),
        "Balai Desa",
        everyone,
    ).id
    record.meetings.append(khusus)
    mufakat.meetings.open(on(19, 9), khusus, everyone)
    mufakat.proposals.annul_decision(
        on(19, 9, 15),
        blt,
        reason="Hasil evaluasi camat: besaran BLT melebihi pagu yang diizinkan untuk tahun berjalan.",
        legal_basis="Permendesa PDTT No. 7 Tahun 2023, Pasal 6",
        meeting_id=khusus,
    )
    mufakat.proposals.amend(
        on(19, 9, 30),
        blt,
        body="BLT Dana Desa ditambah untuk 40 keluarga penerima manfaat baru, Rp 300.000 per bulan, November-Desember.",
        reason="Disesuaikan dengan pagu hasil evaluasi camat.",
        proposed_by=people["pkk"],
    )
    cek_ulang = part_of(mufakat.proposals.open_consensus_check(on(19, 9, 45), blt, khusus))
    for pid in everyone:
        mufakat.proposals.take_stance(on(19, 9, 50), blt, cek_ulang, pid, "agree", None)
    mufakat.proposals.close_consensus_check(on(19, 10), blt, cek_ulang)
    mufakat.proposals.decide(
        on(19, 10, 5),
        blt,
        outcome="adopted",
        method="consensus",
        rationale="Mufakat bulat atas teks yang disesuaikan dengan pagu; keputusan 5 September dibatalkan.",
    )
    mufakat.meetings.close(on(19, 11), khusus, minutes="Keputusan 5 September dibatalkan dan diputuskan ulang.")
    record.proposals.update({"annulled_then_redecided": blt, "withdrawn": ambulans})
    return process_id


# --- planning, the daftar prioritas and the Musrenbang chain (issue 21) ------------------------------------------

KECAMATAN_TITLE = "Musrenbang Kecamatan Kembaran 2027"
NEIGHBOUR_TITLE = "Musrenbang Desa Karangsari 2027"
#: The pagu indikatif of Desa Sukamaju for the RKP Desa 2027.
BUDGET_CEILING = "320000000"

PLANNING: dict[str, dict[str, object]] = {
    "jalan": {
        "location": {"dusun": "Krajan", "rw": "01", "rt": "01-04"},
        "sector": "2.3",
        "volume": "450",
        "unit": "m",
        "beneficiaries": {"households": 112, "people": 389},
        "estimated_cost": "185000000",
        "funding_source": "dana_desa",
        "implementation_pattern": "swakelola",
    },
    "bank_sampah": {
        "location": {"dusun": "Kidul", "rw": "03"},
        "sector": "2.5",
        "volume": "1",
        "unit": "unit",
        "beneficiaries": {"households": 240},
        "estimated_cost": "120000000",
        "funding_source": "dana_desa",
        "implementation_pattern": "kerja_sama",
    },
    "gapura": {
        "location": {"dusun": "Krajan", "rw": "01"},
        "sector": "2.3",
        "volume": "1",
        "unit": "unit",
        "estimated_cost": "95000000",
        "funding_source": "add",
        "implementation_pattern": "pihak_ketiga",
    },
    "embung": {
        "location": {"dusun": "Kidul", "rw": "03"},
        "sector": "2.3",
        "volume": "5000",
        "unit": "m3",
        "beneficiaries": {"households": 86},
        "estimated_cost": "250000000",
        "funding_source": "bantuan_kabupaten",
        "implementation_pattern": "swakelola",
    },
}


def open_kecamatan(mufakat: Mufakat, fasilitator: _Facilitator) -> UUID:
    """The Musrenbang Kecamatan that Desa Sukamaju and its neighbour Karangsari send their proposals up to."""
    kecamatan_id = mufakat.processes.open(
        fasilitator.context,
        title=KECAMATAN_TITLE,
        description="Musrenbang kecamatan: usulan desa-desa yang tidak terdanai APB Desa dibahas dan digabungkan.",
        region_code="33.02.10",
        region_name="Kecamatan Kembaran, Kabupaten Banyumas, Jawa Tengah",
        visibility="public",
        rules=DecisionRules(legal_basis="Permendagri No. 86 Tahun 2017, Musrenbang kecamatan"),
        level="kecamatan",
    ).id
    fasilitator.refresh()
    return kecamatan_id


def rank_priorities(
    mufakat: Mufakat,
    fasilitator: _Facilitator,
    process_id: UUID,
    meeting_id: UUID,
    present: list[UUID],
    proposals: list[UUID],
) -> UUID:
    """A Borda ranking of the four proposals at the meeting against the pagu indikatif: most put them in the
    order given, two put the reservoir before the waste bank; the road and the waste bank fit the ceiling."""
    ranking_id = mufakat.rankings.open(
        fasilitator.context, process_id, meeting_id, proposals, "borda", budget_ceiling=BUDGET_CEILING
    ).id
    first, second, third, fourth = proposals
    for number, participant_id in enumerate(present):
        order = [first, third, second, fourth] if number in (2, 5) else [first, second, third, fourth]
        mufakat.rankings.cast_ballot(fasilitator.context, ranking_id, participant_id, order=order)
    mufakat.rankings.close(fasilitator.context, ranking_id)
    return ranking_id


def record_the_way_up(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """The adopted village road goes up to the Musrenbang Kecamatan, where the neighbour village Karangsari's
    road to the same junction arrives too: the kecamatan merges the two into one."""
    kecamatan_id = record.chain["kecamatan_process"]
    fasilitator.at(wib(9, 10, 9))
    neighbour_id = mufakat.processes.open(
        fasilitator.context,
        title=NEIGHBOUR_TITLE,
        description="Musyawarah perencanaan pembangunan Desa Karangsari untuk RKP Desa 2027.",
        region_code="33.02.10.2002",
        region_name="Desa Karangsari, Kabupaten Banyumas, Jawa Tengah",
        visibility="public",
        rules=DecisionRules(legal_basis="Permendesa PDTT No. 16 Tahun 2019 tentang Musyawarah Desa"),
        level="desa",
        parent_id=kecamatan_id,
    ).id
    fasilitator.refresh()
    people = [
        mufakat.participants.register(fasilitator.context, neighbour_id, name, group, gender, organisation, None).id
        for name, group, gender, organisation in (
            ("Slamet Riyadi", "government", "male", "Pemerintah Desa Karangsari"),
            ("Sri Wahyuni", "women", "female", "TP PKK Desa Karangsari"),
            ("Eko Saputro", "resident", "male", "RW 02 Dusun Karanganyar"),
        )
    ]
    musdes = mufakat.meetings.schedule(
        fasilitator.context,
        neighbour_id,
        title="Musrenbang Desa Karangsari",
        scheduled_for=datetime(2026, 9, 23, 1, 30, tzinfo=UTC),
        location="Balai Desa Karangsari",
        invited=people,
    ).id
    fasilitator.at(wib(9, 23, 8, 35))
    mufakat.meetings.open(fasilitator.context, musdes, people)
    road = mufakat.proposals.submit(
        fasilitator.context,
        neighbour_id,
        title="Jalan rabat beton penghubung Karangsari-Sukamaju",
        body="Ruas jalan tanah 600 m dari Dusun Karanganyar ke batas Desa Sukamaju dibangun rabat beton.",
        submitted_by=people[2],
        meeting_id=musdes,
        planning={
            "location": {"dusun": "Karanganyar", "rw": "02"},
            "sector": "2.3",
            "volume": "600",
            "unit": "m",
            "estimated_cost": "240000000",
            "funding_source": "bantuan_kabupaten",
            "implementation_pattern": "pihak_ketiga",
        },
    ).id
    check = part_of(mufakat.proposals.open_consensus_check(fasilitator.context, road, musdes))
    for participant_id in people:
        mufakat.proposals.take_stance(fasilitator.context, road, check, participant_id, "agree", None)
    mufakat.proposals.close_consensus_check(fasilitator.context, road, check)
    mufakat.proposals.decide(
        fasilitator.context,
        road,
        outcome="adopted",
        method="consensus",
        rationale="Di luar kemampuan APB Desa; diteruskan ke Musrenbang Kecamatan.",
    )
    mufakat.meetings.close(
        fasilitator.context, musdes, minutes="Jalan penghubung disepakati dan diteruskan ke kecamatan."
    )

    # 30 September: both villages send their roads up; on 7 October the kecamatan takes them as one.
    sukamaju_road = record.proposals["adopted_by_consensus"]
    fasilitator.at(wib(9, 30, 10))
    arrived = mufakat.chain.forward(
        fasilitator.context,
        sukamaju_road,
        kecamatan_id,
        note="Ruas Dusun Krajan tersambung ke jalan penghubung Karangsari; diusulkan untuk dana kabupaten.",
        delegates=[record.participants["kades"], record.participants["warga_krajan"]],
    ).id
    neighbour_arrived = mufakat.chain.forward(
        fasilitator.context, road, kecamatan_id, note="Jalan penghubung antardesa.", delegates=[people[0]]
    ).id
    fasilitator.at(wib(10, 7, 9))
    mufakat.chain.merge(
        fasilitator.context,
        arrived,
        into=neighbour_arrived,
        reason="Kedua usulan adalah satu ruas jalan penghubung Sukamaju-Karangsari; dibahas sebagai satu kegiatan.",
    )
    record.chain.update(
        {
            "neighbour_process": neighbour_id,
            "forwarded": arrived,
            "neighbour_proposal": road,
            "merged_into": neighbour_arrived,
        }
    )


# --- after the decisions: the programme cycle (issues 22 and 23) -------------------------------------------------
#
# October-November 2026, in time order: the commitments with their indicators and budget, the partners, the land
# dispute behind the embung, the cement complaint, two rounds of monitoring (the waste bank's left overdue at the
# end of November) and a community score card at the monitoring meeting.

#: The indicators of the road's and the waste bank's commitments, by name.
ROAD_LENGTH = "Panjang jalan rabat beton"
RAMPS = "Landaian di akses rumah, musala dan posyandu"
MEMBERS = "Nasabah bank sampah"
SORTED_WASTE = "Sampah terpilah per bulan"

#: The partners of the cycle: (key, name, kind, contribution kind, description, amount, commitment key).
DEMO_PARTNERS: tuple[tuple[str, str, str, str, str, str | None, str], ...] = (
    (
        "csr",
        "PT Semen Gunung Slamet (program CSR)",
        "private",
        "in_kind",
        "200 sak semen untuk jalan rabat beton Dusun Krajan",
        "14000000",
        "jalan",
    ),
    (
        "ngo",
        "Yayasan Bumi Lestari Banyumas",
        "ngo",
        "technical",
        "Pendampingan teknis pembukuan dan pemasaran bank sampah selama enam bulan",
        None,
        "bank_sampah",
    ),
)

#: The cement complaint, as a resident typed it on the portal without giving their name.
COMPLAINT_TEXT = (
    "Semen untuk jalan rabat beton yang disimpan di gudang balai desa berkurang sekitar 40 sak dalam seminggu. "
    "Tidak ada catatan keluar barang."
)
#: Where the complainant asked to be told: sealed with a key of its own, read only by the facilitator.
COMPLAINT_CONTACT = "wa +62 857-4412-9083"
#: The answers of the Tim Pelaksana Kegiatan, in order: (status, response, when).
COMPLAINT_ANSWERS: tuple[tuple[str, str, datetime], ...] = (
    ("in_review", "Diterima Tim Pelaksana Kegiatan; stok semen di gudang dihitung ulang bersama BPD.", wib(10, 28, 9)),
    (
        "responded",
        "Hasil penghitungan: 40 sak dipinjam untuk perbaikan talud RT 03 tanpa berita acara. Semen dikembalikan "
        "dan setiap barang keluar kini dicatat di buku gudang.",
        wib(10, 30, 15),
    ),
    ("resolved", "Buku gudang diperiksa BPD setiap minggu; tidak ada selisih lagi.", wib(11, 3, 10)),
)

#: The land dispute behind the embung: public, so residents see that it is being worked through; its sessions'
#: summaries stay sealed. The parties are groups and organisations, never a person.
LAND_DISPUTE_TITLE = "Status tanah bengkok di calon lokasi embung Dusun Kidul"
LAND_DISPUTE_PARTIES: tuple[dict[str, str], ...] = (
    {"group": "government"},
    {"organisation": "Kelompok Tani Tirta Makmur Dusun Kidul"},
    {"organisation": "Pemerintah Desa Sukamaju"},
)
#: What the two mediation sessions' summaries say: sealed, never read by outsiders.
LAND_DISPUTE_SUMMARIES = (
    "Perangkat pemegang bengkok keberatan kehilangan hasil sawah; kelompok tani meminta embung tetap di lokasi "
    "yang dekat mata air Tuk Sibeji.",
    "Para pihak menerima tukar guling dengan tanah kas desa seluas sama di Dusun Kidul, dengan ganti hasil panen "
    "satu musim.",
)
LAND_DISPUTE_AGREEMENT = (
    "Tanah bengkok di calon lokasi embung ditukar guling dengan tanah kas desa seluas 0,6 ha di Dusun Kidul; "
    "hasil panen satu musim diganti dari APB Desa; embung dibahas lagi dalam Musrenbang 2028."
)

#: The community score card of the road at the monitoring meeting: (attendee key, score 1-5, comment).
#: The attendees of the waste bank's training and how useful they found it (1-5).
TRAINING_SCORES: tuple[tuple[str, int], ...] = (
    ("pkk", 5),
    ("kwt", 4),
    ("pemudi", 4),
    ("warga_kidul", 3),
    ("rentan", 4),
    ("lsm", 5),
)

SCORE_CARD: tuple[tuple[str, int, str | None], ...] = (
    ("kades", 4, None),
    ("bpd", 4, "Pengerjaan rapi, tetapi laporan keuangan perlu ditempel di papan informasi."),
    ("warga_krajan", 5, "Jalan sudah bisa dilewati motor pengangkut panen saat hujan."),
    ("warga_kidul", 3, "Drainase sisi timur belum sampai ujung jalan."),
    ("pkk", 4, "Ibu hamil sekarang bisa ke posyandu tanpa digotong."),
    ("kwt", 4, None),
    ("karang_taruna", 3, "Pemuda belum dilibatkan sebagai tenaga kerja."),
    ("pemudi", 4, None),
    ("lansia", 2, "Landaian di depan musala terlalu curam."),
    ("difabel", 4, "Landaian di rumah warga sudah bisa dilewati kursi roda."),
    ("rentan", 3, None),
    ("lsm", 4, "Papan proyek sudah memuat anggaran dan sumber dana."),
)


def hold_meeting(
    mufakat: Mufakat,
    fasilitator: _Facilitator,
    record: DemoRecord,
    title: str,
    scheduled_for: datetime,
    attendees: list[UUID],
    kind: str,
) -> UUID:
    """Schedules a meeting after the decisions a week ahead and opens it five minutes after its hour, with its
    attendees invited; its kind ("musyawarah", "training", "monitoring", "other") is the meeting's own and is kept
    in `record.follow_up_meetings`."""
    fasilitator.at(scheduled_for - timedelta(days=7))
    meeting_id = mufakat.meetings.schedule(
        fasilitator.context,
        record.process_id,
        title=title,
        scheduled_for=scheduled_for,
        location="Balai Desa Sukamaju",
        invited=attendees,
        kind=kind,
    ).id
    fasilitator.at(scheduled_for + timedelta(minutes=5))
    mufakat.meetings.open(fasilitator.context, meeting_id, attendees)
    record.follow_up_meetings[meeting_id] = kind
    return meeting_id


def make_commitments(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """5 October: the Tim Pelaksana Kegiatan commits to the two adopted proposals, with objectives, indicators
    (unit, baseline, target), budget and due date; the waste bank's is due at the end of November."""
    fasilitator.at(wib(10, 5, 9))
    record.commitments.append(
        mufakat.commitments.make(
            fasilitator.context,
            record.proposals["adopted_by_consensus"],
            owner="Pemerintah Desa Sukamaju (Kaur Perencanaan) dan TPK",
            description=(
                "Membangun jalan rabat beton 450 m dengan drainase dan landaian sesuai rancangan yang disepakati."
            ),
            due=date(2027, 8, 31),
            indicators=[
                {"name": ROAD_LENGTH, "unit": "m", "baseline": "0", "target": "450"},
                {
                    "name": RAMPS,
                    "unit": "titik",
                    "baseline": "0",
                    "target": "24",
                    "means_of_verification": "foto setiap landaian dan pemeriksaan Forum Difabel",
                },
            ],
            objectives=[
                "Warga Dusun Krajan, termasuk pengguna kursi roda, sampai ke posyandu dan musala di musim hujan",
                "Hasil panen terangkut tanpa menunggu jalan kering",
            ],
            budget=Decimal("198000000"),
        ).id
    )
    record.commitments.append(
        mufakat.commitments.make(
            fasilitator.context,
            record.proposals["adopted_by_vote"],
            owner="BUMDes Sukamaju Mandiri",
            description="Membentuk unit bank sampah dan membangun TPS3R minimal 200 m dari permukiman RT 02.",
            due=date(2026, 11, 30),
            indicators=[
                {"name": MEMBERS, "unit": "KK", "baseline": "0", "target": "100"},
                {"name": SORTED_WASTE, "unit": "kg", "baseline": "0", "target": "1500"},
            ],
            objectives=["Tidak ada lagi sampah rumah tangga yang dibuang ke Sungai Serayu"],
            budget=Decimal("120000000"),
        ).id
    )


def register_partners(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """6 October: a cement company's CSR programme and an NGO join, each toward one commitment."""
    fasilitator.at(wib(10, 6, 10))
    toward = {"jalan": record.commitments[0], "bank_sampah": record.commitments[1]}
    for key, name, kind, given, description, amount, commitment in DEMO_PARTNERS:
        partner_id = mufakat.partners.register(fasilitator.context, record.process_id, name, kind).id
        mufakat.partners.contribute(
            fasilitator.context, partner_id, given, description, amount=amount, commitment_id=toward[commitment]
        )
        record.partners[key] = partner_id
    # The NGO opens access to a resource (membuka akses sumber daya): a training that answers the river's waste
    # and the women farmers' compost; the other needs found (a lactation room, dry fields) still wait for one.
    mufakat.partners.offer(
        fasilitator.context,
        record.partners["ngo"],
        "training",
        "Pelatihan pengelolaan bank sampah dan kompos",
        "Empat kali pertemuan di balai desa, dengan pendampingan pencatatan tabungan sampah.",
        answers=[record.findings["sampah_sungai"], record.findings["kompos_kwt"]],
    )
    # The risks of the road, kept and reviewed at the monitoring meeting (diidentifikasi, dianalisis, dikelola).
    jalan = record.commitments[0]
    record.risks["hujan"] = part_of(
        mufakat.commitment_risks.identify(
            fasilitator.context,
            jalan,
            "Hujan deras pada November menunda pengecoran dan merusak beton yang belum kering.",
            "high",
            "medium",
            "Pengecoran dijadwalkan sebelum pertengahan November; terpal dan papan penutup disiapkan TPK.",
            owner="TPK",
        )
    )
    record.risks["semen"] = part_of(
        mufakat.commitment_risks.identify(
            fasilitator.context,
            jalan,
            "Pasokan semen bantuan CSR datang terlambat sehingga pekerjaan berhenti.",
            "medium",
            "high",
            "Jadwal pengiriman disepakati tertulis; gudang balai desa dikunci dan dicatat keluar-masuknya.",
            owner={"partner_id": record.partners["csr"]},
        )
    )


def hold_the_waste_bank_training(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """22 October: the NGO's training on the waste bank (a meeting of kind training); its attendees say how useful
    it was (1-5), the same way as a score card, naming nobody."""
    p = record.participants
    attendees = [p[key] for key, _ in TRAINING_SCORES]
    meeting_id = hold_meeting(
        mufakat, fasilitator, record, "Pelatihan pengelolaan bank sampah", wib(10, 22, 9), attendees, "training"
    )
    evaluation_id = mufakat.evaluations.open_about_training(
        fasilitator.context, meeting_id, "Seberapa bermanfaat pelatihan ini bagi kegiatan Anda?"
    ).id
    for key, score in TRAINING_SCORES:
        mufakat.evaluations.score(fasilitator.context, evaluation_id, p[key], score, None)
    mufakat.evaluations.close(fasilitator.context, evaluation_id)
    record.trainings[meeting_id] = evaluation_id
    mufakat.meetings.close(
        fasilitator.context, meeting_id, minutes="Pelatihan selesai; pencatatan tabungan sampah dimulai bulan depan."
    )


def open_the_land_dispute(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """12-19 October: the land behind the embung is a village official's bengkok; the dispute is opened in public
    and mediated a first time, its issue and two options on record."""
    p = record.participants
    fasilitator.at(wib(10, 12, 9))
    dispute_id = mufakat.disputes.open(
        fasilitator.context,
        record.process_id,
        LAND_DISPUTE_TITLE,
        list(LAND_DISPUTE_PARTIES),
        about={"proposal_id": record.proposals["deferred"]},
        visibility="public",
    ).id
    record.disputes["land"] = dispute_id
    present = [p[key] for key in ("kades", "bpd", "warga_kidul", "kwt", "lsm", "lansia", "pkk")]
    meeting_id = hold_meeting(
        mufakat,
        fasilitator,
        record,
        "Mediasi tanah calon lokasi embung (sesi 1)",
        wib(10, 19, 19, 30),
        present,
        "other",
    )
    mufakat.disputes.hold_session(fasilitator.context, dispute_id, meeting_id, LAND_DISPUTE_SUMMARIES[0])
    issue = part_of(
        mufakat.disputes.record_issue(
            fasilitator.context,
            dispute_id,
            "Tanah bengkok di calon lokasi embung",
            [
                {"party": 0, "needs": "Penghasilan dari sawah bengkok tetap ada", "demands": "Embung dipindah"},
                {"party": 1, "needs": "Air untuk sawah di musim kemarau", "demands": "Embung dekat mata air"},
            ],
        )
    )
    for option in (
        "Tukar guling tanah bengkok dengan tanah kas desa seluas sama",
        "Desa menyewa tanah bengkok selama masa jabatan pemegangnya",
    ):
        mufakat.disputes.consider_option(fasilitator.context, dispute_id, option, issue)
    mufakat.meetings.close(
        fasilitator.context, meeting_id, minutes="Mediasi pertama; dua pilihan dibahas, keputusan di sesi 2."
    )


def report_first_monitoring(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """20 October: the first monitoring round, with the indicators' values and the money spent."""
    jalan, sampah = record.commitments[:2]
    fasilitator.at(wib(10, 20, 14))
    mufakat.commitments.report_progress(
        fasilitator.context,
        jalan,
        25,
        "Pengukuran ulang dan RAB selesai; material dipesan.",
        None,
        indicator_values={
            ROAD_LENGTH: Decimal("0"),
            RAMPS: Decimal("0"),
        },
        spent=Decimal("41500000"),
    )
    mufakat.commitments.report_progress(
        fasilitator.context,
        sampah,
        40,
        "Lokasi baru disepakati bersama warga RT 02; 38 nasabah.",
        None,
        indicator_values={MEMBERS: Decimal("38"), SORTED_WASTE: Decimal("310")},
        spent=Decimal("35000000"),
    )


def handle_the_cement_complaint(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """27 October - 3 November: a resident reports, without their name, cement missing from the village hall's
    store; the TPK reviews, answers and resolves it."""
    code = tracking_code()
    complaint_id = mufakat.complaints.file(
        CommandContext(ANONYMOUS, occurred_at=wib(10, 27, 20, 15)),
        record.process_id,
        COMPLAINT_TEXT,
        code,
        about={"commitment_id": record.commitments[0]},
        contact=COMPLAINT_CONTACT,
    ).id
    record.complaints[complaint_id] = code
    for status, response, when in COMPLAINT_ANSWERS:
        fasilitator.at(when)
        mufakat.complaints.respond(fasilitator.context, complaint_id, status, response)


def settle_the_land_dispute(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """9 November: a Musdes khusus adopts the land swap by mufakat and commits to it; the second mediation
    session ends in the agreement, which names that commitment."""
    p = record.participants
    dispute_id = record.disputes["land"]
    present = [pid for key, pid in p.items() if key not in ("swasta", "lansia_putri")]
    meeting_id = hold_meeting(
        mufakat, fasilitator, record, "Musdes khusus tanah calon lokasi embung", wib(11, 9, 9), present, "musyawarah"
    )
    mufakat.disputes.hold_session(fasilitator.context, dispute_id, meeting_id, LAND_DISPUTE_SUMMARIES[1])
    swap = mufakat.proposals.submit(
        fasilitator.context,
        record.process_id,
        title="Tukar guling tanah bengkok di calon lokasi embung dengan tanah kas desa",
        body=(
            "Tanah bengkok 0,6 ha di calon lokasi embung ditukar dengan tanah kas desa seluas sama di Dusun Kidul; "
            "hasil panen satu musim diganti Rp 9.000.000 dari APB Desa. Diajukan ke bupati untuk persetujuan."
        ),
        submitted_by=p["bpd"],
        meeting_id=meeting_id,
        planning={
            "location": {"dusun": "Kidul", "rw": "03"},
            "sector": "1.5",
            "estimated_cost": "9000000",
            "funding_source": "dana_desa",
            "implementation_pattern": "swakelola",
        },
    ).id
    record.proposals["agreed_in_mediation"] = swap
    check = part_of(mufakat.proposals.open_consensus_check(fasilitator.context, swap, meeting_id))
    for participant_id in present:
        mufakat.proposals.take_stance(fasilitator.context, swap, check, participant_id, "agree", None)
    mufakat.proposals.close_consensus_check(fasilitator.context, swap, check)
    mufakat.proposals.decide(
        fasilitator.context,
        swap,
        outcome="adopted",
        method="consensus",
        rationale="Mufakat bulat hasil mediasi sengketa tanah calon lokasi embung.",
    )
    mufakat.meetings.close(
        fasilitator.context, meeting_id, minutes="Tukar guling tanah bengkok disepakati secara mufakat."
    )
    swap_commitment = mufakat.commitments.make(
        fasilitator.context,
        swap,
        owner="Sekretaris Desa Sukamaju",
        description="Mengurus persetujuan bupati atas tukar guling dan mengganti hasil panen satu musim.",
        due=date(2027, 3, 31),
        indicators=[{"name": "Persetujuan bupati", "unit": "surat", "baseline": "0", "target": "1"}],
        budget=Decimal("9000000"),
    ).id
    record.commitments.append(swap_commitment)
    mufakat.disputes.agree(
        fasilitator.context,
        dispute_id,
        LAND_DISPUTE_AGREEMENT,
        ["Kepala Desa", "Ketua BPD", "Ketua Kelompok Tani Tirta Makmur", "Camat Kembaran (saksi)"],
        commitment_ids=[swap_commitment],
    )


def report_second_monitoring(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """24 November: the second monitoring round; the waste bank stays short of 100 percent past its due date."""
    jalan, sampah = record.commitments[:2]
    fasilitator.at(wib(11, 24, 14))
    mufakat.commitments.report_progress(
        fasilitator.context,
        jalan,
        60,
        "270 m jalan dan drainase selesai dicor.",
        "https://sukamaju.example/foto/jalan-60",
        indicator_values={
            ROAD_LENGTH: Decimal("270"),
            RAMPS: Decimal("14"),
        },
        spent=Decimal("78000000"),
    )
    mufakat.commitments.report_progress(
        fasilitator.context,
        sampah,
        75,
        "Unit bank sampah terbentuk; bangunan TPS3R belum beratap karena rangka baja terlambat datang.",
        None,
        indicator_values={MEMBERS: Decimal("71"), SORTED_WASTE: Decimal("860")},
        spent=Decimal("52000000"),
    )


def hold_the_score_card(mufakat: Mufakat, fasilitator: _Facilitator, record: DemoRecord) -> None:
    """26 November: at the monitoring meeting the attendees score the road (1-5) and comment, naming nobody."""
    p = record.participants
    attendees = [p[key] for key, _, _ in SCORE_CARD]
    meeting_id = hold_meeting(
        mufakat, fasilitator, record, "Musyawarah pemantauan pembangunan desa", wib(11, 26, 9), attendees, "monitoring"
    )
    evaluation_id = mufakat.evaluations.open(
        fasilitator.context,
        record.commitments[0],
        meeting_id,
        "Seberapa puas Anda dengan pembangunan jalan rabat beton Dusun Krajan sejauh ini?",
    ).id
    for key, score, comment in SCORE_CARD:
        mufakat.evaluations.score(fasilitator.context, evaluation_id, p[key], score, comment)
    mufakat.evaluations.close(fasilitator.context, evaluation_id)
    record.evaluations.append(evaluation_id)
    # The road's risks reviewed at the same monitoring meeting: the rain came, the cement did not fail.
    mufakat.commitment_risks.review(
        fasilitator.context,
        record.commitments[0],
        record.risks["hujan"],
        meeting_id,
        "occurred",
        "Dua hari pengecoran tertunda; beton ditutup terpal dan tidak rusak.",
    )
    mufakat.commitment_risks.review(
        fasilitator.context, record.commitments[0], record.risks["semen"], meeting_id, "mitigated", None
    )
    mufakat.meetings.close(
        fasilitator.context,
        meeting_id,
        minutes="Kartu penilaian warga atas jalan rabat beton; catatan diteruskan ke TPK.",
    )


#: The programme cycle after the decisions went up to the kecamatan, in time order: each step records what
#: happened in those weeks (the integrator adds the steps other branches bring here, in their place in time).
AFTER_THE_DECISIONS: tuple[Callable[[Mufakat, _Facilitator, DemoRecord], None], ...] = (
    make_commitments,
    register_partners,
    open_the_land_dispute,
    report_first_monitoring,
    hold_the_waste_bank_training,
    handle_the_cement_complaint,
    settle_the_land_dispute,
    report_second_monitoring,
    hold_the_score_card,
)


def tracking_code() -> str:
    """A complaint's tracking code as the service makes one: 100 random bits in groups of four letters."""
    letters = base64.b32encode(secrets.token_bytes(13)).decode("ascii")[:20]
    return "-".join(letters[i : i + 4] for i in range(0, 20, 4))
