"""Pure rules of delivery: when a message may go out and when a failed one is tried again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sunrelay.worktime import Schedule, epoch, from_epoch

MAX_ATTEMPTS = 6
BASE_DELAY = timedelta(seconds=30)
LOOKAHEAD = timedelta(days=21)


def backoff(attempts: int, base: timedelta = BASE_DELAY) -> timedelta:
    """Delay after the ``attempts``-th failure: 30 s, 1 min, 2 min, 4 min, … (doubling)."""
    return base * (2 ** max(attempts - 1, 0))


def next_working_instant(schedule: Schedule, at: datetime) -> datetime:
    """``at`` when the person is working then, else the start of their next working window.

    Someone with no working window in the next three weeks (a long absence) gets it at once:
    holding a message for longer than that helps nobody.
    """
    start = epoch(at)
    for window_start, window_end in schedule.windows(start, epoch(at + LOOKAHEAD)):
        if window_end > start:
            return at if window_start <= start else from_epoch(window_start)
    return at


# Kinds of message are grouped by the part before the dot: "status.reminder" → "status".
GROUPS = {
    "decision": "Decision reviews and outcomes",
    "status": "Weekly status: reminders and digests",
    "handoff": "Follow-the-sun hand-offs",
    "ritual": "Rituals and 1:1s",
    "notify": "Direct messages",
    "page": "Pages: alerts and incidents that need you now",
    "incident": "Incidents: updates, postmortems and action items",
}
OUTSIDE_CHANNELS = ("email", "slack", "webhook")
DEFAULT_ROUTE = ["email"]


def group_of(kind: str) -> str:
    return kind.split(".", 1)[0]


def choose_channels(routes: dict[str, list[str]], kind: str, available: set[str]) -> list[str]:
    """The channels a message of ``kind`` goes to: always the inbox, plus the person's choice
    for its group (or their ``*`` default, or email), less what they cannot receive."""
    chosen = routes.get(group_of(kind), routes.get("*", DEFAULT_ROUTE))
    return ["inbox", *[c for c in OUTSIDE_CHANNELS if c in chosen and c in available]]


def check_routes(routes: object) -> dict[str, list[str]]:
    """Raises ValueError naming the bad group or channel."""
    if not isinstance(routes, dict):
        raise ValueError("routes must map a group of messages to a list of channels")
    clean: dict[str, list[str]] = {}
    for group, chosen in routes.items():
        if group != "*" and group not in GROUPS:
            raise ValueError(f"unknown group {group!r}; expected *, {', '.join(GROUPS)}")
        if not isinstance(chosen, list) or any(c not in OUTSIDE_CHANNELS for c in chosen):
            raise ValueError(f"{group}: channels must be a list of {', '.join(OUTSIDE_CHANNELS)}")
        clean[group] = [c for c in OUTSIDE_CHANNELS if c in chosen]
    return clean


SUBJECT_LIMIT = 200


def one_line(subject: str) -> str:
    """A subject as one line: every run of white space (line breaks included) is one space, and
    it is cut to SUBJECT_LIMIT characters. An alert summary or a record title with a line break
    would otherwise be refused by every mail server's header guard on every attempt."""
    flat = " ".join(subject.split())
    return flat if len(flat) <= SUBJECT_LIMIT else flat[: SUBJECT_LIMIT - 1] + "…"
