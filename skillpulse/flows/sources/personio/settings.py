"""Personio career-site XML feed: one public host per company, every published position in one document."""

from skillpulse.flows.http import HostPolicy

# Each company is its own host. A base URL holding ``{company}`` is a host template; one without it (a
# mirror, the tests' loopback server) gets the company as its first path segment instead:
#   https://{company}.jobs.personio.de  ->  https://clark.jobs.personio.de/xml
#   http://127.0.0.1:8000               ->  http://127.0.0.1:8000/clark/xml
# The same feed also answers on {company}.jobs.personio.com.
BASE_URL = "https://{company}.jobs.personio.de"
FEED_PATH = "xml"
# The feed has no URL element. Job pages live at /job/{id} on the company's host (the form career-page
# links use; named in fixtures/personio/PROVENANCE.md, not in Personio's XML documentation). With a
# mirror as base URL the public host is used, so stored links point at the real job page.
JOB_PATH = "job/{id}"
# Personio's help centre: the feed answers in German unless ``?language=en`` (or another code) is sent.
LANGUAGE_PARAM = "language"
ACCEPT = "application/xml, text/xml;q=0.9"
ROOT = "workzag-jobs"
POLICY = HostPolicy(concurrency=2, min_interval=0.5)
