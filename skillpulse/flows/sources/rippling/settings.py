"""Rippling ATS boards (ats.rippling.com/<slug>/jobs): two keyless JSON list APIs, neither with text.

v2 (what the board page itself calls) pages with a 0-based ``page`` and ``pageSize`` and states
``totalItems`` / ``totalPages``; v1 (the platform API) answers with one bare array. Both live at
``{base url}/{slug}/jobs``, so a ``base_url`` set in sources.yaml replaces the default of the chosen API.
"""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://ats.rippling.com/api/v2/board"
V1_BASE_URL = "https://api.rippling.com/platform/api/ats/v1/board"
JOBS_PATH = "{slug}/jobs"
PAGE_SIZE = 100  # rows (one per job and location) per v2 page
MAX_PAGES = 50
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
# v2 ``locations[].workplaceType``: ON_SITE is the only value in the recorded body; REMOTE and HYBRID are
# assumed spellings of the other kinds (not yet seen). Hybrid counts as not remote, as for Lever; any
# other value states nothing (None).
REMOTE = {"REMOTE": True, "ON_SITE": False, "HYBRID": False}
