"""What the tests share with each other and with ``scripts/``: the OCR pass counter and a free port.

Both are the scripts' own definitions (``scripts/_engines.py``, ``scripts/_client.py``), imported here with
scripts/ on the path for the import alone, as the scripts import each other by bare name.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def script_module(name: str) -> ModuleType:
    """The module ``scripts/<name>.py`` (with what it imports from its neighbours)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(SCRIPTS))


PassCounter = script_module("_engines").PassCounter
free_port = script_module("_client").free_port

__all__ = ["SCRIPTS", "PassCounter", "free_port", "script_module"]
