"""Which targets a request may reach: no private, loopback, link-local or non-http(s) address, on any hop.

Why: servers and pages choose some of the URLs we fetch (a redirect's ``Location``, a sitemap entry).
Unchecked, a hostile page makes us fetch ``http://169.254.169.254/`` (cloud credentials), an admin port
on localhost or ``file:///etc/passwd``, and store the answer as a posting. So every hop is checked: the
first request, each redirect (the fetcher follows them itself, one at a time), and every URL a page
hands us. Host names are resolved and every address they resolve to must be public too (a public-looking
name can point at 127.0.0.1).

The one exception is an *origin the configuration named* (scheme + host + port, exactly): the tests'
loopback server, a user's intranet mirror. Named origins reach the fetcher two ways:

1. The URL a source passes to :meth:`Fetcher.get` is built from its configuration (``base_url`` + a
   path), so the caller vouches for it: its own origin is allowed for that request and the redirects it
   makes. A URL the source *read from a body* (a sitemap entry, a "next" link) is passed with
   ``from_page=True`` and gets no such trust.
2. :attr:`HostPolicy.origins`: the origins a source's configuration names (its ``base_url``, jsonld
   ``urls`` and ``sitemaps``, hn ``firebase_url``), set by the source on the policy it passes with every
   request, so a URL from a page may reach those and no other private host.

Redirects from a named origin to another private host or port (127.0.0.1:PORT → 127.0.0.1:OTHER or
localhost:OTHER) are refused. Known gap: the check resolves the name, then httpx resolves it again to
connect; a DNS server that answers differently within that second (rebinding) is not caught.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection

import httpx

from skillpulse.flows.http.errors import FetchError

SCHEMES = {"http": 80, "https": 443}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def origin_of(url: str | httpx.URL) -> str | None:
    """``scheme://host:port`` of an http(s) URL (host lower case, default port filled in); else None."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(str(url))
    except (httpx.InvalidURL, TypeError, ValueError):
        return None
    scheme, host = parsed.scheme.lower(), parsed.host.lower().rstrip(".")
    if scheme not in SCHEMES or not host:
        return None
    return f"{scheme}://{host}:{parsed.port or SCHEMES[scheme]}"


def origins_of(*urls: str | None) -> frozenset[str]:
    """The origins of the configured URLs given (empty and non-http(s) ones are skipped)."""
    return frozenset(o for u in urls if u and (o := origin_of(u)))


def _inner(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped ``::ffff:a.b.c.d``, 6to4, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour


def is_public(ip: IPAddress) -> bool:
    """Globally routable unicast, including the IPv4 address inside a mapped / 6to4 / NAT64 IPv6 one."""
    inner = _inner(ip)
    if inner is not None and not is_public(inner):
        return False
    return ip.is_global and not ip.is_multicast


def _what(ip: IPAddress) -> str:
    inner = _inner(ip)
    if inner is not None and not is_public(inner):
        return f"{_what(inner)} ({inner}) inside IPv6"
    for test, word in (
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_unspecified", "unspecified"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(ip, test):
            return f"{word} address"
    return "non-public address"


class HostGuard:
    """Checks one hop's target; remembers each host name's verdict for the run (one lookup per name)."""

    def __init__(self, resolve_timeout: float = 10.0) -> None:
        self.resolve_timeout = resolve_timeout
        self._verdicts: dict[str, str | None] = {}

    async def check(self, url: str | httpx.URL, allowed: Collection[str], hop: str) -> httpx.URL:
        """The parsed ``url`` if it may be fetched; else a ``FetchError`` of kind ``refused``.

        ``hop`` starts the reason ("request to", "redirect from a.com to", "page link to").
        """
        text = str(url)
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(text)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(text, "refused", f"{hop} an invalid URL ({exc})") from None
        scheme, host = parsed.scheme.lower(), parsed.host.lower().rstrip(".")
        if scheme not in SCHEMES:
            what = f"a {scheme} URL" if scheme else "a URL without a scheme"
            raise FetchError(text, "refused", f"{hop} {what}: only http and https are fetched")
        if not host:
            raise FetchError(text, "refused", f"{hop} a URL without a host")
        if origin_of(parsed) in allowed:
            return parsed
        reason = await self._verdict(host, text)
        if reason:
            raise FetchError(
                text,
                "refused",
                f"{hop} {reason}: only an origin named in the configuration may be non-public",
            )
        return parsed

    async def _verdict(self, host: str, url: str) -> str | None:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if ip is not None:
            return None if is_public(ip) else f"{ip} (a {_what(ip)})"
        if host == "localhost" or host.endswith(".localhost"):
            return f"{host} (a loopback name)"
        if host not in self._verdicts:
            self._verdicts[host] = await self._resolve(host, url)
        return self._verdicts[host]

    async def _resolve(self, host: str, url: str) -> str | None:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), self.resolve_timeout
            )
        except (OSError, TimeoutError, UnicodeError) as exc:
            raise FetchError(url, "network", f"cannot resolve {host} ({exc})") from None
        for info in infos:
            address = str(info[4][0]).split("%", 1)[0]  # fe80::1%eth0: the scope is not part of the address
            ip = ipaddress.ip_address(address)
            if not is_public(ip):
                return f"{host} (resolves to {ip}, a {_what(ip)})"
        return None
