"""constraints.txt pins every package the project installs as name==version from the package index.

A pin that is a path or URL installs only on the machine that wrote it (a wheel in its temp folder), so a fresh
clone fails to set up while CI on that machine stays green; a dependency without a pin installs whatever version
is newest on the day.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9][A-Za-z0-9.+!_-]*)$")
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normal(name: str) -> str:
    """PEP 503 name: case, dots, dashes and underscores do not distinguish packages."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_problems(text: str) -> tuple[dict[str, str], list[str]]:
    """The pins of a constraints file and every line that is not a plain name==version."""
    pins: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        match = PIN.match(line)
        if match is None:
            problems.append(f"line {number}: {raw.strip()!r} is not name==version")
            continue
        pins[normal(match.group(1))] = match.group(2)
    return pins, problems


def declared_dependencies(pyproject: str) -> set[str]:
    """Every package pyproject.toml names: the dependencies and those of all extras."""
    project = tomllib.loads(pyproject)["project"]
    names = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        names.extend(extra)
    found = set()
    for requirement in names:
        match = NAME.match(requirement)
        assert match, requirement
        found.add(normal(match.group(1)))
    return found


def test_constraints_are_plain_pins() -> None:
    _, problems = pin_problems((ROOT / "constraints.txt").read_text())
    assert problems == []


def test_every_dependency_is_pinned() -> None:
    pins, _ = pin_problems((ROOT / "constraints.txt").read_text())
    missing = declared_dependencies((ROOT / "pyproject.toml").read_text()) - set(pins) - {"ktp-ocr"}
    assert missing == set()


def test_checker_refuses_paths_urls_and_editables() -> None:
    bad = [
        "openvino @ file:///tmp/ov/openvino-2026.4.1-22982-cp311-cp311-manylinux_2_28_x86_64.whl#sha256=2d22",
        "numpy @ https://example.org/numpy-2.4.6.whl",
        "-e ./vendor/pkg",
        "./wheels/thing-1.0-py3-none-any.whl",
        "pillow>=13",
        "rich",
    ]
    _, problems = pin_problems("\n".join(["tqdm==4.70.1", *bad, "# a comment", ""]))
    assert len(problems) == len(bad)
    pins, problems = pin_problems("Pillow==13.0.0\nruamel.yaml==0.19.1  # trailing comment\n")
    assert problems == [] and pins == {"pillow": "13.0.0", "ruamel-yaml": "0.19.1"}


def test_an_unpinned_dependency_is_found() -> None:
    pyproject = (
        '[project]\ndependencies = ["numpy>=2"]\n'
        "[project.optional-dependencies]\nx = [\"ray[data]>=2 ; python_version>'3'\"]\n"
    )
    assert declared_dependencies(pyproject) == {"numpy", "ray"}
