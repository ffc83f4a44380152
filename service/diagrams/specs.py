"""Versioned process specs: diagram files in, parsed SpiffWorkflow specs out.

Every `.bpmn` and `.dmn` file is stored once per distinct content (hash) as a
`ProcessVersion`. An instance records the versions it started with (the file that
defines its process, then every file that process needs), so it keeps running on
them after newer versions arrive. Parsed specs are cached per set of versions.
"""

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import func, select

from service.db import db, writing
from service.diagrams import xmlsafe
from service.errors import SpecError
from service.models import ProcessVersion
from service.workflow import sandbox
from service.workflow.clock import real_now

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
MAX_FILE_BYTES = 2_000_000

# (xpath to code-bearing node, compile mode): every place a diagram holds code
_CODE_PLACES = (
    (".//bpmn:script", "exec"),
    (".//spiffworkflow:preScript", "exec"),
    (".//spiffworkflow:postScript", "exec"),
    (".//bpmn:conditionExpression", "eval"),
    (".//bpmn:timeDate", "eval"),
    (".//bpmn:timeDuration", "eval"),
    (".//bpmn:timeCycle", "eval"),
    (".//spiffworkflow:messagePayload", "eval"),
)
# task properties whose values are expressions the engine evaluates
EXPRESSION_PROPERTIES = ("dueAt", "assignee", "candidateRole")


@dataclass(frozen=True)
class FileInfo:
    kind: str
    defines: list
    requires: list
    start_messages: list


@dataclass(frozen=True)
class SpecBundle:
    """Everything needed to run one process at fixed versions."""

    process_id: str
    spec: object
    subprocess_specs: dict


def analyse(file_name: str, content: bytes | str) -> FileInfo:
    """Parse and check a diagram file; raise SpecError naming the problem."""
    kind = _kind(file_name)
    try:
        root = xmlsafe.parse_xml(content, max_bytes=MAX_FILE_BYTES)
    except ValueError as exc:
        raise SpecError(f"{file_name}: {exc}") from None
    if kind == "dmn":
        return _analyse_dmn(file_name, root)
    _check_code(file_name, root)
    parser = SpiffBpmnParser()
    try:
        _add_stored_decisions(parser)
        parser.add_bpmn_xml(root, file_name)
        executable = [p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
        if not executable:
            raise SpecError(f'{file_name}: has no executable process (isExecutable="true")')
        for process_id in executable:
            parser.get_process_parser(process_id).get_spec()
    except ValidationException as exc:
        raise SpecError(f"{file_name}: {_validation_message(exc)}") from None
    called = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}
    decisions = {d.text.strip() for d in root.iterfind(".//spiffworkflow:calledDecisionId", NS) if d.text}
    return FileInfo(
        kind="bpmn",
        defines=executable,
        requires=sorted((called - set(executable)) | decisions),
        start_messages=_start_messages(root, executable),
    )


def _add_stored_decisions(parser) -> None:
    """The decision tables already stored, which a business rule task of the file may call."""
    if not has_app_context():
        return
    for version in latest_versions():
        if version.kind == "dmn":
            parser.add_dmn_xml(xmlsafe.parse_xml(version.content, max_bytes=MAX_FILE_BYTES), version.file_name)


def _kind(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".bpmn", ".dmn"):
        raise SpecError(f"{file_name}: only .bpmn and .dmn files can be loaded")
    return suffix[1:]


def _analyse_dmn(file_name, root) -> FileInfo:
    parser = SpiffBpmnParser()
    try:
        parser.add_dmn_xml(root, file_name)
        for dmn_parser in parser.dmn_parsers.values():
            dmn_parser.parse()
    except (ValidationException, Exception) as exc:  # the DMN parser raises plain exceptions too
        raise SpecError(f"{file_name}: {_validation_message(exc)}") from None
    if not parser.dmn_parsers:
        raise SpecError(f"{file_name}: has no decision")
    return FileInfo(kind="dmn", defines=sorted(parser.dmn_parsers), requires=[], start_messages=[])


def _check_code(file_name, root):
    """Refuse code that imports, opens files or reaches dunders, naming the element."""
    problems = []
    for path, mode in _CODE_PLACES:
        for node in root.iterfind(path, NS):
            problems += _code_problems(node, node.text or "", mode)
    for prop in root.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") in EXPRESSION_PROPERTIES:
            problems += _code_problems(prop, prop.get("value") or "", "eval")
    if problems:
        raise SpecError(f"{file_name}: " + "; ".join(problems))


def _code_problems(node, source, mode):
    if not source.strip():
        return []
    element = _owning_element(node)
    label = element.get("id") or etree.QName(element).localname
    if element.get("name"):
        label += f" ({element.get('name')})"
    return [f"{label}: {message}" for message in sandbox.check_source(source.strip(), mode)]


def _owning_element(node):
    """The element a process owner would click on: the nearest ancestor with an id
    that is not an event definition (modellers give those ids of their own)."""
    while node is not None and (node.get("id") is None or etree.QName(node).localname.endswith("EventDefinition")):
        node = node.getparent()
    return node if node is not None else etree.Element("unknown")


def _start_messages(root, executable):
    names = {m.get("id"): m.get("name") for m in root.iterfind("bpmn:message", NS)}
    found = []
    for process_id in executable:
        process = root.find(f"bpmn:process[@id='{process_id}']", NS)
        for start in process.iterfind("bpmn:startEvent/bpmn:messageEventDefinition", NS):
            found.append(names.get(start.get("messageRef"), start.get("messageRef")))
    return sorted(set(found))


