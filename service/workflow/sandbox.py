"""Restricted execution of BPMN scripts and expressions.

BPMN diagrams are untrusted input: process owners upload and edit them, and
SpiffWorkflow's default environment runs their scripts, gateway conditions
and timer expressions with plain eval/exec (``import os`` works, and even
with restricted builtins ``().__class__.__base__.__subclasses__()`` escapes).
Every piece of diagram code is therefore compiled with RestrictedPython,
which refuses imports, names and attributes starting with an underscore,
and runs with guarded attribute/item/write access and a small builtins
whitelist.

Diagram code also runs within bounds, so that one bad diagram cannot freeze
the web worker or the scheduler that runs it: each evaluation of a script or
expression has a budget of steps (loop turns, comprehension items, function
calls) and of time, and the operations that can build a huge value in one
go (`**`, `*`, `+`, `<<`, `range`, padding a string, `%` widths, f-string
widths, `join`, `replace`) check the size of what they would make first.
A breach raises BoundExceeded, which fails the step on its element.
"""

import ast
import builtins
import contextvars
import functools
import math
import operator
import re
import time
from datetime import date, datetime, timedelta, timezone

from RestrictedPython import (
    PrintCollector,
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    safe_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

# The bounds. Diagram scripts work out dates and copy a few form answers: the largest
# shipped one loops over a handful of decisions. These limits are thousands of times what
# they need, and small enough that reaching one costs well under a second and a few MB.
STEP_BUDGET = 1_000_000
"""Loop turns, comprehension items and function calls one script or expression may make."""
TIME_BUDGET_S = 1.0
"""Seconds one script or expression may run, checked at every step."""
MAX_INT_DIGITS = 4000
"""Decimal digits an integer may have: below Python's own 4,300-digit limit for printing one."""
MAX_LENGTH = 1_000_000
"""Items of a list, tuple or range, or characters of a string, one operation may make."""
MADE_BUDGET = 20_000_000
"""Items and characters the checked operations of one evaluation may make in all: a loop
cannot hold on to a million-character string per turn (at most about 160 MB of a list)."""

_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10))


class ScriptRefused(Exception):
    """Diagram code does not compile under the sandbox restrictions."""


class BoundExceeded(Exception):
    """Diagram code went past one of the sandbox's bounds (steps, time or size)."""


FORMAT_MESSAGE = "Using the format*() methods of `str` is not safe"
"""RestrictedPython's own run-time message for str.format and str.format_map."""

_BIN_OP_GUARDS = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.Add: "_add_", ast.LShift: "_lshift_", ast.Mod: "_mod_"}


def _call(name, args, like):
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, like))


def _step(like):
    return _call("_step_", [], like)


