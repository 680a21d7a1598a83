"""Remotive API. Their terms: at most 4 runs a day and at most 2 requests a minute."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://remotive.com/api/remote-jobs"
POLICY = HostPolicy(concurrency=1, min_interval=30.0)
MAX_RUNS_PER_DAY = 4
ATTRIBUTION = "Remotive (https://remotive.com)"
