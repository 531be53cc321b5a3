"""The service's own events, by topic (the read models import nothing of the service): tokens, idempotency
records, the directory of processes and the audit log's checkpoints. Only a sealed checkpoint and a key rotation are
published."""

from __future__ import annotations

from typing import Any

from projections.registry.entry import IN_FEED, Entry

#: Where a sealed checkpoint is stored (`service.audit.checkpoints.CheckpointSealed`).
CHECKPOINT_TOPIC = "service.audit.checkpoints:CheckpointSealed"
#: Where a hand-over of checkpoint signing to a new key is stored (`service.audit.checkpoints.SigningKeyRotated`).
KEY_ROTATION_TOPIC = "service.audit.checkpoints:SigningKeyRotated"


def _until(data: dict[str, Any], words: str) -> str:
    """When a token expires, in a sentence's own words; nothing for a token that never does."""
    return f"{words} {data['expires_at']}" if data.get("expires_at") else ""


ENTRIES = (
    Entry(
        "service.app.access:AccessToken.Issued",
        id=lambda d, who: "Token akses diterbitkan" + _until(d, ", berlaku sampai"),
        en=lambda d, who: "Access token issued" + _until(d, ", valid until"),
    ),
    Entry(
        "service.app.access:AccessToken.Revoked",
        id=lambda d, who: f"Token akses dicabut oleh {who}",
        en=lambda d, who: f"Access token revoked by {who}",
    ),
    Entry(
        "service.app.access:AccessToken.Granted",
        id=lambda d, who: "Token akses diberi hak menulis pada satu proses lagi",
        en=lambda d, who: "Access token granted one more process",
    ),
    Entry(
        "service.app.access:AccessToken.SignInLinkIssued",
        id=lambda d, who: f"Tautan masuk sekali pakai dibuat oleh {who}" + _until(d, ", berlaku sampai"),
        en=lambda d, who: f"One-time sign-in link made by {who}" + _until(d, ", valid until"),
    ),
    Entry(
        "service.app.access:AccessToken.SignInLinkUsed",
        id=lambda d, who: "Konsol masuk dengan tautan masuk sekali pakai",
        en=lambda d, who: "A console signed in with a one-time sign-in link",
    ),
    Entry(
        "service.app.idempotency:IdempotencyRecord.Recorded",
        id=lambda d, who: "Jawaban sebuah permintaan disimpan untuk pengulangannya",
        en=lambda d, who: "The answer to a request kept for its retries",
    ),
    Entry(
        "service.app.ranking_index:RankingListed",
        id=lambda d, who: "Pemeringkatan dicatat dalam daftar pemeringkatan proses",
        en=lambda d, who: "Ranking listed among the rankings of its process",
    ),
    Entry(
        "service.app.evaluation_index:EvaluationListed",
        id=lambda d, who: "Penilaian warga dicatat dalam daftar penilaian janji tindak lanjut",
        en=lambda d, who: "Community evaluation listed among the evaluations of its commitment",
    ),
    Entry(
        "service.app.complaint_index:ComplaintListed",
        id=lambda d, who: "Pengaduan dicatat dalam daftar pengaduan proses",
        en=lambda d, who: "Complaint listed among the complaints of its process",
    ),
    Entry(
        "service.app.complaint_index:ComplaintTracked",
        id=lambda d, who: "Kode pelacakan pengaduan disimpan (hanya hash-nya)",
        en=lambda d, who: "A complaint's tracking code kept (its hash only)",
    ),
    Entry(
        "service.app.complaint_index:PartnerListed",
        id=lambda d, who: "Mitra dicatat dalam daftar mitra proses",
        en=lambda d, who: "Partner listed among the partners of its process",
    ),
    Entry(
        "service.app.process_directory:ProcessListed",
        id=lambda d, who: "Proses dicatat dalam daftar proses",
        en=lambda d, who: "Process listed in the directory of processes",
    ),
    Entry(
        "service.app.dispute_directory:DisputeListed",
        id=lambda d, who: "Konflik dicatat dalam daftar konflik",
        en=lambda d, who: "Dispute listed in the directory of disputes",
    ),
    Entry(
        CHECKPOINT_TOPIC,
        id=lambda d, who: f"Titik periksa log audit disegel pada posisi {d.get('position')}",
        en=lambda d, who: f"Audit log checkpoint sealed at position {d.get('position')}",
        published=IN_FEED,
    ),
    Entry(
        KEY_ROTATION_TOPIC,
        id=lambda d, who: "Kunci penanda tangan titik periksa diganti",
        en=lambda d, who: "The key that signs checkpoints rotated",
        published=IN_FEED,
    ),
    Entry(
        "service.audit.minutes_certificates:MinutesCertificate.Bound",
        id=lambda d, who: "Sertifikat penanda tangan berita acara diikat ke kunci log",
        en=lambda d, who: "The certificate that signs berita acara bound to the log's key",
    ),
    Entry(
        "service.audit.witness:CheckpointCosigned",
        id=lambda d, who: f"Saksi {d.get('witness')} menandatangani bersama titik periksa ukuran {d.get('tree_size')}",
        en=lambda d, who: f"Witness {d.get('witness')} cosigned the checkpoint of size {d.get('tree_size')}",
    ),
)
