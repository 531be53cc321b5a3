"""The pages of a berita acara, laid out as Indonesian village minutes are, with fpdf2.

Kop, title, the opening sentence (day, date, time, place), agenda, attendance,
each proposal dealt with, notes, closing formula, signature blocks; every page
ends with a footer that gives the log position, how to verify, and a QR code
to the public decision pages. Nothing here reads a clock or draws a random
number: the same document always gives the same bytes.
"""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from service.adapters.minutes_blocks import FAMILY, LINE, PageBlocks
from service.adapters.minutes_document import (
    CheckRecord,
    ContributionRecord,
    MinutesDocument,
    ObjectionRecord,
    ProposalRecord,
    Signatory,
    VoteRecord,
)
from service.adapters.minutes_words import (
    WORDS,
    gender_word,
    group_word,
    opening_sentence,
    speaker_words,
    vote_rule,
    written_date,
)

_ROMAN = ("I", "II", "III", "IV", "V")
_QR_SIZE = 19.0  # mm
_FOOTER_TOP = 297 - 31.0


class MinutesPages(PageBlocks):
    """An A4 berita acara: the pages of one document in one language."""

    def __init__(self, document: MinutesDocument, language: str) -> None:
        super().__init__(_FOOTER_TOP)
        self.document = document
        self.language = language
        self.words = WORDS[language]

    # --- what fpdf2 calls on every page ------------------------------------------

    def header(self) -> None:
        """From page 2 on, a running line saying which document this page belongs to."""
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(90)
        title = f"{self.words['title']} · {self.document.meeting_title}"
        width = self.w - self.l_margin - self.r_margin
        while self.get_string_width(title) > width:
            title = title[:-2] + "…"
        self.cell(0, 4, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(160)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_text_color(0)
        self.ln(5)

    def footer(self) -> None:
        """The log position, how to check this file, the page number, and a QR code to the decision pages."""
        footer = self.document.footer
        self.footer_rule()
        text_width = self.w - self.l_margin - self.r_margin - _QR_SIZE - 4
        lines = (
            self.words["footer_hash"].format(position=footer.log_position),
            footer.verification,
            footer.public_url,
        )
        for line in lines:
            self.multi_cell(text_width, 3.4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "B", 7)
        self.cell(text_width, 4, self.words["page"].format(page=self.page_no(), pages="{pages}"))
        self.set_text_color(0)
        self._qr(footer.public_url, self.w - self.r_margin - _QR_SIZE, _FOOTER_TOP + 2, _QR_SIZE)

    # --- the document ------------------------------------------------------------

    def compose(self) -> None:
        """Lays out the whole berita acara."""
        self.add_page()
        self._kop()
        self._title()
        self._opening()
        self._attendance(_ROMAN[0])
        self._deliberation(_ROMAN[1])
        sections = [("meeting_minutes", self.document.meeting_minutes), ("notes", self.document.notes)]
        for number, (key, text) in zip(_ROMAN[2:], [(k, t) for k, t in sections if t], strict=False):
            self._heading(f"{number}. {self.words[key]}")
            self._paragraph(text)
        self.ln(3)
        self._paragraph(self.words["closing"])
        self._signatures()

    def _kop(self) -> None:
        document = self.document
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 6, document.process_title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 10)
        region = f"{document.region_name} · {self.words['region_code']} {document.region_code}"
        self.multi_cell(0, 5, region, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 1.5
        self.set_draw_color(0)
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + 1.1, self.w - self.r_margin, y + 1.1)
        self.set_y(y + 5)

    def _title(self) -> None:
        self.set_font(FAMILY, "B", 13)
        # A musyawarah's berita acara keeps its title; a meeting of another kind is named by its kind.
        title = self.words.get(f"title_{self.document.meeting_kind}", self.words["title"])
        self.multi_cell(0, 6.5, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "B", 11)
        self.multi_cell(0, 5.5, self.document.meeting_title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90)
        version = self.words["version_public" if self.document.version == "public" else "version_full"]
        self.multi_cell(0, 4.5, version, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(4)

    def _opening(self) -> None:
        document = self.document
        self._paragraph(
            opening_sentence(
                document.occurred_at, document.place, document.meeting_title, document.process_title, self.language
            )
        )
        for number, item in enumerate(document.agenda, start=1):
            self._item(f"{number}.", item)
        self.ln(2)

    def _attendance(self, number: str) -> None:
        attendance = self.document.attendance
        w = self.words
        self._heading(f"{number}. {w['attendance']}")
        self._key_value(w["invited"], f"{attendance.invited} {w['people']}")
        self._key_value(w["present"], f"{attendance.present} {w['people']}")
        if attendance.walk_ins not in (0, "0"):
            self._key_value(w["walk_ins"], f"{attendance.walk_ins} {w['people']}")
        quorum = (
            f"{attendance.quorum_share} {w['quorum_of_invited']} {attendance.quorum_required} {w['people']}"
            f" ({w['met'] if attendance.quorum_met else w['not_met']})"
        )
        if attendance.quorum_basis:
            quorum += f"; {attendance.quorum_basis}"
        self._key_value(w["quorum"], quorum)
        self.ln(1)
        by_group = [(group_word(group, self.language), count) for group, count in attendance.by_group.items()]
        by_gender = [(gender_word(gender, self.language), count) for gender, count in attendance.by_gender.items()]
        self._side_by_side(
            w["count"],
            (w["by_group"], w["group"], by_group),
            (w["by_gender"], w["gender"], by_gender),
        )
        if attendance.attendance_list is not None:
            self._subheading(w["attendance_list"])
            rows = [
                (str(index), attendee.name, group_word(attendee.group, self.language), "")
                for index, attendee in enumerate(attendance.attendance_list, start=1)
            ]
            self._table((w["number"], w["name"], w["group"], w["signature"]), rows, (10, 70, 46, 40))

    def _deliberation(self, number: str) -> None:
        self._heading(f"{number}. {self.words['deliberation']}")
        if not self.document.proposals:
            self._paragraph(self.words["no_proposals"])
        for index, proposal in enumerate(self.document.proposals, start=1):
            self._proposal(index, proposal)

    def _proposal(self, index: int, proposal: ProposalRecord) -> None:
        w = self.words
        if self.will_page_break(30):
            self.add_page()
        self.set_font(FAMILY, "B", 10.5)
        self.multi_cell(
            0, 5.5, f"{number_label(index)} {w['proposal']}: {proposal.title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self._label(w["text_as_decided"].format(version=proposal.text_version))
        self._paragraph(proposal.text, indent=4)
        if proposal.contributions:
            self._label(w["contributions"])
            for contribution in proposal.contributions:
                self._item("•", self._contribution(contribution))
        if proposal.objections:
            self._label(w["objections"])
            for objection in proposal.objections:
                self._item("•", self._objection(objection))
        if proposal.checks:
            self._label(w["checks"])
            for check in proposal.checks:
                self._item("•", self._check(check))
            self._paragraph(w["consensus_rule"], indent=4, size=8.5)
        if proposal.votes:
            self._label(w["votes"])
            for vote in proposal.votes:
                self._item("•", self._vote(vote))
            self._paragraph(vote_rule(proposal.votes[-1].threshold, self.language), indent=4, size=8.5)
        self._label(w["decision"])
        self._decision(proposal)
        if proposal.dissent:
            self._label(w["dissent"])
            for dissent in proposal.dissent:
                self._item("•", dissent)
        if proposal.commitments:
            self._label(w["commitments"])
            rows = [(c.description, c.owner, written_date(c.due, self.language)) for c in proposal.commitments]
            self._table((w["commitment"], w["owner"], w["due"]), rows, (86, 44, 36))
        self.ln(3)

    def _contribution(self, contribution: ContributionRecord) -> str:
        w = self.words
        who = contribution.speaker or speaker_words(contribution.speaker_group, self.language)
        kind = w.get(f"kind_{contribution.kind}", contribution.kind)
        return f"{kind} {w['from']} {who}: \u201c{contribution.text}\u201d"

    def _objection(self, objection: ObjectionRecord) -> str:
        w = self.words
        kind = w["blocking_objection"] if objection.blocking else w["objection"]
        who = objection.raised_by or speaker_words(objection.raised_by_group, self.language)
        ended = w.get(objection.outcome, objection.outcome)
        text = f"{kind} {w['raised_by']} {who}: \u201c{objection.grounds}\u201d \u2014 {ended}"
        return f"{text} ({objection.note})" if objection.note else text

    def _check(self, check: CheckRecord) -> str:
        w = self.words
        tally = ", ".join(f"{w[key]} {getattr(check, key)!s}" for key in ("agree", "abstain", "disagree", "block"))
        reasons = []
        if check.unresolved_blocking_objections:
            reasons.append(f"{check.unresolved_blocking_objections} {w['standing_objections']}")
        if not check.quorum_met:
            reasons.append(w["quorum_failed"])
        because = f" ({'; '.join(reasons)})" if reasons else ""
        return f"{w.get(check.result, check.result)}{because}: {tally}"

    def _vote(self, vote: VoteRecord) -> str:
        w = self.words
        tally = ", ".join(f"{w[key]} {getattr(vote, key)!s}" for key in ("yes", "no", "abstain"))
        because = "" if vote.quorum_met else f" ({w['quorum_failed']})"
        return f"{w.get(vote.result, vote.result)}{because}: {tally}"

    def _decision(self, proposal: ProposalRecord) -> None:
        w = self.words
        decision = proposal.decision
        if decision is None:
            self._paragraph(w["undecided"], indent=4)
            return
        verdict = " ".join(
            part
            for part in (
                w.get(f"decision_{decision.outcome}_{decision.method}")
                or w.get(f"decision_{decision.outcome}", decision.outcome),
                w.get(f"method_{decision.method}", ""),
            )
            if part
        )
        self.set_font(FAMILY, "B", 10)
        self.set_x(self.l_margin + 4)
        self.multi_cell(0, LINE, f"{verdict}.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if decision.rationale:
            self._paragraph(f"{w['rationale']}: {decision.rationale}", indent=4)

    def _signatures(self) -> None:
        w = self.words
        document = self.document
        self.ln(4)
        block_height = 34
        if self.will_page_break(block_height + 8):
            self.add_page()
        self.set_font(FAMILY, "", 10)
        place = f"{document.region_name}, {written_date(document.occurred_at, self.language)}"
        self.cell(0, LINE, place, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self._signature_row([(w["secretary"], document.secretary), (w["chair"], document.chair)])
        if document.signatories:
            self.ln(2)
            if self.will_page_break(LINE + 32):
                self.add_page()
            self.set_font(FAMILY, "B", 10)
            self.cell(0, LINE, f"{w['signatories']}:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            signatories = list(document.signatories)
            for start in range(0, len(signatories), 2):
                self._signature_row([(person.role, person) for person in signatories[start : start + 2]])

    def _signature_row(self, people: list[tuple[str, Signatory]]) -> None:
        """Up to two signature blocks side by side: what they sign as, room to sign, name, and office."""
        w = self.words
        if self.will_page_break(34):
            self.add_page()
        column = (self.w - self.l_margin - self.r_margin) / 2
        top = self.get_y()
        for index, (heading, person) in enumerate(people):
            x = self.l_margin + index * column
            self.set_xy(x, top)
            self.set_font(FAMILY, "", 10)
            self.multi_cell(column - 4, LINE, heading, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_font(FAMILY, "", 7)
            self.set_text_color(110)
            self.multi_cell(column - 4, 3.5, f"({w['signed_on_paper']})", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(0)
            self.set_xy(x, self.get_y() + 12)
            if person.name:
                self.set_font(FAMILY, "BU", 10)
                self.multi_cell(column - 4, LINE, person.name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            else:
                self.set_font(FAMILY, "", 8)
                self.multi_cell(column - 4, LINE, w["name_withheld"], align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if person.role != heading:
                self.set_font(FAMILY, "", 8.5)
                self.multi_cell(column - 4, 4, person.role, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + 34)


def number_label(index: int) -> str:
    """How a proposal is numbered in the minutes: "1.", "2.", ..."""
    return f"{index}."
