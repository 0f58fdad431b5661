"""The dependency audit (.ci/audit.py): what counts as audited, and when `make lint` fails.

No network: PyPI's answers are fake payloads served by an injected fetch function.
"""

from __future__ import annotations

import importlib.util
import sys
import urllib.error
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"
_spec = importlib.util.spec_from_file_location("ci_audit", _PATH)
audit = importlib.util.module_from_spec(_spec)
sys.modules["ci_audit"] = audit  # dataclasses look the module up while the class is built
_spec.loader.exec_module(audit)

PYPI = "https://pypi.org/pypi"
VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fixed_in": ["6.1.4"], "summary": "SQL injection"}
WITHDRAWN = {"id": "GHSA-xxxx", "fixed_in": ["6.1.4"], "withdrawn": "2099-01-02T00:00:00Z"}


def project(latest, vulns=()):
    return {"info": {"version": latest}, "vulnerabilities": list(vulns)}


def fake_pypi(pages):
    """A fetch that serves `pages` (url -> payload) and answers 404 (None) for anything else."""
    asked = []

    def fetch(url):
        asked.append(url)
        payload = pages.get(url)
        if isinstance(payload, Exception):
            raise payload
        return payload

    fetch.asked = asked
    return fetch


def test_a_pin_at_the_latest_release_is_audited_by_the_project_json():
    fetch = fake_pypi({f"{PYPI}/django/json": project("6.1.3")})
    result = audit.audit_one("Django", "6.1.3", fetch)
    assert result.audited and result.vulns == () and result.note == "latest release"
    assert fetch.asked == [f"{PYPI}/django/json"]  # canonical name, no second request
    assert audit.exit_code([result]) == 0


def test_a_vulnerability_of_the_latest_release_fails_and_withdrawn_ones_are_ignored():
    fetch = fake_pypi({f"{PYPI}/django/json": project("6.1.3", [VULN, WITHDRAWN])})
    results = audit.audit([("Django", "6.1.3")], fetch)
    assert [v["id"] for v in results[0].vulns] == ["PYSEC-2099-1"]
    assert audit.exit_code(results) == 1
    text = audit.report(results, "requirements.txt")
    assert "Vulnerabilities: 1" in text
    assert "Django==6.1.3: PYSEC-2099-1 (CVE-2099-0001), fixed in 6.1.4: SQL injection" in text
    assert "GHSA-xxxx" not in text and "No known vulnerabilities" not in text


def test_an_older_pin_without_per_version_data_is_not_audited_and_says_why():
    fetch = fake_pypi({f"{PYPI}/icalendar/json": project("7.3.2", [VULN])})
    result = audit.audit_one("icalendar", "7.3.0", fetch)
    assert not result.audited and result.vulns == ()  # the latest release's advisories say nothing about 7.3.0
    assert "older than the latest release 7.3.2" in result.note
    assert fetch.asked[-1] == f"{PYPI}/icalendar/7.3.0/json"


def test_an_older_pin_is_audited_where_the_per_version_data_can_be_had():
    fetch = fake_pypi(
        {
            f"{PYPI}/django/json": project("6.1.4"),
            f"{PYPI}/django/6.1.3/json": {"info": {"version": "6.1.3"}, "vulnerabilities": [VULN]},
        }
    )
    result = audit.audit_one("Django", "6.1.3", fetch)
    assert result.audited and result.note == "per-version data" and len(result.vulns) == 1


def test_versions_are_compared_as_versions():
    fetch = fake_pypi({f"{PYPI}/crispy-bootstrap5/json": project("2026.09")})
    assert audit.audit_one("crispy-bootstrap5", "2026.9", fetch).audited


@pytest.mark.parametrize(
    ("payload", "note"),
    [(None, "not on PyPI"), ({"info": {"version": "1.0"}}, "PyPI sent no vulnerability data")],
)
def test_no_project_or_no_vulnerability_data_is_not_an_audit(payload, note):
    result = audit.audit_one("thing", "1.0", fake_pypi({f"{PYPI}/thing/json": payload}))
    assert not result.audited and result.note == note


def test_a_partial_audit_passes_but_lists_what_was_not_audited():
    fetch = fake_pypi({f"{PYPI}/six/json": project("1.17.0"), f"{PYPI}/icalendar/json": project("7.3.2")})
    results = audit.audit([("icalendar", "7.3.0"), ("six", "1.17.0")], fetch)
    assert audit.exit_code(results) == 0
    text = audit.report(results, "requirements.txt")
    assert "Audited: 1\n  six==1.17.0\n" in text
    assert "Not audited: 1\n  icalendar==7.3.0: older than the latest release 7.3.2" in text
    assert text.endswith("No known vulnerabilities in the 1 audited packages; 1 not audited, listed above.")


def test_nothing_audited_fails_and_never_claims_no_vulnerabilities():
    fetch = fake_pypi({f"{PYPI}/icalendar/json": project("7.3.2")})
    results = audit.audit([("icalendar", "7.3.0")], fetch)
    assert audit.exit_code(results) == 2
    text = audit.report(results, "requirements.txt")
    assert "Audited: 0" in text and "FAILED: nothing was audited" in text
    assert "No known vulnerabilities" not in text
    assert audit.exit_code([]) == 2  # an empty set is not a pass either


def test_unreachable_pypi_is_asked_once_and_reported_plainly(capsys):
    fetch = fake_pypi({f"{PYPI}/django/json": audit.Unreachable("pypi.org: Connection refused")})
    code = audit.main([], resolve=lambda files: [("Django", "6.1.3"), ("six", "1.17.0")], fetch=fetch)
    out = capsys.readouterr().out
    assert code == 2 and len(fetch.asked) == 1
    assert "six==1.17.0: PyPI unreachable (pypi.org: Connection refused)" in out
    assert "FAILED: nothing was audited" in out and "Traceback" not in out


def test_an_http_error_for_one_package_leaves_the_others_audited():
    fetch = fake_pypi({f"{PYPI}/a/json": audit.FetchError("HTTP 503"), f"{PYPI}/b/json": project("1")})
    results = audit.audit([("a", "1"), ("b", "1")], fetch)
    assert [(r.name, r.audited, r.note) for r in results] == [("a", False, "HTTP 503"), ("b", True, "latest release")]


def test_a_failed_resolution_is_a_plain_failure(capsys):
    def resolve(files):
        raise RuntimeError("ERROR: No matching distribution found for Django==6.1.3")

    assert audit.main(["requirements.txt"], resolve=resolve, fetch=fake_pypi({})) == 2
    assert "FAILED: nothing was audited: pip could not resolve requirements.txt" in capsys.readouterr().out


def test_fetch_json_turns_network_errors_into_plain_exceptions(monkeypatch):
    def refuse(request, timeout):
        raise urllib.error.URLError("Connection refused")

    monkeypatch.setattr(audit.urllib.request, "urlopen", refuse)
    with pytest.raises(audit.Unreachable, match="Connection refused"):
        audit.fetch_json(f"{PYPI}/django/json")

    def not_found(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)

    monkeypatch.setattr(audit.urllib.request, "urlopen", not_found)
    assert audit.fetch_json(f"{PYPI}/django/6.1.3/json") is None
