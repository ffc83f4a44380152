"""The process owner's diagrams: what is deployed, deploying, rolling back, downloading.

Deploying stores a new version of a file once the server's checks
(service.diagrams.checks) find no problem; a refused file changes nothing. New
instances start on the newest versions; running instances keep theirs until they
are migrated (service.diagrams.instance_migration). Rolling back deploys an earlier version's content
again, as the newest number, so the history reads as it happened. Every deployment
is audited.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import select

from service.db import db, writing
from service.diagrams import checks as diagram_checks
from service.diagrams import diff as diagram_diff
from service.diagrams import instance_list, specs
from service.errors import InvalidData, NotFound, SpecError
from service.models import InstanceStatus, ProcessInstance, ProcessVersion
from service.people.accounts import Identity
from service.workflow import audit, clock

FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,150}\.(bpmn|dmn)$")


class DiagramRefused(InvalidData):
    """The server's checks found problems; `problems` lists them (element id, message)."""

    def __init__(self, file_name: str, problems: list):
        count = len(problems)
        super().__init__(f"{file_name} was not deployed: {count} problem{'s' if count != 1 else ''} to put right")
        self.problems = problems


@dataclass(frozen=True)
class RunningInstance:
    id: int
    process_id: str
    child_id: str | None
    version_ids: list
    started: object


@dataclass(frozen=True)
class VersionRow:
    version: ProcessVersion
    running: int  # instances running on this version (as the defining file or one it needs)
    instances: list  # the oldest of them, at most `listed` (instance_list.ListedInstance)


@dataclass(frozen=True)
class ProcessFile:
    newest: ProcessVersion
    versions: int
    running: int


def files() -> list[ProcessFile]:
    """Every diagram file with its newest version, its number of versions and how many
    instances run on any of them."""
    file_of = dict(db.session.execute(select(ProcessVersion.id, ProcessVersion.file_name)).all())
    versions_of = Counter(file_of.values())
    running = Counter(file_of[v] for instance in _running() for v in instance.version_ids if v in file_of)
    return [
        ProcessFile(v, versions_of[v.file_name], running[v.file_name])
        for v in sorted(specs.latest_versions(), key=lambda v: (v.kind, v.file_name))
    ]


def versions(file_name: str, who: Identity, listed: int = 50) -> list[VersionRow]:
    """A file's versions, newest first, each with how many instances run on it and the oldest
    `listed` of them with their child and where they are now, as `who` may see them, from one
    read of the running instances (not their state); NotFound if none."""
    found = db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.file_name == file_name).order_by(ProcessVersion.number.desc())
    ).all()
    if not found:
        raise NotFound(f"no diagram called {file_name}")
    counts = {v.id: 0 for v in found}
    oldest: dict[int, list] = {v.id: [] for v in found}
    for instance in _running():
        for version_id in instance.version_ids:
            if version_id in counts:
                counts[version_id] += 1
                if len(oldest[version_id]) < listed:
                    oldest[version_id].append(instance)
    unique = {instance.id: instance for each in oldest.values() for instance in each}
    shown = {row.id: row for row in instance_list.listed(list(unique.values()), who)}
    return [VersionRow(v, counts[v.id], [shown[i.id] for i in oldest[v.id]]) for v in found]


def version(file_name: str, number: int) -> ProcessVersion:
    found = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.file_name == file_name, ProcessVersion.number == number)
    )
    if found is None:
        raise NotFound(f"{file_name} has no version {number}")
    return found


def newest(file_name: str) -> ProcessVersion:
    found = db.session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.file_name == file_name)
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    )
    if found is None:
        raise NotFound(f"no diagram called {file_name}")
    return found


def diff_with_previous(file_name: str, number: int) -> diagram_diff.DiagramDiff | None:
    """What version `number` changed from the one before it (None for the first)."""
    current = version(file_name, number)
    if number == 1:
        return None
    return diagram_diff.diff(version(file_name, number - 1).content, current.content)


def check(file_name: str, content: str) -> list:
    """The server's problems with a file, without deploying it (the editor's Validate button)."""
    return diagram_checks.check(_valid_name(file_name), content)


def deploy(file_name: str, content: str, *, actor: str, comment: str = "") -> ProcessVersion:
    """Deploy a file's content as its newest version; DiagramRefused if it has problems."""
    file_name = _valid_name(file_name)
    problems = diagram_checks.check(file_name, content)
    if problems:
        raise DiagramRefused(file_name, problems)
    return _store(file_name, content, actor=actor, comment=comment, action="diagram_deployed")


def upload(file_name: str, data: bytes, *, actor: str, comment: str = "") -> ProcessVersion:
    """Deploy a file made in another bpmn-js based modeller (Camunda Modeler, SpiffArena)."""
    name = PurePath(file_name.replace("\\", "/")).name
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidData(f"{name} is not UTF-8 text", {"file": "The file must be a .bpmn or .dmn XML file"}) from None
    return deploy(name, content, actor=actor, comment=comment or f"uploaded {name}")


def rollback(file_name: str, number: int, *, actor: str) -> ProcessVersion:
    """Deploy version `number` again as the newest; its content passes the checks again first,
    since the processes and forms it names may have changed since."""
    earlier = version(file_name, number)
    if earlier.number == newest(file_name).number:
        raise InvalidData(f"version {number} of {file_name} is already the newest")
    problems = diagram_checks.check(file_name, earlier.content)
    if problems:
        raise DiagramRefused(file_name, problems)
    return _store(
        file_name,
        earlier.content,
        actor=actor,
        comment=f"rolled back to version {number}",
        action="diagram_rolled_back",
    )


def _store(file_name, content, *, actor, comment, action) -> ProcessVersion:
    with writing():
        try:
            version, created = specs.store_version(file_name, content, actor, comment, again=True)
        except SpecError as exc:  # e.g. a process id that another file defines
            raise DiagramRefused(file_name, [diagram_checks.Problem(None, str(exc))]) from None
        if not created:
            raise InvalidData(
                f"{file_name} is unchanged: version {version.number} has exactly this content",
                {"content": "Change the diagram before deploying it"},
            )
        audit.record(
            clock.now(),
            actor,
            action,
            file_name=file_name,
            number=version.number,
            content_hash=version.content_hash,
            comment=comment,
        )
    return version


def _valid_name(file_name: str) -> str:
    if not FILE_NAME.match(file_name or ""):
        raise InvalidData(
            f"{file_name!r} is not a diagram file name",
            {"file": "The file name must end .bpmn or .dmn and use letters, digits, - _ and ."},
        )
    return file_name


def _running() -> list[RunningInstance]:
    rows = db.session.execute(
        select(
            ProcessInstance.id,
            ProcessInstance.process_id,
            ProcessInstance.child_id,
            ProcessInstance.version_ids,
            ProcessInstance.created_at,
        )
        .where(ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(ProcessInstance.id)
    )
    return [RunningInstance(*row) for row in rows]
