"""Greenhouse Job Board API: the whole board, with content, in one response."""

from flows.http import HostPolicy

BASE_URL = "https://boards-api.greenhouse.io/v1/boards"
JOBS_PATH = "{token}/jobs"
QUERY = {"content": "true", "pay_transparency": "true"}
POLICY = HostPolicy(concurrency=4, min_interval=0.25)
