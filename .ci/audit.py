"""Audit the pinned dependencies against PyPI's vulnerability data, and say plainly what was not audited.

    python .ci/audit.py [REQUIREMENTS ...]        (default: requirements.txt)

pip resolves the requirement files for this interpreter (`pip install --dry-run --report`, the set that
`pip install -r` would install). Each resolved package is then looked up in PyPI's JSON API, whose
`vulnerabilities` come from the PyPA advisory database (OSV):

* pinned version == the latest release: the project JSON (`/pypi/<name>/json`) lists the vulnerabilities
  of the latest release, so it audits the pin;
* an older pin: the per-version JSON (`/pypi/<name>/<version>/json`, pip-audit's source) is asked; where it
  cannot be had (this CI machine gets 404 for it), the package is reported as not audited, with the reason.

Withdrawn advisories are ignored. Exit status: 1 when any vulnerability is found; 2 when nothing was audited
(or pip could not resolve the requirements); otherwise 0, with the packages that were not audited listed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi"
SOURCE = "PyPI's JSON API (vulnerability data: PyPA advisory database, OSV)"


class FetchError(Exception):
    """PyPI answered, but not with data (an HTTP error other than 404, or a body that is not JSON)."""


class Unreachable(FetchError):
    """PyPI could not be reached at all; asking again for the next package would only wait again."""


@dataclass(frozen=True)
class Result:
    name: str
    version: str
    audited: bool
    note: str = ""  # how it was audited, or why it was not
    vulns: tuple[dict, ...] = ()


def fetch_json(url: str) -> dict | None:
    """GET a PyPI JSON document; None for 404."""
    headers = {"Accept": "application/json", "User-Agent": "swsdigital-audit"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (the https URLs built from PYPI)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise FetchError(f"HTTP {exc.code} for {url}") from None
    except ValueError as exc:
        raise FetchError(f"no JSON from {url} ({exc})") from None
    except (urllib.error.URLError, OSError) as exc:
        raise Unreachable(f"{url}: {getattr(exc, 'reason', exc)}") from None


def same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def from_payload(name: str, version: str, payload: dict, note: str) -> Result:
    vulns = payload.get("vulnerabilities")
    if not isinstance(vulns, list):
        return Result(name, version, False, "PyPI sent no vulnerability data")
    return Result(name, version, True, note, tuple(v for v in vulns if not v.get("withdrawn")))


def audit_one(name: str, version: str, fetch=fetch_json) -> Result:
    """Audit one pin; Unreachable propagates, other fetch failures make it 'not audited'."""
    base = f"{PYPI}/{canonicalize_name(name)}"
    try:
        project = fetch(f"{base}/json")
        if project is None:
            return Result(name, version, False, "not on PyPI")
        latest = str(project.get("info", {}).get("version", ""))
        if same_version(version, latest):
            return from_payload(name, version, project, "latest release")
        release = fetch(f"{base}/{version}/json")
    except Unreachable:
        raise
    except FetchError as exc:
        return Result(name, version, False, str(exc))
    if release is None:
        return Result(name, version, False, f"older than the latest release {latest}; PyPI's per-version data: 404")
    return from_payload(name, version, release, "per-version data")


def audit(packages: list[tuple[str, str]], fetch=fetch_json) -> list[Result]:
    results: list[Result] = []
    for name, version in packages:
        try:
            results.append(audit_one(name, version, fetch))
        except Unreachable as exc:
            reason = f"PyPI unreachable ({exc})"
            results += [Result(n, v, False, reason) for n, v in packages[len(results) :]]
            break
    return results


def exit_code(results: list[Result]) -> int:
    if any(r.vulns for r in results):
        return 1
    if not any(r.audited for r in results):
        return 2
    return 0


def describe(vuln: dict) -> str:
    aliases = ", ".join(vuln.get("aliases") or [])
    fixed = ", ".join(vuln.get("fixed_in") or []) or "no fixed version listed"
    summary = (vuln.get("summary") or vuln.get("details") or "").strip().splitlines()
    return f"{vuln.get('id', '?')}{f' ({aliases})' if aliases else ''}, fixed in {fixed}" + (
        f": {summary[0][:100]}" if summary else ""
    )


def report(results: list[Result], what: str) -> str:
    audited = [r for r in results if r.audited]
    missed = [r for r in results if not r.audited]
    found = [(r, v) for r in results for v in r.vulns]
    lines = [f"Dependency audit of {what}: {len(results)} packages resolved by pip", f"Source: {SOURCE}", ""]
    lines.append(f"Audited: {len(audited)}")
    if audited:
        names = " ".join(f"{r.name}=={r.version}" for r in audited)
        lines += textwrap.wrap(names, 110, initial_indent="  ", subsequent_indent="  ")
    lines.append(f"Not audited: {len(missed)}")
    lines += [f"  {r.name}=={r.version}: {r.note}" for r in missed]
    lines.append(f"Vulnerabilities: {len(found)}")
    lines += [f"  {r.name}=={r.version}: {describe(v)}" for r, v in found]
    lines.append("")
    code = exit_code(results)
    if code == 1:
        lines.append(f"FAILED: {len(found)} known vulnerabilities in the pinned requirements.")
    elif code == 2:
        lines.append(f"FAILED: nothing was audited ({len(results)} packages, none could be checked).")
    else:
        rest = f"; {len(missed)} not audited, listed above" if missed else ""
        lines.append(f"No known vulnerabilities in the {len(audited)} audited packages{rest}.")
    return "\n".join(lines)


def resolve(requirement_files: list[str]) -> list[tuple[str, str]]:
    """The (name, version) pairs that `pip install -r ...` would install for this interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q", "--report", str(out)]
        for path in requirement_files:
            cmd += ["-r", path]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
        if proc.returncode != 0:
            raise RuntimeError("\n".join(proc.stderr.strip().splitlines()[-10:]) or f"pip exited {proc.returncode}")
        data = json.loads(out.read_text())
    return sorted((i["metadata"]["name"], i["metadata"]["version"]) for i in data["install"])


def main(argv: list[str] | None = None, *, resolve=resolve, fetch=fetch_json) -> int:
    files = (sys.argv[1:] if argv is None else argv) or ["requirements.txt"]
    try:
        packages = resolve(files)
    except (RuntimeError, OSError, ValueError, KeyError) as exc:
        print(f"FAILED: nothing was audited: pip could not resolve {' '.join(files)}:\n{exc}")
        return 2
    results = audit(packages, fetch)
    print(report(results, " ".join(files)))
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
