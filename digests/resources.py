"""Where sitrep's own data files are: the checkout's folders, or the copies in the wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = _PACKAGE_DIR.parent
_BUNDLED_DIR = _PACKAGE_DIR / "_bundled"


def _data_path(relative: str) -> Path:
    # A checkout (and an editable install) reads the folders at the top of the
    # repository, so edits show at once; a wheel carries copies under _bundled/.
    for base in (_CHECKOUT_DIR, _BUNDLED_DIR):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"sitrep's data folder {relative!r} is missing from this install")


def config_dir() -> Path:
    """The folder with default.toml, groups.yaml, lexicon.yaml and the Slack manifest."""
    return _data_path("config")


def example_documents_dir() -> Path:
    """The documents the demo ingests."""
    return _data_path("examples/documents")


def demo_script() -> Path:
    """The lines the demo types into the shell workspace."""
    return _data_path("examples/demo-shell.txt")


def read_yaml(path: Path, what: str, error: type[ValueError]) -> Any:
    """The parsed YAML of a config file; `error` names the file and the problem."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