def _validation_message(exc) -> str:
    message = str(exc).split("\n")[0]
    node_id = getattr(exc, "id", None) or getattr(exc, "sourceline", None)
    return f"{node_id}: {message}" if node_id and str(node_id) not in message else message


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def store_version(
    file_name: str, content: str, author: str, comment: str = "", *, again: bool = False
) -> tuple[ProcessVersion, bool]:
    """Add a version of a file unless its content is already stored; return (version, created).

    With `again`, content stored under an earlier number becomes the newest version once more
    (a rollback); only a repeat of the newest version is skipped. Loading the shipped files
    at start-up must not pass it, or a restart would undo the process owner's deployments.
    """
    with writing():  # the newest number read and taken under the write lock
        digest = content_hash(content)
        existing = db.session.scalar(
            select(ProcessVersion)
            .where(ProcessVersion.file_name == file_name, ProcessVersion.content_hash == digest)
            .order_by(ProcessVersion.number.desc())
            .limit(1)
        )
        if existing is not None and (not again or existing.number == _newest_number(file_name)):
            return existing, False
        info = analyse(file_name, content)
        clash = _definitions_elsewhere(file_name, info.defines)
        if clash:
            raise SpecError(f"{file_name}: {', '.join(clash)} already defined in another file")
        number = _newest_number(file_name) + 1
        version = ProcessVersion(
            file_name=file_name,
            kind=info.kind,
            number=number,
            content=content,
            content_hash=digest,
            defines=info.defines,
            requires=info.requires,
            start_messages=info.start_messages,
            author=author,
            comment=comment,
            created_at=real_now(),
        )
        db.session.add(version)
        db.session.flush()
        return version, True


def _newest_number(file_name) -> int:
    return db.session.scalar(select(func.max(ProcessVersion.number)).where(ProcessVersion.file_name == file_name)) or 0


def _definitions_elsewhere(file_name, defines):
    clash = []
    for other in latest_versions():
        if other.file_name != file_name:
            clash += sorted(set(defines) & set(other.defines))
    return clash


def load_directory(directory: str, author: str = "system") -> list[ProcessVersion]:
    """Store every diagram in a directory whose content is new (decision tables first, for the
    diagrams that call them) in one writer transaction; return the new versions."""
    created = []
    with writing():
        for path in sorted(Path(directory).glob("*"), key=lambda p: (p.suffix.lower() != ".dmn", p.name)):
            if path.suffix.lower() in (".bpmn", ".dmn"):
                content = path.read_text(encoding="utf-8")
                version, is_new = store_version(path.name, content, author, "loaded from " + path.name)
                if is_new:
                    created.append(version)
    return created


def latest_versions() -> list[ProcessVersion]:
    newest = (
        select(ProcessVersion.file_name, func.max(ProcessVersion.number).label("number"))
        .group_by(ProcessVersion.file_name)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(ProcessVersion).join(
                newest, (ProcessVersion.file_name == newest.c.file_name) & (ProcessVersion.number == newest.c.number)
            )
        )
    )


def versions_for_new_instance(process_id: str) -> list[int]:
    """The newest version of the file defining process_id, then of every file it needs."""
    by_definition = {}
    for version in latest_versions():
        for name in version.defines:
            by_definition[name] = version
    if process_id not in by_definition or by_definition[process_id].kind != "bpmn":
        raise SpecError(f"no process called {process_id!r} has been loaded")
    chosen, todo = [], [process_id]
    while todo:
        name = todo.pop()
        needed = by_definition.get(name)
        if needed is None:
            raise SpecError(f"{process_id} needs {name!r}, which no loaded file defines")
        if needed.id not in chosen:
            chosen.append(needed.id)
            todo.extend(needed.requires)
    return chosen


def processes_started_by(message_name: str) -> list[str]:
    """Process ids (newest versions) whose start event catches this message."""
    found = []
    for version in latest_versions():
        if message_name in version.start_messages:
            found.extend(version.defines)
    return found


def bundle(process_id: str, version_ids: list[int]) -> SpecBundle:
    """Parse once per set of versions and app: versions never change, so it never goes stale."""
    cache = current_app.extensions.setdefault("iro_spec_bundles", {})
    key = (process_id, tuple(version_ids))
    if key not in cache:
        cache[key] = _parse_bundle(process_id, version_ids)
    return cache[key]


def _parse_bundle(process_id: str, version_ids: list[int]) -> SpecBundle:
    versions = db.session.scalars(select(ProcessVersion).where(ProcessVersion.id.in_(version_ids))).all()
    return _parsed(
        process_id,
        tuple((v.kind, v.file_name, v.content) for v in sorted(versions, key=lambda v: (v.kind != "dmn", v.file_name))),
    )


@functools.lru_cache(maxsize=64)
def _parsed(process_id: str, files: tuple) -> SpecBundle:
    """Parse by content, shared by every app of the process: the same files always give the same
    specs, which running workflows only read."""
    parser = SpiffBpmnParser()
    for kind, file_name, content in files:
        root = xmlsafe.parse_xml(content, max_bytes=MAX_FILE_BYTES)
        if kind == "dmn":
            parser.add_dmn_xml(root, file_name)
        else:
            parser.add_bpmn_xml(root, file_name)
    return SpecBundle(process_id, parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
