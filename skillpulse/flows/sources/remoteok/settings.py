"""Remote OK API: one array; element 0 is their legal notice (attribution we keep), jobs follow."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://remoteok.com/api"
POLICY = HostPolicy(concurrency=1, min_interval=5.0)
ATTRIBUTION = "Remote OK (https://remoteok.com)"
