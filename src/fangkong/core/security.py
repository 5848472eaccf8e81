"""Security headers on every response, the Content Security Policy first.

The policy is strict: scripts, styles, fonts and images come from this site only, no
inline script or style (no ``style`` attribute either: bar widths are classes, see
``fangkong.css``), no plugins, no framing, forms post only here. Django's own middleware
sets nosniff, the referrer policy, the opener policy and ``X-Frame-Options``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # Bootstrap draws its form arrows and checks as data: SVGs; charts are saved as data: PNGs.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in POLICY.items())
# Nothing here uses the camera, the microphone, the location or payments (a scanner types
# the ID like a keyboard).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.report_only = getattr(settings, "FANGKONG_CSP_REPORT_ONLY", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only" if self.report_only else "Content-Security-Policy"
        )
        response.headers.setdefault(header, CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
