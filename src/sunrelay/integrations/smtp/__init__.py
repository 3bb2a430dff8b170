"""Email over SMTP, configured by one URL (``SMTP_URL``)."""

from sunrelay.integrations.smtp.mail import SmtpConfig, send_mail

__all__ = ["SmtpConfig", "send_mail"]
