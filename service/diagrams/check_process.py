"""The child process that evaluates a diagram's code for the deploy checks.

service.diagrams.checks starts `evaluate` in a child forked from multiprocessing's fork
server (started once per server process, with this module and its imports loaded, so a
check costs a fork, not a Python start). The child first limits its own processor time
and memory, then sends on its connection `("checking", id, label)` before each element it
evaluates, so that when it is stopped the server can say which element was too costly,
and finally `("done", problems)`.
"""

import resource

from service.diagrams import checks as diagram_checks
from service.diagrams import specs, xmlsafe


def evaluate(content: bytes, connection) -> None:
    cpu = diagram_checks.CHECK_CPU_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (diagram_checks.CHECK_MEMORY_BYTES,) * 2)
    root = xmlsafe.parse_xml(content, max_bytes=specs.MAX_FILE_BYTES)
    problems = diagram_checks.evaluation_problems(
        root, lambda element: connection.send(("checking", element.get("id"), diagram_checks._label(element)))
    )
    connection.send(("done", [(p.element_id, p.message) for p in problems]))