def _step_statement(like):
    return ast.fix_missing_locations(ast.copy_location(ast.Expr(_step(like)), like))


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, but refusing imports at compile time
    (RestrictedPython only fails them at run time, for lack of __import__),
    and counting steps and checking sizes (the calls are added after the
    names are checked, so code cannot name them itself)."""

    def visit_Import(self, node):
        self.error(node, "import statements are not allowed.")
        return node

    visit_ImportFrom = visit_Import

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        guard = _BIN_OP_GUARDS.get(type(node.op))
        return _call(guard, [node.left, node.right], node) if guard else node

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, _step_statement(node))
        return node

    def visit_For(self, node):
        node = super().visit_For(node)
        node.body.insert(0, _step_statement(node))
        return node

    def visit_comprehension(self, node):
        node = super().visit_comprehension(node)
        node.ifs.insert(0, _step(node.iter))
        return node

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _step_statement(node))
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = ast.fix_missing_locations(
            ast.copy_location(ast.BoolOp(op=ast.And(), values=[_step(node.body), node.body]), node.body)
        )
        return node

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)
        if node.format_spec is not None:  # f"{x:{width}}": the width is checked first
            spec = node.format_spec
            node.format_spec = ast.fix_missing_locations(
                ast.copy_location(
                    ast.JoinedStr(
                        values=[
                            ast.FormattedValue(value=_call("_spec_", [spec], spec), conversion=-1, format_spec=None)
                        ]
                    ),
                    spec,
                )
            )
        return node


class _Budget:
    """The steps, time and size one evaluation has left."""

    __slots__ = ("steps", "deadline", "made")

    def __init__(self):
        self.steps = 0
        self.made = 0
        self.deadline = time.monotonic() + TIME_BUDGET_S

    def step(self):
        self.steps += 1
        if self.steps > STEP_BUDGET:
            raise BoundExceeded(
                f"the code made more than {STEP_BUDGET:,} steps (loop turns or calls): does a loop never end?"
            )
        if time.monotonic() > self.deadline:
            raise BoundExceeded(f"the code ran for more than {TIME_BUDGET_S:g}s")
        return True


def _too_big_int(bits):
    if bits > _MAX_INT_BITS:
        raise BoundExceeded(
            f"the number would have about {int(bits / math.log2(10)):,} digits; "
            f"diagram code may make numbers of at most {MAX_INT_DIGITS:,} digits"
        )


_budget = contextvars.ContextVar("sandbox_budget", default=None)


def _too_long(length):
    if length > MAX_LENGTH:
        raise BoundExceeded(
            f"the value would have {length:,} items or characters; diagram code may make at most {MAX_LENGTH:,}"
        )
    budget = _budget.get()
    if budget is not None:
        budget.made += length
        if budget.made > MADE_BUDGET:
            raise BoundExceeded(f"the code made more than {MADE_BUDGET:,} items or characters in all")


def _is_int(value):
    return isinstance(value, int)


_SEQUENCES = (str, bytes, list, tuple)


def _pow(base, exponent, modulo=None):
    if modulo is None and _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        _too_big_int(math.log2(abs(base)) * exponent)
    return pow(base, exponent, modulo)


def _mul(left, right):
    if _is_int(left) and _is_int(right):
        _too_big_int(abs(left).bit_length() + abs(right).bit_length())
    elif isinstance(left, _SEQUENCES) and _is_int(right):
        _too_long(_repeated(left, right))
    elif isinstance(right, _SEQUENCES) and _is_int(left):
        _too_long(_repeated(right, left))
    return left * right


def _repeated(sequence, times):
    """What repeating a sequence makes, its items' own items counted: `[[0] * 10**6] * 10**6`
    is small until something prints it."""
    if times <= 0:
        return 0
    inner = (
        0
        if isinstance(sequence, (str, bytes))
        else sum(len(item) for item in sequence if isinstance(item, (*_SEQUENCES, dict, set)))
    )
    return (len(sequence) + inner) * times


def _add(left, right):
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _too_long(len(left) + len(right))
    return left + right


def _lshift(left, right):
    if _is_int(left) and _is_int(right) and left and right > 0:
        _too_big_int(abs(left).bit_length() + right)
    return left << right


def _mod(left, right):
    """`'%9999999999d' % 1`: printf widths and precisions are checked first."""
    if isinstance(left, (str, bytes)):
        text = left if isinstance(left, str) else left.decode("latin-1")
        if any(
            len(w) > 7 or int(w) > MAX_LENGTH
            for w in re.findall(r"%[-#0 +]*(\d+)", text) + re.findall(r"%[-#0 +]*(?:\d+|\*)?\.(\d+)", text)
        ):
            _too_long(MAX_LENGTH + 1)
        if "*" in text:
            for value in right if isinstance(right, tuple) else (right,):
                if _is_int(value):
                    _too_long(abs(value))
    return left % right


def _spec(spec):
    """An f-string's format spec, once its widths are known to be small."""
    for width in re.findall(r"\d+", spec):
        if len(width) > 7 or int(width) > MAX_LENGTH:
            _too_long(int(width) if len(width) < 20 else MAX_LENGTH + 1)
    return spec


def _range(*args):
    made = range(*args)
    _too_long(len(made))
    return made


