"""Workable widget API: one call per account; ``details=true`` adds each job's description."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://apply.workable.com/api/v1/widget/accounts"
QUERY = {"details": "true"}
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
