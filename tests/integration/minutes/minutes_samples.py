"""The berita acara of the demo's second meeting (14 invited, 4 proposals), as the read model will fill it.

The full version names everyone; the public version is the same meeting with
every name left out and small counts given as "<3", as the caller suppresses them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from service.adapters.minutes_document import (
    Attendance,
    Attendee,
    CheckRecord,
    CommitmentRecord,
    DecisionRecord,
    MinutesDocument,
    MinutesFooter,
    ObjectionRecord,
    ProposalRecord,
    Signatory,
    VoteRecord,
)

WIB = timezone(timedelta(hours=7))

#: Who came to the second meeting (12 of the 14 invited), as the daftar hadir lists them.
PRESENT = (
    ("Hj. Nurhayati Rahmawati", "government"),
    ("Bambang Sugiarto", "government"),
    ("Sutrisno Hadi Prayitno", "resident"),
    ("Rahmat Hidayat", "resident"),
    ("Siti Aminah", "women"),
    ("Rina Kartika Sari", "women"),
    ("Dimas Prasetyo", "youth"),
    ("Ayu Lestari", "youth"),
    ("Karsono Wiryodiharjo", "elderly"),
    ("Agus Setiawan", "disability"),
    ("Joko Susilo", "vulnerable"),
    ("Wahyu Nugroho", "ngo"),
)
CHAIR = "Bambang Sugiarto"
SECRETARY = "Slamet Riyadi"
SIGNATORIES = (
    ("Kepala Desa Sukamaju", "Hj. Nurhayati Rahmawati"),
    ("Wakil masyarakat Dusun Krajan", "Sutrisno Hadi Prayitno"),
    ("Wakil kelompok perempuan (TP PKK)", "Siti Aminah"),
    ("Wakil penyandang disabilitas", "Agus Setiawan"),
)
#: Every name the full version carries and the public version must not.
NAMES = tuple(sorted({name for name, _ in PRESENT} | {CHAIR, SECRETARY} | {name for _, name in SIGNATORIES}))

ROAD_TEXT = (
    "Jalan tanah sepanjang 450 m di Dusun Krajan dibangun rabat beton lebar 3 m dengan saluran drainase di sisi "
    "timur, tanpa tanggul, dan landaian (ramp) landai 1:12 di setiap akses rumah, musala dan posyandu. "
    "Perkiraan biaya Rp 198.000.000 dari Dana Desa."
)


def full_minutes() -> MinutesDocument:
    """The version for the process's facilitators, admins and auditors: names and daftar hadir included."""
    return MinutesDocument(
        document_id="meeting-5b0e7d9c-sesi-2/v1",
        version="full",
        process_title="Musrenbang Desa Sukamaju 2027",
        region_name="Desa Sukamaju, Kabupaten Banyumas, Jawa Tengah",
        region_code="33.02.10.2001",
        meeting_title="Musrenbang Desa Sukamaju sesi 2: penetapan prioritas",
        place="Balai Desa Sukamaju",
        occurred_at=datetime(2026, 9, 22, 8, 30, tzinfo=WIB),
        agenda=(
            "Pembukaan dan pembacaan tata tertib musyawarah",
            "Pembahasan dan penetapan usulan prioritas RKP Desa 2027",
            "Penetapan tindak lanjut dan penandatanganan berita acara",
        ),
        attendance=Attendance(
            invited=14,
            present=12,
            quorum_share="2/3",
            quorum_required=10,
            quorum_met=True,
            quorum_basis="Permendesa PDTT No. 16 Tahun 2019",
            by_group={
                "government": 2,
                "resident": 2,
                "women": 2,
                "youth": 2,
                "elderly": 1,
                "disability": 1,
                "vulnerable": 1,
                "ngo": 1,
            },
            by_gender={"female": 4, "male": 7, "undisclosed": 1},
            attendance_list=tuple(Attendee(name=name, group=group) for name, group in PRESENT),
        ),
        proposals=(
            ProposalRecord(
                title="Pembangunan jalan rabat beton Dusun Krajan (RT 01-04)",
                text=ROAD_TEXT,
                text_version=2,
                objections=(
                    ObjectionRecord(
                        grounds="Tanggul 20 cm tanpa landaian menutup akses kursi roda ke rumah warga dan ke musala.",
                        blocking=True,
                        outcome="addressed",
                        raised_by_group="disability",
                        raised_by="Agus Setiawan",
                        note="Rancangan diubah: tanggul dihapus, landaian dan drainase ditambahkan.",
                    ),
                ),
                checks=(CheckRecord(agree=11, abstain=1, disagree=0, block=0, result="reached", quorum_met=True),),
                decision=DecisionRecord(
                    outcome="adopted",
                    method="consensus",
                    rationale="Mufakat tercapai setelah rancangan diubah agar ramah disabilitas; prioritas 1.",
                ),
                commitments=(
                    CommitmentRecord(
                        description="Membangun jalan rabat beton 450 m dengan drainase dan landaian.",
                        owner="Pemerintah Desa (Kaur Perencanaan) dan TPK",
                        due=date(2027, 8, 31),
                    ),
                ),
            ),
            ProposalRecord(
                title="Penyertaan modal BUMDes untuk unit bank sampah dan TPS3R",
                text=(
                    "BUMDes Sukamaju Mandiri mendapat penyertaan modal Rp 120.000.000 untuk membangun bank sampah "
                    "dan tempat pengolahan sampah (TPS3R) di tanah kas desa dekat lapangan Dusun Kidul."
                ),
                objections=(
                    ObjectionRecord(
                        grounds="TPS3R di lokasi itu akan menimbulkan bau dan lalat di permukiman RT 02.",
                        blocking=True,
                        outcome="overruled",
                        raised_by_group="resident",
                        raised_by="Rahmat Hidayat",
                        note="Syarat jarak 200 m dari permukiman dimasukkan ke tindak lanjut.",
                    ),
                ),
                checks=(
                    CheckRecord(
                        agree=9,
                        abstain=0,
                        disagree=2,
                        block=1,
                        result="not_reached",
                        quorum_met=True,
                        unresolved_blocking_objections=1,
                    ),
                ),
                votes=(VoteRecord(yes=9, no=2, abstain=1, result="passed", threshold="1/2", quorum_met=True),),
                decision=DecisionRecord(
                    outcome="adopted",
                    method="vote",
                    rationale="Mufakat tidak tercapai; disepakati melalui pemungutan suara.",
                ),
                dissent=("Warga RT 02 meminta TPS3R dipindah minimal 200 m dari permukiman.",),
                commitments=(
                    CommitmentRecord(
                        description="Membentuk unit bank sampah dan membangun TPS3R minimal 200 m dari RT 02.",
                        owner="BUMDes Sukamaju Mandiri",
                        due=date(2027, 6, 30),
                    ),
                ),
            ),
            ProposalRecord(
                title="Pembangunan gapura batas desa",
                text="Gapura permanen di batas desa sebelah utara. Perkiraan biaya Rp 95.000.000.",
                objections=(
                    ObjectionRecord(
                        grounds="Biaya gapura lebih besar dari anggaran pelatihan pemuda.",
                        blocking=False,
                        outcome="withdrawn",
                        raised_by_group="youth",
                        raised_by="Ayu Lestari",
                        note="Pelatihan pemuda sudah masuk usulan dusun.",
                    ),
                ),
                votes=(VoteRecord(yes=3, no=9, abstain=0, result="failed", threshold="1/2", quorum_met=True),),
                decision=DecisionRecord(
                    outcome="rejected",
                    method="vote",
                    rationale="Suara terbanyak menolak: dana diprioritaskan untuk kebutuhan dasar.",
                ),
            ),
            ProposalRecord(
                title="Pembangunan embung desa untuk irigasi musim kemarau",
                text="Embung berkapasitas 5.000 m\u00b3 di Dusun Kidul untuk mengairi sawah pada musim kemarau.",
                decision=DecisionRecord(
                    outcome="deferred",
                    method="none",
                    rationale="Ditunda sampai status tanah jelas dan kajian teknis Dinas PUPR tersedia.",
                ),
            ),
        ),
        chair=Signatory(role="Ketua BPD Sukamaju", name=CHAIR),
        secretary=Signatory(role="Sekretaris Desa Sukamaju", name=SECRETARY),
        signatories=tuple(Signatory(role=role, name=name) for role, name in SIGNATORIES),
        notes="Berita acara ditandatangani Kepala Desa, Ketua BPD dan wakil masyarakat pada salinan kertas.",
        footer=MinutesFooter(
            log_position=412,
            public_url="https://mufakat.example/processes/3f1c/meetings/5b0e",
            verification=(
                "Periksa keaslian: hitung SHA-256 berkas ini (sha256sum) dan bandingkan dengan butir umpan "
                "berjenis minutes, atau jalankan: mufakat verify-minutes berkas.pdf"
            ),
        ),
    )


def public_minutes() -> MinutesDocument:
    """The public version of the same meeting: no name anywhere, counts of 1 or 2 shown as "<3"."""
    full = full_minutes()
    attendance = replace(
        full.attendance,
        by_group={
            "government": "<3",
            "resident": "<3",
            "women": "<3",
            "youth": "<3",
            "elderly": "<3",
            "disability": "<3",
            "vulnerable": "<3",
            "ngo": "<3",
        },
        by_gender={"female": 4, "male": 7, "undisclosed": "<3"},
        attendance_list=None,
    )
    proposals = tuple(
        replace(proposal, objections=tuple(replace(o, raised_by=None) for o in proposal.objections))
        for proposal in full.proposals
    )
    return replace(
        full,
        document_id="meeting-5b0e7d9c-sesi-2/v1",
        version="public",
        attendance=attendance,
        proposals=proposals,
        chair=Signatory(role=full.chair.role),
        secretary=Signatory(role=full.secretary.role),
        signatories=tuple(Signatory(role=s.role) for s in full.signatories),
    )