def _padding(method):
    """str.ljust, center, zfill...: the width is the size of the result."""

    @functools.wraps(method)
    def padded(*args, **kwargs):
        for value in (*args, *kwargs.values()):
            if _is_int(value):
                _too_long(value)
        return method(*args, **kwargs)

    return padded


def _join(method):
    @functools.wraps(method)
    def joined(items):
        items = list(items)
        separator = getattr(method, "__self__", "")
        _too_long(sum(len(i) for i in items if isinstance(i, (str, bytes))) + len(separator) * max(len(items) - 1, 0))
        return method(items)

    return joined


def _extend(method):
    @functools.wraps(method)
    def extended(items):
        items = items if isinstance(items, (list, tuple, str, dict, set, range)) else list(items)
        _too_long(len(method.__self__) + len(items))
        return method(items)

    return extended


def _replace(method):
    @functools.wraps(method)
    def replaced(old, new, count=-1):
        text = method.__self__
        if isinstance(old, type(text)) and isinstance(new, type(text)):
            times = text.count(old) if old else len(text) + 1
            times = times if count < 0 else min(times, count)
            _too_long(len(text) + times * (len(new) - len(old)))
        return method(old, new, count)

    return replaced


_SIZED_METHODS = {
    **dict.fromkeys(("ljust", "rjust", "center", "zfill", "expandtabs"), _padding),
    "join": _join,
    "replace": _replace,
}


def _getattr(obj, name, default=None):
    """safer_getattr, with the string methods that can make a huge string checked first."""
    found = safer_getattr(obj, name, default)
    if name in _SIZED_METHODS and isinstance(obj, (str, bytes)):
        return _SIZED_METHODS[name](found)
    if name in _SIZED_METHODS and obj in (str, bytes) and name in ("ljust", "rjust", "center", "zfill"):
        return _padding(found)
    if name == "extend" and isinstance(obj, list):
        return _extend(found)
    return found


_INPLACE_OPS = {
    "+=": _add,
    "-=": operator.isub,
    "*=": _mul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": _mod,
    "**=": _pow,
    "<<=": _lshift,
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
    **{
        f.__name__: f
        for f in (
            len,
            min,
            max,
            sum,
            sorted,
            any,
            all,
            abs,
            round,
            list,
            dict,
            set,
            tuple,
            str,
            int,
            float,
            bool,
            enumerate,
            zip,
            isinstance,
        )
    },
    **{c.__name__: c for c in (datetime, date, timedelta, timezone)},
    "range": _range,
    "pow": _pow,
}

REFUSED_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_") and name not in _BUILTINS) - {
    "print"
}
"""Python's builtins that diagram code cannot use (print is collected, not printed)."""
REFUSED_ATTRIBUTES = {"format": FORMAT_MESSAGE, "format_map": FORMAT_MESSAGE}
"""Attributes refused whatever they are read from, with the run-time sandbox's message."""


def refused_name_message(name: str) -> str:
    """What the deploy checks and the run-time sandbox both say when code uses a refused builtin."""
    return f"{name} is not available to diagram code"


