"""Write a DKIM key pair and print the DNS TXT record and the settings that put it to use."""

import os
from email.utils import parseaddr
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from swsdigital.mail.dkim import DkimSigner, dns_txt_record, txt_strings


def _default_domain() -> str:
    return getattr(settings, "DKIM_DOMAIN", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]


class Command(BaseCommand):
    help = (
        "Write a 2048-bit RSA key pair for DKIM (private key mode 0600, public key beside it as .pub) and print "
        "the DNS TXT record to publish and the DKIM_* settings to set. Refuses to overwrite without --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--selector", default="", help="DKIM selector (default: DKIM_SELECTOR or 'sws')")
        parser.add_argument("--domain", default="", help="signing domain (default: DKIM_DOMAIN or the sender's)")
        parser.add_argument("--path", default="", help="private key file (default: var/dkim/<selector>.pem)")
        parser.add_argument("--bits", type=int, default=2048, help="key size (default 2048; at least 1024)")
        parser.add_argument("--force", action="store_true", help="overwrite an existing key file")

    def handle(self, *args, selector: str, domain: str, path: str, bits: int, force: bool, **options):
        selector = selector or getattr(settings, "DKIM_SELECTOR", "") or "sws"
        domain = (domain or _default_domain()).strip().lower()
        if not domain or "@" in domain:
            raise CommandError("Give the signing domain with --domain (e.g. sws-digital.example).")
        if not selector.replace("-", "").replace("_", "").isalnum() or not selector.isascii():
            raise CommandError("The selector may hold only ASCII letters, digits, '-' and '_'.")
        if bits < 1024:
            raise CommandError("--bits must be at least 1024 (receivers ignore shorter keys; 2048 is usual).")
        key_path = Path(path) if path else Path(settings.VAR_DIR) / "dkim" / f"{selector}.pem"
        public_path = key_path.with_suffix(".pub")
        if key_path.exists() and not force:
            raise CommandError(f"{key_path} exists; give --force to replace it (the old key's DNS record dies).")

        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        key_path.parent.mkdir(parents=True, exist_ok=True)
        # Created with mode 0600 (not chmod-ed afterwards): the key is never readable by others, not even briefly.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if force else os.O_EXCL)
        try:
            fd = os.open(key_path, flags, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{key_path} exists; give --force to replace it.") from exc
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        os.chmod(key_path, 0o600)  # an overwritten file keeps its old mode otherwise
        public_path.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )

        signer = DkimSigner(domain=domain.encode("idna"), selector=selector.encode("ascii"), key=key)
        name, value = dns_txt_record(signer)
        self.stdout.write(f"Private key: {key_path} (mode 0600)\nPublic key:  {public_path}\n")
        self.stdout.write("DNS record to publish (TXT; one record, the strings are joined):\n")
        self.stdout.write(f"{name} IN TXT {txt_strings(value)}\n")
        self.stdout.write("Settings (environment) once the record resolves:\n")
        self.stdout.write(
            f"DKIM_DOMAIN={signer.domain.decode()}\nDKIM_SELECTOR={selector}\n"
            f"DKIM_PRIVATE_KEY_FILE={key_path.resolve()}\n"
        )
