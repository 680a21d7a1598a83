"""Greenhouse Job Board API: the whole board, with content, in one response."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://boards-api.greenhouse.io/v1/boards"
JOBS_PATH = "{token}/jobs"
QUERY = {"content": "true"}
# ``pay_input_ranges`` (cents) come only from each job's detail with ``pay_transparency=true``: one more
# request per job, so it is opt-in (``pay_details: true`` in sources.yaml).
JOB_PATH = "{token}/jobs/{id}"
PAY_QUERY = {"pay_transparency": "true"}
POLICY = HostPolicy(concurrency=4, min_interval=0.25)
