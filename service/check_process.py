"""The child process that evaluates a diagram's code for the deploy checks.

`python -m service.check_process` reads a .bpmn file on stdin and writes the problems
that evaluating its code finds (service.diagram_checks.evaluation_problems) as JSON on
stdout. It first limits its own processor time and memory; before each element it
evaluates it writes `checking<TAB>id<TAB>label` on stderr, so that when it is stopped the
server can say which element was too costly.
"""
import json
import resource
import sys

from . import diagram_checks, specs, xmlsafe


def _limit():
    cpu = diagram_checks.CHECK_CPU_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (diagram_checks.CHECK_MEMORY_BYTES,) * 2)


def _progress(element):
    label = diagram_checks._label(element).replace("\t", " ").replace("\n", " ")
    sys.stderr.write(f"checking\t{element.get('id')}\t{label}\n")
    sys.stderr.flush()


def main():
    _limit()
    root = xmlsafe.parse_xml(sys.stdin.buffer.read(), max_bytes=specs.MAX_FILE_BYTES)
    problems = diagram_checks.evaluation_problems(root, _progress)
    json.dump([[p.element_id, p.message] for p in problems], sys.stdout)


if __name__ == "__main__":
    main()
