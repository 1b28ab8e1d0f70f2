"""The template's own code (hooks, tools, tests) follows the same lint rules it ships."""

import subprocess
import sys
from pathlib import Path

from tools.project import TEMPLATE_DIR

RUFF = Path(sys.executable).parent / "ruff"
TEMPLATE_CODE = ["hooks", "tools", "tests"]


def test_template_code_passes_ruff_check_and_format():
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [str(RUFF), *command, *TEMPLATE_CODE], cwd=TEMPLATE_DIR, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
