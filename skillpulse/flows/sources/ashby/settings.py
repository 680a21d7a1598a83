"""Ashby posting API: one call per job board, compensation tiers on request."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://api.ashbyhq.com/posting-api/job-board"
QUERY = {"includeCompensation": "true"}
POLICY = HostPolicy(concurrency=4, min_interval=0.25)
