"""The Muse public jobs API: 500 requests an hour without a key, reported in rate headers."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://www.themuse.com/api/public/jobs"
MAX_PAGES = 10
POLICY = HostPolicy(concurrency=1, min_interval=3600 / 500)
FILTERS = ("category", "level", "location", "company")
