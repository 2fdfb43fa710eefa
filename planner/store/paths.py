"""Where the scenario store lives when nobody says otherwise.

Saved scenarios are the user's own work, so they go in the per-user data folder of the operating system, never
beside the code (a reinstall or `git clean` must not lose them) and never in the current directory (the app and
the CLI must find the same database wherever they are started from). The whole choice can be overridden:
PAR_PLANNER_DATABASE_URL names any SQLAlchemy URL (SQLite file or PostgreSQL server); PAR_PLANNER_DATA_HOME moves
only the folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

DATABASE_URL_ENV = "PAR_PLANNER_DATABASE_URL"
DATA_HOME_ENV = "PAR_PLANNER_DATA_HOME"
APP_FOLDER = "par-planner"
DATABASE_FILE = "scenarios.sqlite3"


def data_home(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The per-user folder for PAR Planner's own data (not created here).

    $PAR_PLANNER_DATA_HOME, else $XDG_DATA_HOME/par-planner, else the platform's usual place:
    ~/.local/share/par-planner (Linux and other Unix), %APPDATA%\\par-planner (Windows),
    ~/Library/Application Support/par-planner (macOS).
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    override = env.get(DATA_HOME_ENV)
    if override:
        return Path(override).expanduser()
    xdg = env.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg).expanduser() / APP_FOLDER
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else Path.home() / "AppData" / "Roaming"
        return base / APP_FOLDER
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_FOLDER
    return Path.home() / ".local" / "share" / APP_FOLDER


def default_database_path(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The SQLite file used when PAR_PLANNER_DATABASE_URL is not set."""
    return data_home(env, platform) / DATABASE_FILE


def configured_database_url(env: Mapping[str, str] | None = None) -> str | None:
    """The URL from PAR_PLANNER_DATABASE_URL, or None when the default SQLite file is to be used."""
    env = os.environ if env is None else env
    url = env.get(DATABASE_URL_ENV, "").strip()
    return url or None


def sqlite_url(path: Path) -> str:
    """A SQLAlchemy URL for the SQLite file at `path` (absolute, so the working directory never matters)."""
    return "sqlite:///" + path.expanduser().resolve().as_posix()
