"""The curated resources section, professional verification, and safety phrases."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import PROFESSION_LABELS, Profession, User


class Section(StrEnum):
    RESEARCH = "research"
    BOOKS = "books"
    GUIDANCE = "guidance"
    HELPLINES = "helplines"
    GUIDES = "guides"


SECTION_LABELS = {
    Section.RESEARCH: "Research papers",
    Section.BOOKS: "Books",
    Section.GUIDANCE: "Guidance & prescribing information",
    Section.HELPLINES: "Helplines & support",
    Section.GUIDES: "Community guides",
}


class Evidence(StrEnum):
    SELF_CASE_REPORT = "self_case_report"
    CASE_SERIES = "case_series"
    OBSERVATIONAL = "observational"
    RCT = "rct"
    SECONDARY_ANALYSIS = "secondary_analysis"
    REVIEW = "review"
    BOOK = "book"
    GUIDELINE = "guideline"
    HELPLINE = "helpline"


EVIDENCE_LABELS = {
    Evidence.SELF_CASE_REPORT: "Self-case report",
    Evidence.CASE_SERIES: "Case series",
    Evidence.OBSERVATIONAL: "Observational study",
    Evidence.RCT: "Randomised controlled trial",
    Evidence.SECONDARY_ANALYSIS: "Secondary analysis of a trial",
    Evidence.REVIEW: "Review or meta-analysis",
    Evidence.BOOK: "Book",
    Evidence.GUIDELINE: "Guideline",
    Evidence.HELPLINE: "Helpline",
}


class Resource(db.Model):
    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint("section IN ('research', 'books', 'guidance', 'helplines', 'guides')",
                        name="section_known"),
        CheckConstraint("evidence_type IN ('self_case_report', 'case_series', 'observational', "
                        "'rct', 'secondary_analysis', 'review', 'book', 'guideline', "
                        "'helpline')", name="evidence_known"),
        Index("ix_resources_listing", "removed_at", "section", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable name for seeded entries, so `seed` can run again without duplicating.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    section: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    authors: Mapped[str] = mapped_column(String(300), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")  # journal or publisher
    doi: Mapped[str] = mapped_column(String(100), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    evidence_type: Mapped[str] = mapped_column(String(30))
    # What it shows, and what it does not.
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Helplines: the country they serve ("United Kingdom"); empty for "anywhere".
    country: Mapped[str] = mapped_column(String(60), default="")

    @property
    def evidence_label(self) -> str:
        return EVIDENCE_LABELS[Evidence(self.evidence_type)]

    @property
    def section_label(self) -> str:
        return SECTION_LABELS[Section(self.section)]

    @property
    def link(self) -> str:
        """Where the entry points: its URL, else its DOI resolved."""
        if self.url:
            return self.url
        return f"https://doi.org/{self.doi}" if self.doi else ""


class ProfessionalApplication(db.Model):
    __tablename__ = "professional_applications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'declined', 'revoked')",
                        name="status_known"),
        Index("ix_professional_applications_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    profession: Mapped[str] = mapped_column(String(20))
    # Public: a professional register entry or practice page.
    register_url: Mapped[str] = mapped_column(String(500))
    # Private: for moderators only, never shown anywhere public.
    private_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def profession_label(self) -> str:
        return PROFESSION_LABELS[Profession(self.profession)]


class SafetyPhrase(db.Model):
    """Words that suggest a risk to life. Posts containing one are published, and the
    author is shown helplines, and moderators see the post first."""

    __tablename__ = "safety_phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(100), unique=True)
