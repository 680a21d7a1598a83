"""What the fetcher is told: per-host politeness (``HostPolicy``) and run-wide limits (``FetchSettings``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from skillpulse.flows.http.guard import origins_of

USER_AGENT_TOKEN = "skillpulse"


DEFAULT_CONTACT = "https://github.com/skillpulse/skillpulse"


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HostPolicy:
    """How hard we may press one host (parallel requests, the gap between request starts), and which
    origins the source's configuration named: ``scheme://host:port`` strings that a URL read from a page
    or a redirect may reach even when private or loopback (see :mod:`flows.http.guard`)."""

    concurrency: int = 4
    min_interval: float = 0.25
    origins: frozenset[str] = frozenset()

    def allowing(self, *urls: str | None) -> HostPolicy:
        """This policy, with the origins of these configured URLs added (empty ones are skipped)."""
        return replace(self, origins=self.origins | origins_of(*urls))


@dataclass
class FetchSettings:
    """Every knob of the fetcher; tests shrink the timings, ``sources.yaml`` sets the contact."""

    contact: str = DEFAULT_CONTACT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 300.0  # a server trickling bytes never trips the read timeout; this stops it
    retries: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    max_body_bytes: int = 50 * 1024 * 1024
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_redirects: int = 5
    # A board that answered 404 or 410 is not asked again for this many days (then once more, to see).
    gone_recheck_days: int = 30
    default_policy: HostPolicy = field(default_factory=HostPolicy)
    cache_path: Path | None = None

    @property
    def user_agent(self) -> str:
        return f"{USER_AGENT_TOKEN}/0.1 (+{self.contact})"
