"""Recruitee Careers Site API: one public host per company, the whole board (no paging) in one call."""

from skillpulse.flows.http import HostPolicy

# Each company is its own host. A base URL holding ``{company}`` is a host template; one without it (a
# mirror, the tests' loopback server) gets the company as its first path segment instead:
#   https://{company}.recruitee.com  ->  https://nmbrs.recruitee.com/api/offers/
#   http://127.0.0.1:8000            ->  http://127.0.0.1:8000/nmbrs/api/offers/
BASE_URL = "https://{company}.recruitee.com"
OFFERS_PATH = "api/offers/"  # the trailing slash is part of the documented path
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
