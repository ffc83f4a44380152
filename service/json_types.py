"""The JSON types the API takes, and the words its refusals use for them.

Nothing the API receives is coerced: a list, an object, true or a number where text is
expected is refused naming the field and both types, never stored as its first item or
as Python's spelling of it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


def kind(value) -> str:
    """What a JSON value is, in the words of a refusal."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: True is an int in Python
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text (a string)"
    if isinstance(value, list):
        return "a list"
    return "an object"


@dataclass(frozen=True)
class JsonType:
    words: str  # what a refusal says was expected
    accepts: Callable[[object], bool]
    schema: dict = field(compare=False)  # its JSON Schema, for the OpenAPI document

    def problem(self, value) -> str | None:
        """Why the value is not of this type, or None."""
        return None if self.accepts(value) else f"expected {self.words}, got {kind(value)}"


def _is_text(value) -> bool:
    return isinstance(value, str)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


STRING = {"type": "string"}
TEXT = JsonType("text (a string)", _is_text, STRING)
CHOICE = JsonType("one of the choices (a string)", _is_text, STRING)
CHOICES = JsonType(
    "a list of choices (strings)",
    lambda v: isinstance(v, list) and all(map(_is_text, v)),
    {"type": "array", "items": STRING},
)
BOOLEAN = JsonType("true or false (a boolean)", lambda v: isinstance(v, bool), {"type": "boolean"})
DATE = JsonType("a date (a string, YYYY-MM-DD)", _is_text, {"type": "string", "format": "date"})
NUMBER = JsonType("a number", _is_number, {"type": "number"})
OBJECT = JsonType("an object", lambda v: isinstance(v, dict), {"type": "object"})
ROWS = JsonType("a list of rows (objects)", lambda v: isinstance(v, list), {"type": "array"})
LIST = JsonType("a list", lambda v: isinstance(v, list), {"type": "array"})
