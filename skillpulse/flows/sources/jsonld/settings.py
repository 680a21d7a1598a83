"""Careers pages carrying schema.org ``JobPosting`` JSON-LD; HTML pages, so robots.txt rules apply."""

from skillpulse.flows.http import HostPolicy

POLICY = HostPolicy(concurrency=2, min_interval=1.0)
MAX_SITEMAP_URLS = 200
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
JOB_TYPES = {"JobPosting", "http://schema.org/JobPosting", "https://schema.org/JobPosting"}
