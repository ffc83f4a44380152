"""Where the repository's diagrams and the tests' own files are, wherever a test module sits."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
SHIPPED_BPMN = ROOT / "bpmn"
TEST_BPMN = TESTS / "bpmn"
BAD_BPMN = TEST_BPMN / "bad"  # loaded as they are, to fail when they run
UNSAFE_BPMN = TESTS / "bpmn_bad"  # refused before they are stored
DATA = TESTS / "data"
