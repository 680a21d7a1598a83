"""Teamtailor career sites: one public RSS feed per company, on the company's own host, not paged.

URL mapping: ``BASE_URL`` holds a ``{company}`` placeholder, so the default feed is
``https://{company}.teamtailor.com/jobs.rss``. A ``base_url`` set in sources.yaml (a mirror, the tests)
may hold ``{company}`` too; without one the company becomes a path segment: ``{base_url}/{company}/jobs.rss``.
"""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://{company}.teamtailor.com"
FEED_PATH = "jobs.rss"
ACCEPT = "application/rss+xml, application/xml"
# Each company is its own host, so this applies per company site.
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
# ``<remoteStatus>``: none (on site), hybrid, fully (remote). Hybrid counts as not remote, as for Lever.
REMOTE = {"none": False, "hybrid": False, "fully": True}


def feed_url(base_url: str, company: str) -> str:
    """The feed of ``company`` under ``base_url`` (see the module docstring for the mapping)."""
    base = base_url.rstrip("/")
    if "{company}" in base:
        return f"{base.replace('{company}', company)}/{FEED_PATH}"
    return f"{base}/{company}/{FEED_PATH}"
