"""Security headers on every answer, and templates that a strict Content Security Policy
can serve: no inline script, no inline style, no event-handler attributes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from fangkong.core.security import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware

SRC = Path(__file__).resolve().parent.parent / "src" / "fangkong"
# Rendered to PDF by WeasyPrint on the server, never served to a browser as HTML.
PDF_TEMPLATES = {
    "observation/templates/observation/notice.html",
    "cases/templates/cases/letter_pdf.html",
    "bulletin/templates/bulletin/pdf.html",
    "supplies/templates/supplies/receipt.html",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
HANDLER = re.compile(r"\son[a-z]+=", re.I)


def browser_templates() -> list[Path]:
    found = [
        path
        for path in SRC.glob("*/templates/**/*.html")
        if str(path.relative_to(SRC)) not in PDF_TEMPLATES
    ]
    assert len(found) > 100
    return found


def test_pdf_exemptions_exist() -> None:
    for name in PDF_TEMPLATES:
        assert (SRC / name).exists(), name


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_STYLE, HANDLER], ids=str)
def test_no_template_needs_an_unsafe_policy(pattern: re.Pattern[str]) -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in browser_templates()
        for text in [path.read_text()]
        for m in pattern.finditer(text)
    ]
    assert offenders == []


def test_the_policy_is_strict() -> None:
    policy = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/healthz", "/tips/", "/bulletin/", "/api/docs"])
def test_every_answer_carries_the_headers(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_logged_in_page_carries_them_too(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.a.commander).get("/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_report_only_mode(settings, rf) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG_CSP_REPORT_ONLY = True
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse())
    response = middleware(rf.get("/"))
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == CONTENT_SECURITY_POLICY
