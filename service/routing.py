"""How ids are read from paths, query strings and forms: ASCII digits only, pages and API alike.

Werkzeug's `int` converter matches any Unicode digit, so `/children/１２` (fullwidth) would
be read as child 12: one thing with many addresses, which a log search or an access rule
written for the ASCII form would miss. An id beyond what an INTEGER column holds is no
id either: 404 before any query is made.
"""

import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (PostgreSQL compares larger ones with an error)


class AsciiIntegerConverter(IntegerConverter):
    """`int` in a route: ASCII digits, and no larger than an id can be unless the route says."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def init_app(app) -> None:
    app.url_map.converters["int"] = AsciiIntegerConverter


def whole_number(text: str) -> int:
    """A number from a query string or a form, ASCII digits only, as `type=` of request.args.get:
    int() alone would take "１２", " 12 " and "1_2" as 12."""
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise ValueError("not a whole number in ASCII digits")
    return int(text)
