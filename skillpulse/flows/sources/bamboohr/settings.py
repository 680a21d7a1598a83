"""BambooHR careers site: each company is its own host; the list has no text, each detail has it."""

from skillpulse.flows.http import HostPolicy

# Each company is its own host. ``{company}`` in a base URL is replaced by the company; a base URL without
# it (a mirror, the tests) gets the company as its first path segment: ``{base_url}/{company}/careers/list``.
BASE_URL = "https://{company}.bamboohr.com"
LIST_PATH = "careers/list"
DETAIL_PATH = "careers/{id}/detail"
# The page a reader opens; the list has no URL, and mirrors do not change where the posting lives.
PUBLIC_URL = "https://{company}.bamboohr.com/careers/{id}"
# Undocumented public endpoints the hosted careers page calls itself: go gently, one host per company.
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
