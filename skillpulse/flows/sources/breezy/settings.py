"""Breezy HR public board feed: one JSON array per company, no paging, no descriptions."""

from skillpulse.flows.http import HostPolicy

# Each company is its own host. ``{company}`` in a base URL is replaced by the company; a base URL without
# it (a mirror, the tests) gets the company as its first path segment: ``{base_url}/{company}/json``.
BASE_URL = "https://{company}.breezy.hr"
LIST_PATH = "json"
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
