"""The lock files in requirements/ hold every dependency of pyproject.toml, pinned with hashes,
and the environment the tests run in was installed from them (scripts/dev.py)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)")


def pins(name: str) -> dict[str, tuple[str, int]]:
    """Package → (version, number of hashes) in requirements/<name>."""
    found: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            found[current] = (match[2], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
    return found


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(text) for text in wanted]


@pytest.mark.parametrize(("lock", "extras"), [("runtime.txt", [None]), ("dev.txt", [None, "dev"])])
def test_every_dependency_is_locked_with_hashes_at_an_allowed_version(
    lock: str, extras: list[str | None]
) -> None:
    locked = pins(lock)
    for extra in extras:
        for requirement in declared(extra):
            name = canonicalize_name(requirement.name)
            assert name in locked, f"{requirement} is not in requirements/{lock}"
            version, _hashes = locked[name]
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements/{lock} locks {name}=={version}, outside {requirement.specifier}"
            )
    assert all(hashes > 0 for _, hashes in locked.values()), "a pin without its hashes"


def test_runtime_and_dev_locks_agree() -> None:
    dev = pins("dev.txt")
    for name, (version, _) in pins("runtime.txt").items():
        assert dev.get(name, ("missing",))[0] == version, name


def test_the_locks_name_no_package_index() -> None:
    for lock in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        assert "://" not in text
        assert "--index-url" not in text
        assert "--find-links" not in text


def test_this_environment_was_installed_from_the_dev_lock() -> None:
    """What `dev.py test` installed is what the lock says: a package installed by hand at
    another version, or one the lock lacks, shows here."""
    locked = pins("dev.txt")
    differ = {}
    for name, (version, _) in locked.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            differ[name] = (version, None)
            continue
        if installed != version:
            differ[name] = (version, installed)
    assert differ == {}
