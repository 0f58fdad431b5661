"""The pre-send check of a mailing: render it as subscribers will get it and look for what hurts delivery.

Errors block sending, warnings need an explicit "send anyway", info is a hint. The report is stored on
the mailing with a hash of the content it saw; changing the content makes the check stale.
"""

import hashlib
import json
import logging
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from email import message_from_bytes, policy
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Delivery, Mailing, Subscriber

logger = logging.getLogger(__name__)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

HTML_LIMIT = 100 * 1024  # Gmail clips messages above about 102 KB of HTML
SUBJECT_LIMIT = 78  # longer subjects are cut off on phones and in most inbox lists
PREHEADER_LIMIT = 150


@dataclass
class Finding:
    severity: str
    code: str
    message: str
    details: str = ""
    language: str = ""
    score: float | None = None


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    spam_score: float | None = None
    spam_threshold: float | None = None
    spam_tool: str = ""

    def add(self, severity: str, code: str, message: str, details: str = "", **extra) -> None:
        self.findings.append(Finding(severity, code, message, details, **extra))

    def of(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    @property
    def has_errors(self) -> bool:
        return bool(self.of(ERROR))

    @property
    def has_warnings(self) -> bool:
        return bool(self.of(WARNING))

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "CheckReport":
        data = dict(data or {})
        findings = [Finding(**f) for f in data.pop("findings", [])]
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(findings=findings, **known)


class MailingCheckRequired(Exception):
    """Sending was refused: the mailing's current content has no passing check."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Content hash and the gate ------------------------------------------------------------------


def mailing_content_hash(mailing: Mailing) -> str:
    """Return a hash of everything the staff edit that the check looked at (content and audience)."""
    topics = sorted(mailing.topics.values_list("pk", flat=True)) if mailing.pk else []
    fields = [
        mailing.subject, mailing.preheader, mailing.body, mailing.subject_en, mailing.preheader_en,
        mailing.body_en, mailing.include_events, mailing.include_news, mailing.audience_language,
        mailing.members_only, topics,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(fields, default=str).encode()).hexdigest()


def mailing_check_current(mailing: Mailing) -> CheckReport | None:
    """Return the stored report if it was made for the mailing's current content, else None."""
    if not mailing.checked_hash or mailing.checked_hash != mailing_content_hash(mailing):
        return None
    return CheckReport.from_dict(mailing.check_report)


def mailing_send_refusal(mailing: Mailing, *, accept_warnings: bool) -> str | None:
    """Return why the mailing may not be sent now (translated), or None when it may."""
    report = mailing_check_current(mailing)
    if report is None:
        if mailing.checked_hash:
            return _("“%(subject)s” was changed after its check: please run “Check before sending” again.") % {
                "subject": mailing.subject
            }
        return _("“%(subject)s” has not been checked yet: please run “Check before sending” first.") % {
            "subject": mailing.subject
        }
    if report.has_errors:
        return _("“%(subject)s” cannot be sent: its check found errors. Please correct them and check again.") % {
            "subject": mailing.subject
        }
    if report.has_warnings and not accept_warnings:
        return _("“%(subject)s” has warnings: please confirm that you want to send it despite them.") % {
            "subject": mailing.subject
        }
    return None


def mailing_gate(mailing: Mailing, *, accept_warnings: bool) -> None:
    """Raise MailingCheckRequired unless the mailing's current content passed its check."""
    refusal = mailing_send_refusal(mailing, accept_warnings=accept_warnings)
    if refusal:
        raise MailingCheckRequired(refusal)


# --- HTML inspection -----------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("a", "area") and "href" in attributes:
            self.links.append((attributes["href"] or "").strip())
        elif tag == "img":
            self.images.append(attributes)


def _link_problem(href: str) -> tuple[str, str] | None:
    """Return (severity, message) for a link a mail program cannot follow safely, or None."""
    if href.startswith("#"):
        return ERROR, _("A link points into the page (“#”), which mail programs cannot follow.")
    try:
        parts = urlsplit(href)
    except ValueError:
        return ERROR, _("A link is not a well-formed address.")
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return None if "@" in parts.path else (ERROR, _("A mailto link has no email address."))
    if scheme in ("http", "https"):
        if not parts.netloc or " " in href or ("." not in (parts.hostname or "") and parts.hostname != "localhost"):
            return ERROR, _("A link is not a well-formed web address.")
        if scheme == "http":
            return WARNING, _("A link uses unencrypted http:// instead of https://.")
        return None
    if scheme == "javascript":
        return ERROR, _("A link runs JavaScript (javascript:), which mail programs block.")
    if not scheme:
        return ERROR, _("A link is relative; in an email it must be absolute (https://…).")
    return ERROR, _("A link uses the unsupported scheme “%(scheme)s:”.") % {"scheme": scheme}


def html_findings(report: CheckReport, html: str, *, language: str = "") -> None:
    """Add the findings about one rendered HTML part: size, links, images."""
    size = len(html.encode("utf-8"))
    if size > HTML_LIMIT:
        report.add(
            ERROR,
            "html_size",
            _("The HTML is %(size)d KB; above 100 KB Gmail cuts the message off.") % {"size": size // 1024},
            language=language,
        )
    collector = _Collector()
    collector.feed(html)
    collector.close()
    grouped: dict[tuple[str, str], list[str]] = {}
    for href in collector.links:
        problem = _link_problem(href)
        if problem:
            grouped.setdefault(problem, []).append(href)
    for (severity, message), hrefs in grouped.items():
        report.add(severity, "link", message, ", ".join(sorted(set(hrefs)))[:1000], language=language)
    site_host = urlsplit(settings.SITE_URL).hostname or ""
    missing_alt, foreign, unsafe = [], set(), []
    for image in collector.images:
        src = (image.get("src") or "").strip()
        if "alt" not in image:
            missing_alt.append(src or "?")
        parts = urlsplit(src) if src else None
        if parts is None or parts.scheme.lower() not in ("http", "https", "cid"):
            unsafe.append(src or "?")
        elif parts.scheme.lower() in ("http", "https") and parts.hostname and parts.hostname != site_host:
            foreign.add(parts.hostname)
    if missing_alt:
        report.add(
            WARNING,
            "img_alt",
            _("%(n)d image(s) without alt text; screen readers and mail programs that block images show nothing.")
            % {"n": len(missing_alt)},
            ", ".join(missing_alt)[:1000],
            language=language,
        )
    if unsafe:
        report.add(
            ERROR,
            "img_src",
            _("An image has no absolute address (https://…); mail programs cannot load it."),
            ", ".join(unsafe)[:1000],
            language=language,
        )
    if foreign:
        report.add(
            INFO,
            "img_host",
            _("Images are loaded from another host than the portal's; they may disappear or track readers."),
            ", ".join(sorted(foreign)),
            language=language,
        )


# --- Message inspection --------------------------------------------------------------------------


def _sample_delivery(mailing: Mailing, language: str) -> Delivery:
    """A delivery to a made-up subscriber (never saved): the message exactly as the engine builds it."""
    subscriber = Subscriber(email="check@example.org", language=language, key="0" * 32)
    return Delivery(pk=0, mailing=mailing, subscriber=subscriber)


def _domain_matches(domain: str, dkim_domain: str) -> bool:
    domain, dkim_domain = domain.lower().rstrip("."), dkim_domain.lower().rstrip(".")
    return domain == dkim_domain or domain.endswith("." + dkim_domain)


def message_findings(report: CheckReport, raw: bytes, *, language: str = "") -> None:
    """Add the findings about the message headers and parts of one rendered message."""
    message = message_from_bytes(raw, policy=policy.default)
    for header in ("List-Unsubscribe", "List-Unsubscribe-Post"):
        if not message.get(header):
            report.add(
                ERROR,
                "list_unsubscribe",
                _("The message has no %(header)s header; large mail providers demand one-click unsubscribe.")
                % {"header": header},
                language=language,
            )
    plain = message.get_body(preferencelist=("plain",))
    if plain is None or not plain.get_content().strip():
        report.add(ERROR, "text_part", _("The message has no plain-text part or it is empty."), language=language)
    from_address = message.get("From", "")
    domain = str(getattr(from_address, "addresses", [None])[0].domain if from_address else "").lower()
    dkim_domain = getattr(settings, "DKIM_DOMAIN", "") or ""
    has_key = getattr(settings, "DKIM_PRIVATE_KEY_FILE", "") or getattr(settings, "DKIM_PRIVATE_KEY", "")
    if not (dkim_domain and getattr(settings, "DKIM_SELECTOR", "") and has_key):
        if not any(f.code == "dkim" for f in report.findings):
            report.add(
                WARNING,
                "dkim",
                _("DKIM signing is not configured: large mail providers may file the newsletter as spam."),
                _("Set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE."),
            )
    elif not _domain_matches(domain, dkim_domain) and not any(f.code == "dkim" for f in report.findings):
        report.add(
            ERROR,
            "dkim",
            _("The sender's domain %(domain)s does not match the DKIM domain %(dkim)s; DMARC will fail.")
            % {"domain": domain or "?", "dkim": dkim_domain},
        )


def subject_findings(report: CheckReport, mailing: Mailing, languages: list[str], english_recipients: int) -> None:
    """Add the findings about subject and preheader in each language."""
    for language in languages:
        subject, preheader, _body = mailing.content(language)
        if not subject.strip():
            report.add(ERROR, "subject", _("The subject is empty."), language=language)
        elif len(subject) > SUBJECT_LIMIT:
            report.add(
                WARNING,
                "subject",
                _("The subject has %(n)d characters; above %(limit)d it is cut off in most inbox lists.")
                % {"n": len(subject), "limit": SUBJECT_LIMIT},
                subject,
                language=language,
            )
        elif subject.isupper() or "!!" in subject:
            report.add(WARNING, "subject", _("A subject in capitals or with “!!” looks like spam."), subject)
        if not preheader.strip():
            report.add(
                INFO,
                "preheader",
                _("No preheader: mail programs show the first words of the text after the subject instead."),
                language=language,
            )
        elif len(preheader) > PREHEADER_LIMIT:
            report.add(INFO, "preheader", _("The preheader is long; mail programs show about 100 characters."))
    if english_recipients and not mailing.subject_en.strip():
        report.add(
            WARNING,
            "subject_en",
            _("%(n)d subscriber(s) chose English, but the mailing has no English subject.") % {"n": english_recipients},
        )
    if english_recipients and not mailing.body_en.strip():
        report.add(INFO, "body_en", _("Subscribers who chose English receive the German text."))


# --- SpamAssassin --------------------------------------------------------------------------------

_DETAILS = re.compile(r"Content analysis details:\s*\(\s*(-?[\d.]+)\s+points?,\s*(-?[\d.]+)\s+required\)", re.I)
_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$")
_CONTINUATION = re.compile(r"^\s{20,}(\S.*)$")
_SCORE_LINE = re.compile(r"^\s*(-?[\d.]+)\s*/\s*(-?[\d.]+)\s*$")


def spam_report_parse(output: str) -> tuple[float | None, float | None, list[tuple[str, float, str]]]:
    """Return (score, threshold, [(rule, points, description)]) from spamc -R or spamassassin -t output."""
    score = threshold = None
    match = _DETAILS.search(output)
    if match:
        score, threshold = float(match.group(1)), float(match.group(2))
    else:
        first = output.strip().splitlines()[:1]
        line = _SCORE_LINE.match(first[0]) if first else None
        if line:
            score, threshold = float(line.group(1)), float(line.group(2))
    rules: list[tuple[str, float, str]] = []
    table = output.split("-" * 20, 1)
    if match and len(table) == 2:
        body = table[1].split("\n", 1)[1] if "\n" in table[1] else ""
        for line in body.splitlines():
            rule = _RULE.match(line)
            if rule:
                rules.append((rule.group(2), float(rule.group(1)), rule.group(3).strip()))
                continue
            more = _CONTINUATION.match(line)
            if more and rules:
                name, points, description = rules[-1]
                rules[-1] = (name, points, f"{description} {more.group(1).strip()}")
            elif line.strip() == "" and rules:
                break
    return score, threshold, rules


def _spam_run(raw: bytes) -> tuple[str, str] | str:
    """Return (tool, output), or a translated reason why SpamAssassin did not run."""
    timeout = getattr(settings, "SPAMASSASSIN_TIMEOUT", 30)
    host = getattr(settings, "SPAMD_HOST", "")
    spamc = shutil.which(getattr(settings, "SPAMC_COMMAND", "spamc"))
    if host and spamc:
        port = str(getattr(settings, "SPAMD_PORT", 0) or 783)
        try:
            done = subprocess.run(  # noqa: S603 - a fixed command, the message on stdin
                [spamc, "-d", host, "-p", port, "-R", "-x"], input=raw, capture_output=True, timeout=timeout
            )
            if done.returncode in (0, 1) and done.stdout.strip():
                return "spamc", done.stdout.decode("utf-8", "replace")
            logger.warning("spamc failed (%s): %s", done.returncode, done.stderr[:300])
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.warning("spamc failed: %s", exc)
    command = shutil.which(getattr(settings, "SPAMASSASSIN_COMMAND", "spamassassin"))
    if not command:
        return _("spam check skipped: SpamAssassin is not installed.")
    try:
        done = subprocess.run(  # noqa: S603
            [command, "-t", "-L"], input=raw, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return _("spam check skipped: SpamAssassin took longer than %(n)d seconds.") % {"n": timeout}
    except OSError as exc:
        return _("spam check skipped: SpamAssassin could not be started (%(error)s).") % {"error": exc}
    return "spamassassin", done.stdout.decode("utf-8", "replace")


def spam_findings(report: CheckReport, raw: bytes | tuple[str, str] | str, *, language: str = "") -> None:
    """Add SpamAssassin's score and each rule it hit (for a message, or for what _spam_run returned)."""
    result = _spam_run(raw) if isinstance(raw, bytes) else raw
    if isinstance(result, str):
        report.add(INFO, "spam_skipped", result, language=language)
        return
    tool, output = result
    score, threshold, rules = spam_report_parse(output)
    if score is None:
        report.add(INFO, "spam_skipped", _("spam check skipped: SpamAssassin's answer could not be read."))
        return
    report.spam_tool = tool
    if report.spam_score is None or score > report.spam_score:
        report.spam_score, report.spam_threshold = score, threshold
    severity = WARNING if threshold is not None and score >= threshold else INFO
    report.add(
        severity,
        "spam_score",
        _("SpamAssassin score %(score)s (spam from %(threshold)s).") % {"score": score, "threshold": threshold},
        tool,
        language=language,
        score=score,
    )
    for name, points, description in rules:
        report.add(
            severity if points > 0 else INFO, f"spam_rule:{name}", name, description, language=language, score=points
        )


# --- The check -----------------------------------------------------------------------------------


def mailing_check(mailing: Mailing, *, spam: bool = True) -> CheckReport:
    """Render the mailing in each language it goes out in and return what the check found."""
    from ..rendering import MailingRenderer
    from ..selectors import mailing_recipient_counts

    report = CheckReport()
    counts = {row["language"]: row["count"] for row in mailing_recipient_counts(mailing=mailing)}
    languages = ["de"]
    if counts.get("en") or (mailing.body_en.strip() and mailing.audience_language != "de"):
        languages.append("en")
    if mailing.audience_language == "en":
        languages = ["en"]
    report.languages = languages
    renderer = MailingRenderer(mailing)
    raws = {}
    for language in languages:
        delivery = _sample_delivery(mailing, language)
        _language, _subject, _text, html, _unsub = renderer._personal(delivery)
        _sender, _to, raws[language] = renderer.raw(delivery)
        html_findings(report, html, language=language)
        message_findings(report, raws[language], language=language)
    if spam:
        # The languages side by side: SpamAssassin's start-up (about a second) is most of its time.
        current = translation.get_language()

        def run(raw: bytes):
            with translation.override(current):  # a thread starts without the request's language
                return _spam_run(raw)

        with ThreadPoolExecutor(max_workers=len(raws)) as pool:
            results = dict(zip(raws, pool.map(run, raws.values()), strict=True))
        for language, result in results.items():
            if not any(f.code == "spam_skipped" for f in report.findings):  # one note is enough
                spam_findings(report, result, language=language)
    subject_findings(report, mailing, languages, counts.get("en", 0))
    if not sum(counts.values()):
        report.add(INFO, "audience", _("No subscriber would receive the mailing now."))
    return report


def mailing_check_run(*, mailing: Mailing) -> CheckReport:
    """Check the mailing and store the report with the hash of the content it saw."""
    report = mailing_check(mailing)
    mailing.check_report = report.as_dict()
    mailing.checked_at = timezone.now()
    mailing.checked_hash = mailing_content_hash(mailing)
    Mailing.objects.filter(pk=mailing.pk).update(
        check_report=mailing.check_report, checked_at=mailing.checked_at, checked_hash=mailing.checked_hash
    )
    return report
