"""Tables of diagrams: every deployed version of every diagram file, kept for ever."""

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime


class ProcessVersion(Model):
    """One version of one diagram file (.bpmn or .dmn), kept for ever. A rollback deploys an
    earlier version's content again as a new number, so content may repeat across numbers."""

    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("file_name", "number"),
        Index("ix_process_versions_file_name_content_hash", "file_name", "content_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(4))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # executable process ids (bpmn) or decision ids (dmn) defined in this file
    defines: Mapped[list] = mapped_column(JSON)
    # process ids this file calls and decision ids it uses
    requires: Mapped[list] = mapped_column(JSON)
    # message names that start a process of this file
    start_messages: Mapped[list] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
