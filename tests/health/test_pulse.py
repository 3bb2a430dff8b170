"""The pulse: anonymous answers that nothing links to who gave them, results only once the
group is large enough, and its score as an operating-state signal."""

from __future__ import annotations

import json

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import Conflict, PermissionDenied, ValidationFailed
from sunrelay.health import pulse
from sunrelay.health.models import PulseAnswer, PulseTaken
from sunrelay.health.signals import READERS
from sunrelay.health.weeks import Week
from sunrelay.people.models import Team
from tests.conftest import sign_in
from tests.work.conftest import T0, org  # noqa: F401

WEEK = "2026-W48"


def test_answers_are_anonymous_once_a_week_and_shown_only_for_a_large_enough_group(org):  # noqa: F811
    core = Team.objects.get(slug="core")
    core.agreement["pulse"] = {"min_group": 3}
    core.save()
    with clock.frozen(T0):
        pulse.answer("core", "ana", clarity=4, autonomy=5, pace=2, comment="too many pages")
        pulse.answer("core", "bruno", clarity=4, autonomy=3, pace=2)
        with pytest.raises(Conflict):
            pulse.answer("core", "ana", clarity=1, autonomy=1, pace=1)
        with pytest.raises(PermissionDenied):
            pulse.answer("core", "pia", clarity=1, autonomy=1, pace=1)
        with pytest.raises(ValidationFailed) as caught:
            pulse.answer("core", "carla", clarity=6, autonomy=1, pace=1)
        assert caught.value.field == "clarity"
        assert not pulse.results(core, WEEK).shown  # two answers: nothing to read
        assert READERS["pulse"](core, Week.of(WEEK)) is None
        pulse.answer("core", "carla", clarity=4, autonomy=4, pace=2)
    shown = pulse.results(core, WEEK)
    assert shown.shown and shown.means == {"clarity": 4.0, "autonomy": 4.0, "pace": 2.0}
    assert shown.comments == ["too many pages"] and shown.score() == 0.583
    # who answered is kept apart from what they said: no person, no time, a random key
    fields = {f.name for f in PulseAnswer._meta.fields}
    assert fields == {"id", "team", "week", "clarity", "autonomy", "pace", "comment"}
    assert sorted(PulseTaken.objects.values_list("person__slug", flat=True)) == [
        "ana",
        "bruno",
        "carla",
    ]
    assert READERS["pulse"](core, Week.of(WEEK)) == 0.583


def test_the_pulse_on_the_api_and_the_hub(org):  # noqa: F811
    with clock.frozen(T0):
        answered = sign_in("ana").post(
            "/api/v1/health/pulse",
            json.dumps({"team": "core", "clarity": 3, "autonomy": 3, "pace": 3}),
            content_type="application/json",
        )
        assert answered.status_code == 201
        page = sign_in("bruno").post(
            "/org-health/pulse/core/", {"clarity": "5", "autonomy": "4", "pace": "4"}, follow=True
        )
        assert b"kept without your name" in page.content
        results = sign_in("lena").get("/api/v1/health/pulse/core?weeks=2").json()
        assert results[-1] == {
            "week": WEEK,
            "answers": 2,
            "shown": False,
            "means": None,
            "comments": [],
        }
        assert sign_in("pia").get("/api/v1/health/pulse/core").status_code == 403
