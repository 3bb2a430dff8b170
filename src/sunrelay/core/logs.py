"""Keep credentials out of the logs.

Some addresses are credentials: an integration's intake URL, a one-time acknowledge link, a
private calendar feed. Django logs the path of every 4xx and 5xx, and our own lines name
paths too, so every record that reaches a handler passes through ``RedactSecrets`` first.
"""

from __future__ import annotations

import logging
import re

# the part after each prefix is the secret
SECRET_PATH = re.compile(
    r"(?P<keep>/oncall/intake/|/oncall/link/|/calendar/)(?P<secret>[^/\s?#'\"]+?)(?P<ics>\.ics)?"
    r"(?=[/\s?#'\"]|$)"
)
# a Slack incoming webhook: everything after /services/ is the credential
SLACK_HOOK = re.compile(r"(?P<keep>hooks\.slack\.com/services/)[^\s'\"]+")
SECRET_QUERY = re.compile(r"(?P<keep>[?&](?:token|secret|key|password)=)[^&\s'\"]+", re.I)


def redact(text: str) -> str:
    text = SECRET_PATH.sub(lambda m: m["keep"] + "[redacted]" + (m["ics"] or ""), text)
    text = SLACK_HOOK.sub(lambda m: m["keep"] + "[redacted]", text)
    return SECRET_QUERY.sub(lambda m: m["keep"] + "[redacted]", text)


def _redacted(arg: object) -> object:
    """A text argument redacted; an address object (an HTTP client's URL) as redacted text;
    numbers and the rest as they are, so the message's own formatting still applies."""
    if isinstance(arg, str):
        return redact(arg)
    if isinstance(arg, int | float | bool) or arg is None:
        return arg
    text = str(arg)
    redacted = redact(text)
    return redacted if redacted != text else arg


class RedactSecrets(logging.Filter):
    """Rewrites the message and its arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            # the traceback is formatted once, here, so its text can be redacted too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
