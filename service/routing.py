"""How ids are read from paths, query strings and forms: ASCII digits only, pages and API alike.

Werkzeug's `int` converter matches any Unicode digit, so `/children/１２` (fullwidth) would
be read as child 12: one thing with many addresses, which a log search or an access rule
written for the ASCII form would miss.
"""
import re

from werkzeug.routing import IntegerConverter


class AsciiIntegerConverter(IntegerConverter):
    regex = r"[0-9]+"


def init_app(app) -> None:
    app.url_map.converters["int"] = AsciiIntegerConverter


def whole_number(text: str) -> int:
    """A number from a query string or a form, ASCII digits only, as `type=` of request.args.get:
    int() alone would take "１２", " 12 " and "1_2" as 12."""
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise ValueError("not a whole number in ASCII digits")
    return int(text)
