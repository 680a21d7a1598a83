"""skillpulse: test a career guide's claims about machine-learning engineers against real job postings.

One import namespace for the whole tool, so an installed copy cannot collide with a user's own ``flows``
or ``reports`` modules: ``skillpulse.flows`` (collection, the store, the CLI and the Prefect flow),
``skillpulse.extractors`` (pure library code: text, skills, roles, pay, places, industry, duplicates) and
``skillpulse.reports`` (claims, statistics, charts, the report). Data files (the taxonomy, roles, claims,
the bundled snapshot and reference series) ship inside the package and are found with
:mod:`importlib.resources`, so an installed wheel runs from any directory.
"""

from importlib.resources import files
from pathlib import Path

__version__ = "0.1.0"

# The installed package's directory: configs (``*.yaml``) and ``data/`` live under it.
PACKAGE_DIR = Path(str(files("skillpulse")))
