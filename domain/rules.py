"""The decision rules of a process: what counts as consensus, quorum, vote fallback and threshold.

Fractions, not floats, decide: 2/3 of 9 invited is exactly 6, and a vote of
5 yes to 5 no is not "more than half".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

#: Permendesa 16/2019: a musyawarah desa decides when two thirds of those invited attend.
DEFAULT_QUORUM = 2 / 3
#: More than half of the yes and no ballots.
DEFAULT_VOTE_THRESHOLD = 0.5
#: What "consensus reached" means: `unanimity` (mufakat bulat) or `consent` (dissent on record).
CONSENSUS_RULES = ("unanimity", "consent")


def as_fraction(share: float) -> Fraction:
    """A share such as 0.6666666666666666 as the small fraction it stands for (2/3).

    Only a fraction that is the share up to float rounding: 0.0001 stays 0.0001,
    never 0 (which would let a meeting decide with nobody present).
    """
    # The decimal a person wrote (0.9996), not the binary float nearest to it (0.99960000000000004...).
    written = Fraction(repr(float(share)))
    small = written.limit_denominator(1000)
    return small if abs(small - written) < Fraction(1, 10**12) else written


@dataclass(frozen=True)
class DecisionRules:
    """How a process decides; a decision keeps a copy of the rules it was made under."""

    quorum: float = DEFAULT_QUORUM
    vote_fallback: bool = True
    vote_threshold: float = DEFAULT_VOTE_THRESHOLD
    legal_basis: str | None = None
    consensus: str = "unanimity"
    vote_without_check: bool = False

    def __post_init__(self) -> None:
        if self.consensus not in CONSENSUS_RULES:
            raise ValueError("consensus must be unanimity or consent")
        if not 0 <= self.quorum <= 1:
            raise ValueError("quorum must be a share between 0 and 1")
        if not 0.5 <= self.vote_threshold <= 1:
            raise ValueError("vote_threshold must be a share between 0.5 and 1")

    def quorum_holds(self, invited: int, present_of_invited: int) -> bool:
        """Whether enough of those invited attend: at least `quorum` of them, and somebody was invited."""
        if invited <= 0:
            # Walk-ins do not count towards quorum, so a musyawarah that invited nobody
            # would otherwise let walk-ins alone decide for the community.
            return False
        return present_of_invited >= as_fraction(self.quorum) * invited

    def vote_passes(self, yes: int, no: int) -> bool:
        """More than half of the yes and no ballots, and at least the threshold of them."""
        cast = yes + no
        if cast == 0:
            return False
        return yes * 2 > cast and yes >= as_fraction(self.vote_threshold) * cast

    def consensus_reached(self, counts: dict[str, int]) -> bool:
        """Whether these stances reach consensus under this process's rule, blocking objections and quorum aside.

        Unanimity (mufakat bulat): nobody blocks, nobody disagrees, at least one agrees; abstentions allowed.
        Consent: nobody blocks and more agree than disagree; each disagree stays on record as dissent.
        """
        if counts.get("block", 0) > 0:
            return False
        agree, disagree = counts.get("agree", 0), counts.get("disagree", 0)
        if self.consensus == "unanimity":
            return disagree == 0 and agree > 0
        return agree > disagree

    def consensus_against(self, counts: dict[str, int]) -> bool:
        """Whether these stances reach consensus *against* the text: the same rule, read the other way round.

        A rejection by consensus (ditolak melalui mufakat) is itself a mufakat, so it needs the room agreed to
        reject, not merely a check that failed. Unanimity: nobody agrees and at least one disagrees or blocks;
        consent: more disagree or block than agree. Abstentions count for neither side.
        """
        agree = counts.get("agree", 0)
        against = counts.get("disagree", 0) + counts.get("block", 0)
        if self.consensus == "unanimity":
            return agree == 0 and against > 0
        return against > agree

    def as_dict(self) -> dict[str, object]:
        """The rules as plain values, for storage and output."""
        return {
            "quorum": self.quorum,
            "vote_fallback": self.vote_fallback,
            "vote_threshold": self.vote_threshold,
            "legal_basis": self.legal_basis,
            "consensus": self.consensus,
            "vote_without_check": self.vote_without_check,
        }

    @classmethod
    def from_dict(cls, fields: dict[str, object]) -> DecisionRules:
        """The rules back from `as_dict`; rules stored before a field existed read as its default."""
        legal_basis = fields.get("legal_basis")
        return cls(
            quorum=float(fields.get("quorum", DEFAULT_QUORUM)),  # type: ignore[arg-type]
            vote_fallback=bool(fields.get("vote_fallback", True)),
            vote_threshold=float(fields.get("vote_threshold", DEFAULT_VOTE_THRESHOLD)),  # type: ignore[arg-type]
            legal_basis=str(legal_basis) if legal_basis is not None else None,
            consensus=str(fields.get("consensus", "unanimity")),
            vote_without_check=bool(fields.get("vote_without_check", False)),
        )
