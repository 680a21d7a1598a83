"""Workday candidate-site ("cxs") API: each employer on its own host, lists POSTed, texts one GET each."""

from skillpulse.flows.http import HostPolicy

# Every tenant has its own host; a ``base_url`` in sources.yaml replaces this (tests, mirrors), and may use
# {tenant} and {wd} itself. Without them every board maps onto that one base URL.
BASE_URL = "https://{tenant}.{wd}.myworkdayjobs.com"
LIST_PATH = "/wday/cxs/{tenant}/{site}/jobs"  # POST, JSON body LIST_QUERY with limit and offset
DETAIL_PATH = "/wday/cxs/{tenant}/{site}{path}"  # GET; ``path`` is the row's externalPath ("/job/...")
PUBLIC_URL = "https://{tenant}.{wd}.myworkdayjobs.com/{site}{path}"  # the page a reader opens
LIST_QUERY = {"appliedFacets": {}, "searchText": ""}
PAGE_SIZE = 20  # the careers site's own page size; some tenants refuse a larger limit
MAX_PAGES = 50  # 1,000 postings (and as many detail requests) per board
POLICY = HostPolicy(concurrency=2, min_interval=0.5)  # per tenant host: Workday documents no limits
