"""Drill: the SMTP server refuses (4xx) for a minute, then rejects (5xx).

Part 1: the sink answers every message with ``451`` for 60 s while visitors sign up for the newsletter
(each sign-up writes an opt-in email to the outbox). The outbox retries after ``MAIL_RETRY_DELAYS``
(shortened for the drill). Pass: once the sink accepts again every email arrives, exactly once.

Part 2: the sink answers ``550``. Pass: the emails are marked failed after one attempt, none arrives,
and a staff member logged in through the real login (password and TOTP) sees each of them with its
error in the admin's email log, filtered by "failed permanently".
"""

from __future__ import annotations

import re
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.drills.stack import DrillFailed, Stack, log, machine, report, submit_form, table, wait_until

NAME = "smtp_refusal"
TITLE = "SMTP server refusing (4xx) for a minute, then rejecting (5xx)"
REFUSE_SECONDS = 60
REJECTED = 10
FILL_SECONDS = 1
RETRY_DELAYS = "5,10,15,20,30,30,30,30"
ENV = {
    "MAIL_RETRY_DELAYS": RETRY_DELAYS,
    "FORM_MIN_FILL_SECONDS": FILL_SECONDS,
    "NEWSLETTER_SUBSCRIBE_RATE_LIMIT": 100000,
}


def _subscribe(stack: Stack, email: str):
    from django.urls import reverse

    return submit_form(
        stack.url, reverse("newsletter:subscribe"), kind="subscribe", email=email,
        values={"email": email, "name": "", "language": "de", "consent": "on"},
        marker=("email", "consent", "form_started"), fill_seconds=FILL_SECONDS,
    )  # fmt: skip


def _totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def _staff_sees(stack: Stack, addresses: list[str]) -> dict:
    """Log in as staff through the real login and TOTP pages; read the admin's failed-email list."""
    import requests
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    email, password = "office-drill@drill.example", uuid.uuid4().hex
    user = get_user_model().objects.create_superuser(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    session = requests.Session()
    login = submit_form(
        stack.url, reverse("account_login"), kind="login", email=email, values={"login": email, "password": password},
        marker=("login", "password"), fill_seconds=FILL_SECONDS, session=session,
    )  # fmt: skip
    if login.post_status != 302:
        raise DrillFailed(f"staff login failed: {login.error}")
    second = submit_form(
        stack.url, reverse("mfa_authenticate"), kind="totp", email=email, values={"code": _totp_code(secret)},
        marker=("code",), fill_seconds=0, session=session,
    )  # fmt: skip
    if second.post_status != 302:
        raise DrillFailed(f"TOTP step failed: {second.error}")
    changelist = reverse("admin:mail_outboxemail_changelist") + "?status__exact=failed"
    page = session.get(stack.url + changelist, timeout=30)
    listed = [a for a in addresses if a in page.text]
    detail_errors = 0
    from swsdigital.mail.models import OutboxEmail

    for row in OutboxEmail.objects.filter(to__in=addresses):
        detail = session.get(stack.url + reverse("admin:mail_outboxemail_change", args=[row.pk]), timeout=30)
        detail_errors += int(detail.status_code == 200 and "550" in detail.text)
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)
    return {
        "status": page.status_code,
        "title": title.group(1).strip() if title else "",
        "listed": len(listed),
        "error shown on the detail page": detail_errors,
        "path": changelist,
    }


