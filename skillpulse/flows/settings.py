"""Where skillpulse keeps its files, and the environment Prefect needs before it is imported.

Everything lives under one data directory (``SKILLPULSE_HOME``, else the user's data dir), so a user
can delete one folder to start over, and tests can point the whole tool at a temporary one.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from skillpulse import PACKAGE_DIR

# Configs and data ship inside the package (found through importlib.resources), so an installed wheel
# finds them from any working directory; a checkout's editable install points here too.
PROJECT_ROOT = PACKAGE_DIR
DATA_DIR = PACKAGE_DIR / "data"
SNAPSHOT_DIR = DATA_DIR / "snapshot"
TAXONOMY_PATH = PACKAGE_DIR / "skills_taxonomy.yaml"

# Prefect's temporary server needs 12–21 s to start on these machines; its default 20 s is too tight.
PREFECT_STARTUP_TIMEOUT_S = "90"


def data_dir() -> Path:
    """The directory that holds the DuckDB file, Prefect's home and caches."""
    home = os.environ.get("SKILLPULSE_HOME")
    path = Path(home) if home else Path(user_data_dir("skillpulse", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_reports_dir() -> Path:
    """``reports`` in the data dir: generated reports never go into the installed package or a checkout."""
    return data_dir() / "reports"


def default_db_path() -> Path:
    """``SKILLPULSE_DB`` if set, else ``skillpulse.duckdb`` in the data dir."""
    env = os.environ.get("SKILLPULSE_DB")
    return Path(env) if env else data_dir() / "skillpulse.duckdb"


def configure_prefect_env() -> None:
    """Point Prefect at our data dir and switch its analytics off; call before importing prefect.

    Values the user already set win, so ``PREFECT_API_URL`` still selects a real server.
    """
    home = data_dir() / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": PREFECT_STARTUP_TIMEOUT_S,
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
