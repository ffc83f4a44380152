"""Restricted execution of BPMN scripts and expressions.

BPMN diagrams are untrusted input: process owners upload and edit them, and
SpiffWorkflow's default environment runs their scripts, gateway conditions
and timer expressions with plain eval/exec (``import os`` works, and even
with restricted builtins ``().__class__.__base__.__subclasses__()`` escapes).
Every piece of diagram code is therefore compiled with RestrictedPython,
which refuses imports, names and attributes starting with an underscore,
and runs with guarded attribute/item/write access and a small builtins
whitelist.
"""

import builtins
import functools
import operator
from datetime import date, datetime, timedelta, timezone

from RestrictedPython import PrintCollector, RestrictingNodeTransformer, safe_builtins
from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment


class ScriptRefused(Exception):
    """Diagram code does not compile under the sandbox restrictions."""


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, but refusing imports at compile time
    (RestrictedPython only fails them at run time, for lack of __import__)."""

    def visit_Import(self, node):
        self.error(node, "import statements are not allowed.")
        return node

    visit_ImportFrom = visit_Import


_INPLACE_OPS = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
}


def _inplacevar(op, target, value):
    """`x += y` on a plain name compiles to `x = _inplacevar_('+=', x, y)`."""
    return _INPLACE_OPS[op](target, value)


def _stdlib_import(name, *args, **kwargs):
    """datetime's strftime/strptime import these modules through the caller's
    __builtins__; scripts themselves cannot import (refused at compile time)."""
    if name not in ("time", "_strptime"):
        raise ImportError(f"import of {name!r} is not allowed")
    return builtins.__import__(name, *args, **kwargs)


_BUILTINS = {
    **safe_builtins,
    "__import__": _stdlib_import,
    **{f.__name__: f for f in (len, min, max, sum, sorted, any, all, abs, round, list, dict, set,
                                tuple, str, int, float, bool, enumerate, zip, range, isinstance)},
    **{c.__name__: c for c in (datetime, date, timedelta, timezone)},
}

# The names RestrictedPython's compiled code calls; scripts cannot reference
# or assign them (they start with "_"), so they are always applied last.
_GUARDS = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
}


@functools.lru_cache(maxsize=1024)
def _compile(source, mode):
    """Compile once per source text: compiling is slow and the same
    expression runs many times. Returns (code or None, error messages)."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(source, policy=_Policy)
    except (SyntaxError, ValueError) as err:  # found by compile() after the AST checks
        return None, (f"Line {getattr(err, 'lineno', None)}: {err.__class__.__name__}: {err}",)
    except (RecursionError, MemoryError):  # e.g. "-" * 100000 + "1": the parser gives up
        return None, ("the code is nested too deeply to compile",)
    return result.code, tuple(result.errors)


def check_source(source: str, mode: str) -> list[str]:
    """Messages explaining why `source` ("eval" or "exec") is refused; empty if it is fine."""
    return list(_compile(source, mode)[1])


def _compiled(source, mode):
    code, errors = _compile(source, mode)
    if errors:
        raise ScriptRefused("Refused by the script sandbox: " + "; ".join(errors))
    return code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment with TaskDataEnvironment's semantics
    (task data is the namespace), but running restricted code only.

    `functions` (e.g. calendar helpers) are available to scripts by name.
    """

    def __init__(self, functions=None):
        super().__init__(dict(functions or {}))

    def evaluate(self, expression, context, external_context=None):
        namespace = {**self.globals, **(external_context or {}), **context, **_GUARDS}
        return eval(_compiled(expression, "eval"), namespace)

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        code = _compiled(script, "exec")
        self._check_for_overwrite(context, external_context)
        context.update(self.globals)
        context.update(external_context)
        context.update(_GUARDS)
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions(context, external_context)
        return True

    def _check_for_overwrite(self, context, external_context):
        """Fail fast, as SpiffWorkflow does, when task data would shadow a function."""
        overwrites = (set(self.globals) | set(external_context)) & set(context)
        if overwrites:
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please change "
                f"the following variable or field name(s) to something else: {overwrites}")

    def _remove_globals_and_functions(self, context, external_context):
        """Only the data the script assigned stays in the task data."""
        for key in list(context):
            if (callable(context[key]) or key in self.globals or key in external_context
                    or key in _GUARDS):
                del context[key]
