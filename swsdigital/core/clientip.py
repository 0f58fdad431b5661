"""The visitor's address, taken through the proxies we trust and no further.

Behind a TLS proxy every request comes from the proxy, so REMOTE_ADDR alone would put every visitor in
one rate-limit bucket and record the proxy in every consent. X-Forwarded-For, on the other hand, is
written by the client as much as by the proxy: only the hops our own proxies appended are believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(net.strip(), strict=False) for net in spec if net.strip())


def _address(value: str) -> str | None:
    """Return the normalised address, or None when the value is not an IP address."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "198.51.100.7:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(*, remote_addr: str, forwarded_for: str, proxy_count: int, proxy_networks: tuple[str, ...]) -> str:
    """Return the client's address given the socket peer, X-Forwarded-For and the trusted proxies."""
    peer = _address(remote_addr)
    if peer is None:
        return remote_addr or "unknown"
    chain = [peer]  # right to left: the socket peer first, then what each hop appended before it
    for hop in reversed(forwarded_for.split(",") if forwarded_for else []):
        address = _address(hop)
        if address is None:
            break  # what lies left of garbage is not to be believed
        chain.append(address)
    if proxy_networks:
        networks = _networks(proxy_networks)
        for index, address in enumerate(chain):
            if not any(ipaddress.ip_address(address) in net for net in networks):
                return address
            if index + 1 == len(chain):
                return address  # every hop is one of ours (e.g. a request from the proxy host itself)
    if proxy_count > 0:
        return chain[min(proxy_count, len(chain) - 1)]
    return peer


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, trusting X-Forwarded-For only through TRUSTED_PROXY_COUNT / _NETWORKS."""
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        proxy_count=settings.TRUSTED_PROXY_COUNT,
        proxy_networks=tuple(settings.TRUSTED_PROXY_NETWORKS),
    )