def run() -> bool:
    run_id = uuid.uuid4().hex[:6]
    with Stack(NAME, **ENV) as stack:
        from swsdigital.mail.models import OutboxEmail

        # --- Part 1: 451 for a minute -----------------------------------------------------------
        stack.sink.set_mode("tempfail")
        refuse_start = time.time()
        log(f"the sink refuses with 451 for {REFUSE_SECONDS} s; visitors sign up meanwhile")
        outcomes = []
        stop = threading.Event()

        def visitor(index: int) -> None:
            n = 0
            while not stop.is_set():
                outcomes.append(_subscribe(stack, f"tempfail-{run_id}-{index}-{n}@drill.example"))
                n += 1

        threads = [threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(REFUSE_SECONDS - 5)  # the last sign-ups still meet the refusing server
        stop.set()
        for thread in threads:
            thread.join(30)
        time.sleep(max(0.0, refuse_start + REFUSE_SECONDS - time.time()))
        refused_attempts = stack.sink.refused()
        stack.sink.set_mode("accept")
        accept_at = time.time()
        expected = {o.email for o in outcomes if o.ok}
        failed_requests = [o for o in outcomes if not o.ok]
        log(f"the sink accepts again; {len(expected)} emails expected, {refused_attempts} attempts were refused")
        try:
            wait_until(lambda: expected <= {r.rcpt for r in stack.sink.received()}, timeout=180, interval=0.5,
                       message="every refused email to arrive")  # fmt: skip
        except DrillFailed as exc:
            log(str(exc))
        time.sleep(2)  # a late duplicate would show now
        received = [r for r in stack.sink.received() if r.rcpt in expected]
        counts = Counter(r.rcpt for r in received)
        missing = expected - set(counts)
        duplicates = sum(n - 1 for n in counts.values())
        last_arrival = max((r.at for r in received), default=accept_at)
        rows = OutboxEmail.objects.filter(to__in=expected)
        attempts = Counter(rows.values_list("attempts", flat=True))
        statuses1 = Counter(rows.values_list("status", flat=True))
        part1 = {
            "sign-ups": len(outcomes),
            "failed requests": len(failed_requests),
            "emails expected": len(expected),
            "refused attempts (451)": refused_attempts,
            "delivered": len(expected) - len(missing),
            "missing": len(missing),
            "duplicates": duplicates,
            "last delivered after the server recovered (s)": round(last_arrival - accept_at, 1),
            "attempts per email": dict(sorted(attempts.items())),
            "outbox status": dict(statuses1),
        }
        for key, value in part1.items():
            log(f"  {key}: {value}")
        ok1 = not failed_requests and not missing and not duplicates and statuses1 == {"sent": len(expected)}

        # --- Part 2: 550 ------------------------------------------------------------------------
        stack.sink.set_mode("reject")
        log(f"the sink rejects with 550; {REJECTED} sign-ups")
        rejected = [f"reject-{run_id}-{i}@drill.example" for i in range(REJECTED)]
        outcomes2 = [_subscribe(stack, address) for address in rejected]
        wait_until(
            lambda: OutboxEmail.objects.filter(to__in=rejected, status=OutboxEmail.Status.FAILED).count() == REJECTED,
            timeout=120, interval=0.5, message="the rejected emails to be marked failed",
        )  # fmt: skip
        rows2 = OutboxEmail.objects.filter(to__in=rejected)
        errors = {e[:70] for e in rows2.values_list("last_error", flat=True)}
        delivered2 = [r for r in stack.sink.received() if r.rcpt in set(rejected)]
        staff = _staff_sees(stack, rejected)
        part2 = {
            "sign-ups": len(outcomes2),
            "failed requests": sum(not o.ok for o in outcomes2),
            "marked failed": rows2.filter(status=OutboxEmail.Status.FAILED).count(),
            "attempts": dict(Counter(rows2.values_list("attempts", flat=True))),
            "delivered anyway": len(delivered2),
            "last error": sorted(errors),
            "staff: admin email log (failed)": staff,
        }
        for key, value in part2.items():
            log(f"  {key}: {value}")
        ok2 = (
            part2["failed requests"] == 0
            and part2["marked failed"] == REJECTED
            and not delivered2
            and staff["status"] == 200
            and staff["listed"] == REJECTED
            and staff["error shown on the detail page"] == REJECTED
        )

    passed = ok1 and ok2
    _report(part1, part2, passed)
    log(f"{TITLE}: {'PASSED' if passed else 'FAILED'}")
    return passed


def _report(part1: dict, part2: dict, passed: bool) -> None:
    staff = part2["staff: admin email log (failed)"]
    attempts = ", ".join(f"{n}× {k} attempts" for k, n in part1["attempts per email"].items())
    table1 = table(
        [
            ("sign-ups (failed requests)", f"{part1['sign-ups']} ({part1['failed requests']})"),
            ("delivery attempts refused with 451", part1["refused attempts (451)"]),
            ("emails expected / delivered / missing / duplicated",
             f"{part1['emails expected']} / {part1['delivered']} / {part1['missing']} / {part1['duplicates']}"),
            ("attempts per email", attempts),
            ("last email delivered, seconds after the server accepted again",
             part1["last delivered after the server recovered (s)"]),
            ("outbox status at the end", ", ".join(f"{k}: {v}" for k, v in part1["outbox status"].items())),
        ]
    )  # fmt: skip
    table2 = table(
        [
            ("sign-ups (failed requests)", f"{part2['sign-ups']} ({part2['failed requests']})"),
            ('outbox rows marked "failed permanently"',
             f"{part2['marked failed']} of {REJECTED}, attempts: "
             + ", ".join(f"{n}× {k}" for k, n in part2["attempts"].items())),
            ("delivered anyway", part2["delivered anyway"]),
            ("last error recorded", "; ".join(part2["last error"])),
            (f"staff (password + TOTP login) open `{staff['path']}`",
             f"HTTP {staff['status']}, “{staff['title']}”, {staff['listed']} of {REJECTED} addresses listed"),
            ("the 550 reply shown on each email's admin page",
             f"{staff['error shown on the detail page']} of {REJECTED}"),
        ]
    )  # fmt: skip
    body = f"""
**{"Passed" if passed else "FAILED"}** — {machine()}.

Command: `python bench/drills/run.py {NAME}` (about 2½ minutes).

What happens, part 1: the drill's SMTP sink answers `451 4.3.0` to every message for {REFUSE_SECONDS} s while two
visitors sign up for the newsletter through the real form (each sign-up queues an opt-in email); then it
accepts again. The outbox retries after `MAIL_RETRY_DELAYS={RETRY_DELAYS}` (shortened for the drill; production:
30, 120, 600, 1800, 3600, 10800 s).

{table1}

Part 2: the sink answers `550 5.1.1` to every message; {REJECTED} more sign-ups.

{table2}

A 4xx reply (or a broken connection) leaves the row in "temporary failure, will retry" with the next
attempt's time; the task queues itself with that countdown, and the outbox sweeper re-queues it should
the countdown message be lost. A 5xx reply marks the row failed at once; staff see it in the email log
(*Email → Email log*, filter "failed permanently") with the server's answer, and can resend it.
"""
    report(TITLE, body)


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
