"""Lever Postings API: a bare JSON array, paged with skip/limit; ``api.eu.lever.co`` for EU sites."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://api.lever.co/v0/postings"
EU_BASE_URL = "https://api.eu.lever.co/v0/postings"
PAGE_SIZE = 100
MAX_PAGES = 50
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
