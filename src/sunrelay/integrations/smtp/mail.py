"""Send one plain-text email through Django's SMTP backend.

``SMTP_URL`` spells the server: ``smtp://host:25``, ``smtp+starttls://user:pass@host:587`` or
``smtps://user:pass@host:465``. Credentials in the URL are percent-decoded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.core.mail import EmailMessage, get_connection

SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """Raises ValueError naming what is wrong with the URL."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ValueError(f"SMTP_URL scheme must be one of {', '.join(SCHEMES)}")
        if not parts.hostname:
            raise ValueError("SMTP_URL has no host")
        port, starttls, ssl = SCHEMES[parts.scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or port,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            starttls=starttls,
            ssl=ssl,
        )


def message_id(key: str, domain: str = "sunrelay") -> str:
    """A Message-ID derived from the idempotency key, so a repeat is recognisably the same mail."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def send_mail(
    config: SmtpConfig, sender: str, to: str, subject: str, text: str, *, key: str
) -> None:
    """Raises whatever the SMTP conversation raises (``smtplib.SMTPException``, ``OSError``)."""
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=config.host,
        port=config.port,
        username=config.username or None,
        password=config.password or None,
        use_tls=config.starttls,
        use_ssl=config.ssl,
        timeout=config.timeout,
        fail_silently=False,
    )
    mail = EmailMessage(
        subject=subject,
        body=text,
        from_email=sender,
        to=[to],
        headers={"Message-ID": message_id(key), "X-Sunrelay-Key": key},
        connection=connection,
    )
    mail.send(fail_silently=False)
