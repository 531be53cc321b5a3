"""The steps of a process's programme report (laporan hasil dan dampak): worded in Bahasa Indonesia and English.

Neither names a participant. A sealing is read through `GET /processes/{id}/report` and the raw log; it is not
part of a proposal's history nor of the feed.
"""

from __future__ import annotations

from domain.programme_report import ProgrammeReport
from projections.registry.entry import Entry

ENTRIES = (
    Entry(
        ProgrammeReport.Started,
        id=lambda d, who: "Laporan hasil dan dampak proses dimulai",
        en=lambda d, who: "Programme report of the process begun",
    ),
    Entry(
        ProgrammeReport.Sealed,
        id=lambda d, who: (
            f"Laporan hasil dan dampak versi {d.get('report_version')} disegel "
            f"(mencakup log hingga posisi {d.get('log_position')})"
        ),
        en=lambda d, who: (
            f"Programme report version {d.get('report_version')} sealed "
            f"(covering the log up to position {d.get('log_position')})"
        ),
    ),
)
