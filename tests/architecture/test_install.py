"""The install: `start` puts in what the app needs and no dev tool; every install is held to constraints.txt, the
versions the suite runs with, and this environment has exactly those versions (so CI, which installs with the
constraints, tests what a fresh machine gets)."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import tasks  # noqa: E402

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    lines = [
        line.strip()
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    bad = [line for line in lines if not PIN.match(line)]
    assert bad == [], bad
    return {_norm(m.group(1)): m.group(2) for line in lines if (m := PIN.match(line))}


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [_norm(re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0]) for r in requirements]


def test_every_declared_dependency_is_pinned() -> None:
    pins = _pins()
    assert [name for name in _declared() if name not in pins] == []


def test_this_environment_runs_the_pinned_versions() -> None:
    pins = _pins()
    installed = {_norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differing = {
        name: (version, installed.get(name))
        for name, version in pins.items()
        if installed.get(name) != version
    }
    assert differing == {}, "run `python3 tasks.py lock` after changing dependencies"


def test_start_installs_the_app_alone_and_test_the_dev_tools() -> None:
    app, dev = tasks.install_args("app"), tasks.install_args("dev")
    assert app[app.index("-e") + 1] == "." and dev[dev.index("-e") + 1] == ".[dev]"
    for args in (app, dev):
        assert args[args.index("-c") + 1] == str(ROOT / "constraints.txt")
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert not any(_norm(r).startswith(("pytest", "ruff", "mypy", "playwright")) for r in runtime)


def test_a_room_without_internet_installs_from_the_wheelhouse(tmp_path: Path) -> None:
    """`tasks.py wheelhouse` downloads (the one step with network), then a fresh environment installs with pip
    cut off from every index and every configured mirror, and the installed planner scores the example."""
    import os
    import subprocess

    wheels = tmp_path / "wheelhouse"
    tasks.wheelhouse([str(wheels)])
    assert any(p.name.startswith("streamlit-") for p in wheels.iterdir())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    offline = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    offline["PIP_CONFIG_FILE"] = os.devnull  # no configured index, mirror or find-links: only the wheelhouse
    subprocess.run(
        [str(python), "-m", "pip", *tasks.install_args("app", offline=True, wheels=wheels)],
        cwd=ROOT,
        env=offline,
        check=True,
        timeout=900,
    )
    scored = subprocess.run(
        [str(python), "-m", "planner", "score", "data/examples/lao-cai-2019.json", "--json"],
        cwd=ROOT,
        env=offline,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert '"total": 78.47' in scored.stdout
    # the dev tools stay out of the app's install
    listed = subprocess.run(
        [str(python), "-m", "pip", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert "pytest" not in listed and "ruff" not in listed and "playwright" not in listed
