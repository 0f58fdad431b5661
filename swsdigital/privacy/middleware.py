"""auditlog's middleware, fitted to the portal: the client address as clientip reads it, changes only by staff."""

from __future__ import annotations

import ipaddress

from auditlog.context import disable_auditlog
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings

from swsdigital.core.clientip import client_ip

from .audit import RequestContext, request_context


class AuditMiddleware(AuditlogMiddleware):
    """Name the acting user and their address on audit entries; record model changes only in staff requests.

    Other requests (visitors, members) run with auditlog switched off, so a public sign-up costs no query
    for the trail; entries written explicitly (a member's own export) still name who acted.
    """

    @staticmethod
    def _get_remote_addr(request) -> str | None:
        # Not auditlog's own reading: it believes any X-Forwarded-For, which the client writes as it likes.
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        try:
            return str(ipaddress.ip_address(client_ip(request)))
        except ValueError:
            return None

    @staticmethod
    def _get_remote_port(request) -> None:
        return None  # X-Forwarded-Port is whatever the client sent

    def __call__(self, request):
        actor = self._get_actor(request)
        staff = actor is not None and actor.is_staff
        remote_addr = self._get_remote_addr(request) if actor is not None else None
        token = request_context.set(RequestContext(actor=actor, remote_addr=remote_addr, record_changes=staff))
        try:
            if staff:
                return super().__call__(request)
            with disable_auditlog():
                return self.get_response(request)
        finally:
            request_context.reset(token)