class _Refused:
    """Stands in, among the builtins, for a Python builtin that diagram code cannot use:
    task data of that name still comes first, and calling it says why it fails."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise ScriptRefused(refused_name_message(self.name))


_BUILTINS.update({name: _Refused(name) for name in REFUSED_NAMES})

# The names RestrictedPython's compiled code calls; scripts cannot reference
# or assign them (they start with "_"), so they are always applied last.
_GUARDS = {
    "__builtins__": _BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
    "_pow_": _pow,
    "_mul_": _mul,
    "_add_": _add,
    "_lshift_": _lshift,
    "_mod_": _mod,
    "_spec_": _spec,
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


def static_refusals(source: str, mode: str) -> list[str]:
    """What the deploy checks refuse without running anything, in the run-time sandbox's words:
    the refused builtins and attributes (unless the code defines the name itself), and loops
    that can never end. For source that compiles (see check_source)."""
    tree = ast.parse(source, mode=mode)
    defined = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    defined |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    defined |= {
        a.arg
        for n in ast.walk(tree)
        if isinstance(n, ast.arguments)
        for a in (*n.posonlyargs, *n.args, *n.kwonlyargs, n.vararg, n.kwarg)
        if a
    }
    messages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in REFUSED_NAMES and node.id not in defined:
            messages.append(f"Line {node.lineno}: {refused_name_message(node.id)}")
        elif isinstance(node, ast.Attribute) and node.attr in REFUSED_ATTRIBUTES:
            messages.append(f"Line {node.lineno}: {REFUSED_ATTRIBUTES[node.attr]}")
        elif isinstance(node, ast.While) and _always_true(node.test) and not _leaves(node.body):
            messages.append(
                f"Line {node.lineno}: this loop never ends: its condition is always true "
                "and nothing in it breaks out (break or return)"
            )
    return _unique(messages)


def _always_true(test):
    return isinstance(test, ast.Constant) and bool(test.value)


def _leaves(body):
    """A break or return that ends this loop (not one of an inner loop or function)."""
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Break, ast.Return)):
            return True
        if not isinstance(node, (ast.For, ast.While, ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
        elif isinstance(node, (ast.For, ast.While)):
            todo.extend(node.orelse)  # a loop's else runs in the outer loop
    return False


_CONSTANT_CALLS = ("range", "pow")


def bound_refusals(source: str, mode: str) -> list[str]:
    """The constant parts of the code (`10**10**10`, `'a' * 10**10`, `range(10**10)`) that
    break a bound: each is evaluated, within the bounds, as the run-time sandbox would."""
    messages = []
    todo: list[ast.AST] = [ast.parse(source, mode=mode)]
    while todo:
        node = todo.pop()
        if _is_constant(node) and not isinstance(node, ast.Constant):
            try:
                RestrictedEnvironment().evaluate(ast.unparse(node), {})
            except BoundExceeded as exc:
                messages.append(f"Line {getattr(node, 'lineno', 1)}: {exc}")
            except Exception:  # other failures are for the run time to report
                pass
        else:
            todo.extend(ast.iter_child_nodes(node))
    return _unique(messages)


def _is_constant(node):
    """An expression of literals alone, as far as the bounds go: operators, tuples and
    lists, range and pow, and string methods on literals."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left) and _is_constant(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_is_constant(e) for e in node.elts)
    if isinstance(node, ast.Call) and not node.keywords and all(_is_constant(a) for a in node.args):
        func = node.func
        return (isinstance(func, ast.Name) and func.id in _CONSTANT_CALLS) or (
            isinstance(func, ast.Attribute) and func.attr in _SIZED_METHODS and isinstance(func.value, ast.Constant)
        )
    return False


def _unique(messages):
    return list(dict.fromkeys(messages))


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
        code, budget = _compiled(expression, "eval"), _Budget()
        namespace = {**self.globals, **(external_context or {}), **context, **_GUARDS, "_step_": budget.step}
        token = _budget.set(budget)
        try:
            return eval(code, namespace)
        finally:
            _budget.reset(token)

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        code = _compiled(script, "exec")
        self._check_for_overwrite(context, external_context)
        context.update(self.globals)
        context.update(external_context)
        context.update(_GUARDS)
        budget = _Budget()
        context["_step_"] = budget.step
        token = _budget.set(budget)
        try:
            exec(code, context)
        finally:
            _budget.reset(token)
            self._remove_globals_and_functions(context, external_context)
        return True

    def _check_for_overwrite(self, context, external_context):
        """Fail fast, as SpiffWorkflow does, when task data would shadow a function."""
        overwrites = (set(self.globals) | set(external_context)) & set(context)
        if overwrites:
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please change "
                f"the following variable or field name(s) to something else: {overwrites}"
            )

    def _remove_globals_and_functions(self, context, external_context):
        """Only the data the script assigned stays in the task data."""
        for key in list(context):
            if (
                callable(context[key])
                or key in self.globals
                or key in external_context
                or key in _GUARDS
                or key == "_step_"
            ):
                del context[key]
