"""SmartRecruiters Posting API: list pages of at most 100, the body from each posting's detail."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://api.smartrecruiters.com/v1/companies"
PAGE_SIZE = 100
MAX_PAGES = 20
POLICY = HostPolicy(concurrency=4, min_interval=0.2)
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
