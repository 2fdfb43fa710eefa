"""A target as provinces write it in their plans: "xếp hạng từ 25 - 30/63" (a band), "nằm trong nhóm 20 tỉnh dẫn
đầu" (rank ≤ 20), "đạt trên 90 điểm" (a score), "thuộc nhóm A" (a group), or a chance of a rank.

The case a province sets up carries its target (Scenario.target), so every page, the header and the optimiser
read the same one; a path over several years sets one per year (planner.optimiser.horizon.YearTarget). A target
is only words and numbers here; what score it asks for depends on the competition and is worked out by the
optimiser.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field, model_validator

from planner.core.i18n import Lang, format_number, t
from planner.core.model import FrozenModel

TargetKind = Literal["score", "rank", "band", "probability", "group"]
TARGET_KINDS: tuple[TargetKind, ...] = ("rank", "band", "score", "group", "probability")
Group = Literal["A", "B"]


class Target(FrozenModel):
    """What a plan aims for."""

    kind: TargetKind
    score: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    #: rank ≤ `rank` (kinds rank and probability); the worse end of a band.
    rank: int | None = Field(default=None, ge=1, le=1000)
    #: The better end of a band (25 in "25-30").
    best_rank: int | None = Field(default=None, ge=1, le=1000)
    probability: float | None = Field(default=None, gt=0, lt=1)
    #: The ministry's group to be in (A from 90 points, B from 80).
    group: Group | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        needed = {
            "score": ("score",),
            "rank": ("rank",),
            "band": ("rank", "best_rank"),
            "probability": ("rank", "probability"),
            "group": ("group",),
        }[self.kind]
        for name in needed:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.kind} target needs {name}")
        if (
            self.kind == "band"
            and self.best_rank is not None
            and self.rank is not None
            and self.best_rank > self.rank
        ):
            raise ValueError("a band's better end must not be below its worse end")
        return self

    def describe(self, lang: Lang = "vi") -> str:
        """The target as the plan states it: "hạng 25–30", "hạng ≤ 20", "85,5 điểm", "nhóm A"."""
        return t(
            f"path.target.{self.kind}",
            lang,
            score=self.score or 0.0,
            k=self.rank or 0,
            best=self.best_rank or 0,
            p=format_number(100 * (self.probability or 0.0), lang, 0),
            group=self.group or "",
        )

    @property
    def ranked(self) -> bool:
        """True when the target is a rank (a competition decides the score it asks for)."""
        return self.kind in ("rank", "band", "probability")


def parse_target(kind: TargetKind, text: str, probability: float | None = None) -> Target:
    """A target of `kind` from what a user typed: "30", "25-30" (or "25–30", "25 - 30/63"), "88,5", "A".
    Raises ValueError when the text does not read as that kind."""
    from planner.core.i18n import parse_number

    cleaned = text.strip().replace("–", "-").split("/")[0].strip()
    if kind == "score":
        return Target(kind="score", score=parse_number(cleaned))
    if kind == "group":
        group = cleaned.upper().removeprefix("NHÓM").strip()
        if group not in ("A", "B"):
            raise ValueError(text)
        return Target(kind="group", group="A" if group == "A" else "B")
    if kind == "band":
        best, sep, worst = cleaned.partition("-")
        if not sep:
            raise ValueError(text)
        return Target(kind="band", best_rank=int(best.strip()), rank=int(worst.strip()))
    if kind == "probability":
        return Target(kind="probability", rank=int(cleaned), probability=probability)
    return Target(kind="rank", rank=int(cleaned))


_BAND = re.compile(r"^(?:hạng|rank)?\s*(\d+)\s*[-–]\s*(\d+)(?:\s*/\s*\d+)?$", re.IGNORECASE)
_RANK = re.compile(
    r"^(?:hạng|rank)?\s*(?:≤|<=)?\s*(\d+)(?:\s*/\s*\d+)?"
    r"(?:\s*(?:với xác suất|with probability)\s*(?:≥|>=)\s*([\d.,]+)\s*%)?$",
    re.IGNORECASE,
)
_GROUP = re.compile(r"^(?:nhóm|group)\s*([AB])$", re.IGNORECASE)
_SCORE = re.compile(r"^(?:đạt|reach)?\s*([\d.,]+)\s*(?:điểm|points)$", re.IGNORECASE)


def read_target(text: str) -> Target:
    """A target from the words `Target.describe` writes in either language ("hạng 25–30", "rank ≤ 20",
    "85,5 điểm", "nhóm A", "hạng ≤ 20 với xác suất ≥ 80%"), as a workbook's info row carries it. Raises
    ValueError on anything else."""
    from planner.core.i18n import parse_number

    cleaned = " ".join(text.strip().split())
    if match := _BAND.match(cleaned):
        return Target(kind="band", best_rank=int(match[1]), rank=int(match[2]))
    if match := _GROUP.match(cleaned):
        return Target(kind="group", group="A" if match[1].upper() == "A" else "B")
    if match := _SCORE.match(cleaned):
        return Target(kind="score", score=parse_number(match[1]))
    if (match := _RANK.match(cleaned)) and re.search(r"hạng|rank|≤|<=", cleaned, re.IGNORECASE):
        if match[2]:
            return Target(kind="probability", rank=int(match[1]), probability=parse_number(match[2]) / 100)
        return Target(kind="rank", rank=int(match[1]))
    raise ValueError(text)
