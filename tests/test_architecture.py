"""The import contracts in .importlinter hold for the tree and catch a package importing against them:
`lint-imports` is run for real on the repository, and on a copy with one forbidden import added."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """lint-imports with `tree`'s contracts, on `tree`'s packages (first on the path, before the installed ones)."""
    environ = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"}  # a contract's name on one line
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / ".importlinter")],
        cwd=tree,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the packages the contracts cover, with the contracts."""
    for package in ("service", "forms", "scheduler"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


def add_import(module: Path, statement: str) -> None:
    module.write_text(f"{statement}\n{module.read_text()}")


def test_the_repository_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_workflow_importing_the_pages_breaks_the_layers_and_the_workflows_contract(tree):
    add_import(tree / "service" / "workflow" / "clock.py", "import service.web  # noqa")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "above workflow, diagrams and people, above models and db BROKEN" in result.stdout  # the layers
    assert "The workflow knows nothing of web requests, the API, the CLI or the demo BROKEN" in result.stdout
    assert "service.workflow is not allowed to import service.web" in result.stdout
    assert "service.workflow.clock -> service.web" in result.stdout


def test_the_workflow_reading_a_request_breaks_its_contract(tree):
    add_import(tree / "service" / "workflow" / "outbox.py", "from flask_login import current_user  # noqa")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The workflow knows nothing of web requests, the API, the CLI or the demo BROKEN" in result.stdout
    assert "service.workflow.outbox -> flask_login" in result.stdout


def test_production_code_importing_the_demo_breaks_its_contract(tree):
    add_import(tree / "service" / "tasks" / "worklist.py", "from service.demo import council  # noqa")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Only the entry points (run.py, service.cli, create_app) import the demo BROKEN" in result.stdout
    assert "service.tasks.worklist -> service.demo.council" in result.stdout
