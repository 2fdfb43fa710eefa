"""The production settings the deployment notes promise: the repository's own Streamlit config is the production
one, and the systemd unit runs the app from the project's environment on loopback with its store set."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

from planner.tables.reading import UPLOAD_LIMIT_MB

ROOT = Path(__file__).resolve().parents[2]


def test_the_streamlit_config_is_fit_for_production() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["headless"] is True
    assert config["server"]["maxUploadSize"] == UPLOAD_LIMIT_MB
    assert config["server"]["fileWatcherType"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    # No full garbage collection after every rerun: it took over half the server's CPU with 30 people (issue 11).
    assert config["runner"]["postScriptGC"] is False


def test_the_systemd_unit_runs_the_app_on_loopback_with_a_store() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "par-planner.service", encoding="utf-8")
    service = unit["Service"]
    command = service["ExecStart"]
    assert command.startswith("/opt/par-planner/.venv/bin/python -m streamlit run streamlit_app.py")
    assert "--server.address 127.0.0.1" in command
    assert service["Environment"].startswith("PAR_PLANNER_DATABASE_URL=")
    assert service["User"] == "par-planner" and service["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
