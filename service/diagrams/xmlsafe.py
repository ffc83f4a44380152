"""Safe parsing of uploaded XML (BPMN/DMN diagrams).

Diagrams are untrusted input. A BPMN file never needs a DOCTYPE, and a DTD is
what enables external entities (XXE: reading local files or fetching URLs)
and entity expansion bombs ("billion laughs"). So any DOCTYPE or ENTITY
declaration is refused before parsing, nothing is ever expanded or fetched,
and the size is capped.
"""

import re

from lxml import etree

_DTD_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXml(ValueError):
    """The document is refused for safety reasons (size, DTD, entities)."""


class MalformedXml(ValueError):
    """The document is not well-formed XML."""


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes | str, *, max_bytes: int = 2_000_000) -> etree._Element:
    """Parse `data` into its root element, refusing anything unsafe."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise UnsafeXml(f"XML file is {len(raw)} bytes; the limit is {max_bytes}")
    if _DTD_MARKUP.search(raw):
        raise UnsafeXml("XML with a DOCTYPE or ENTITY declaration is not accepted")
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as err:
        raise MalformedXml(f"XML is malformed at line {err.lineno}: {err.msg}") from err
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXml("XML with a DOCTYPE is not accepted")  # e.g. in another encoding
    return root
