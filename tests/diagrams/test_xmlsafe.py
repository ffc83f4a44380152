import time

import pytest

from service.diagrams.xmlsafe import MalformedXml, UnsafeXml, parse_xml

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs">
  <bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="start"/></bpmn:process>
</bpmn:definitions>
"""


def test_normal_bpmn_parses_from_bytes_and_str():
    for data in (BPMN.encode(), BPMN.replace('<?xml version="1.0" encoding="UTF-8"?>', "")):
        root = parse_xml(data)
        assert root.tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
        assert root[0].get("id") == "p"


def test_external_entity_refused():
    xxe = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
    with pytest.raises(UnsafeXml, match="DOCTYPE"):
        parse_xml(xxe)


def test_lowercase_entity_declaration_refused():
    with pytest.raises(UnsafeXml):
        parse_xml(b"<x><!entity e 'boom'></x>")


def test_billion_laughs_refused_quickly():
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    bomb = f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]><lolz>&lol9;</lolz>'
    start = time.monotonic()
    with pytest.raises(UnsafeXml):
        parse_xml(bomb.encode())
    assert time.monotonic() - start < 0.5


def test_doctype_in_other_encoding_refused_after_parsing():
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "v">]><x>&e;</x>'
    with pytest.raises(UnsafeXml, match="DOCTYPE"):
        parse_xml(doc.encode("utf-16"))


def test_oversize_refused_naming_sizes():
    with pytest.raises(UnsafeXml, match="is 200 bytes; the limit is 100"):
        parse_xml(b"<x>" + b"a" * 193 + b"</x>", max_bytes=100)


def test_malformed_xml_names_line():
    with pytest.raises(MalformedXml, match="line 3") as info:
        parse_xml("<a>\n<b>\n</a>")
    assert not isinstance(info.value, UnsafeXml)
