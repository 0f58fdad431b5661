"""A local email backend: one readable .eml file per message under var/mail/."""

import re
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.file_path.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            slug = re.sub(r"[^A-Za-z0-9]+", "-", message.subject)[:40].strip("-") or "mail"
            (self.file_path / f"{stamp}-{slug}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages) if email_messages else 0
