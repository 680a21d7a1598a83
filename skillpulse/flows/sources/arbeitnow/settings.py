"""Arbeitnow job board API: pages followed through ``links.next``."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://www.arbeitnow.com/api/job-board-api"
MAX_PAGES = 20
POLICY = HostPolicy(concurrency=1, min_interval=1.0)
