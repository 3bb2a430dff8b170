"""The pure rules: the ``work`` agreement as ``org lint`` checks it, valves that must say
who opens them, what fires them and what returns things to normal, and the matching that
decides when openers have all confirmed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sunrelay.people import orgfile
from sunrelay.work import logic

VALVE = {
    "name": "incident-load",
    "trigger": {"incidents": 2},
    "pause": ["speculative"],
    "openers": ["engineering", "product"],
    "back": {"queue_below": 2, "for": "1w"},
}


def test_a_valve_reads_with_its_trigger_openers_and_way_back():
    valve = logic.parse_valve(VALVE)
    assert valve.trigger.describe() == "2 or more open SEV1/SEV2 incidents"
    assert valve.back.describe() == "the queue below 2 for 7 days"
    assert valve.openers == (("engineering",), ("product",))


@pytest.mark.parametrize("missing", ["trigger", "openers", "back"])
def test_a_valve_without_a_trigger_an_opener_rule_or_a_way_back_is_an_error(missing):
    with pytest.raises(ValueError, match=f"needs '{missing}'"):
        logic.parse_valve({k: v for k, v in VALVE.items() if k != missing})


def test_org_lint_reports_a_valve_problem_at_its_line():
    text = """\
version: 1
people: [{id: a, name: A, timezone: UTC}]
teams:
  - id: t
    name: T
    agreement:
      work:
        per_person: 0
        valves:
          - {name: v, trigger: manual, pause: [speculative], back: manual}
"""
    with pytest.raises(orgfile.OrgFileInvalid) as caught:
        orgfile.parse(text, "org.yaml")
    where = "org.yaml:{}: teams[0].agreement.work.{}: {}".format
    assert [str(p) for p in caught.value.problems] == [
        where(8, "per_person", "must be a whole number of at least 1, not 0"),
        where(9, "valves", "valve 'v' needs 'openers': who may open it"),
    ]


def test_openers_need_a_different_person_for_each_group():
    openers = (("engineering",), ("product",))
    assert logic.matching(openers, [("lena", ["engineering-manager"])]) == {0: "lena"}
    both = [("lena", ["engineering-manager", "product-manager"]), ("kenji", ["product-manager"])]
    assert len(logic.matching(openers, both)) == 2
    alone = [("lena", ["engineering-manager", "product-manager"])]
    assert len(logic.matching(openers, alone)) == 1
    # an earlier match gives way when a later confirmer can only fill its group
    flexible = [("lena", ["tech-lead", "product-owner"]), ("omar", ["tech-lead"])]
    assert len(logic.matching(openers, flexible)) == 2


def test_shed_order_is_least_sacred_first_then_newest_first():
    rules = logic.Rules()
    at = datetime(2026, 11, 23, tzinfo=UTC)
    items = [
        logic.Item(1, "internal-tooling", started_at=at),
        logic.Item(2, "speculative", started_at=at),
        logic.Item(3, "speculative", started_at=at + timedelta(days=1)),
        logic.Item(4, "customer", started_at=at),
    ]
    chosen = logic.shed_order(items, ["speculative", "internal-tooling"], rules, 0)
    assert [i.pk for i in chosen] == [3, 2, 1]
    assert [i.pk for i in logic.shed_order(items, ["speculative"], rules, 1)] == [3]


def test_a_slip_is_a_move_later_by_more_than_the_threshold():
    week = timedelta(weeks=1)
    d = date(2026, 12, 1)
    assert not logic.slipped(d, d + timedelta(days=7), week)
    assert logic.slipped(d, d + timedelta(days=8), week)
    assert logic.slipped(d, None, week) and not logic.slipped(None, d, week)
    assert logic.parse_days("2w") == timedelta(days=14) and logic.parse_days(3) == timedelta(days=3)


def test_org_lint_checks_work_agreements_without_a_database(tmp_path):
    from tests.conftest import run_without_database

    org = tmp_path / "org.yaml"
    org.write_text(
        "version: 1\npeople: [{id: a, name: A, timezone: UTC}]\n"
        "teams: [{id: t, name: T, agreement: {work: {valves: [{name: v, trigger: manual, "
        "pause: [speculative], openers: [product]}]}}}]\n"
    )
    done = run_without_database(tmp_path, "org", "lint", str(org))
    assert done.returncode == 1
    assert "valve 'v' needs 'back': what returns things to normal" in done.stdout


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("\u0013\u00f5", "work.yaml:1: (file): not valid YAML"),
        ("initiatives: [{title: A, team: t, dri: a, target: soon}]", "target: must be a date"),
        ("- a\n- b\n", "(file): expected a mapping with version and initiatives"),
        ("a: &a [*a]", "work.yaml:1: (file): an alias refers to the node that contains it"),
    ],
)
def test_a_work_file_that_is_not_one_says_where(text, problem):
    from sunrelay.work import workfile

    with pytest.raises(workfile.WorkFileInvalid) as caught:
        workfile.parse(text, "work.yaml")
    assert problem in str(caught.value.problems[0])


def test_a_valve_returning_on_a_date_is_kept_as_text_and_read_back(db):
    from sunrelay.people import service as people
    from sunrelay.people.models import Team

    text = """\
version: 1
people: [{id: a, name: A, timezone: UTC, roles: [product-manager]}]
teams:
  - id: t
    name: T
    members: [a]
    agreement:
      work:
        valves: [{name: v, trigger: manual, pause: [speculative], openers: [product],
                  back: {on: 2027-01-04}}]
"""
    people.import_org(orgfile.parse(text))
    team = Team.objects.get(slug="t")
    assert team.agreement["work"]["valves"][0]["back"] == {"on": "2027-01-04"}
    from sunrelay.work.service import rules_for

    assert rules_for(team).valve("v").back.on == date(2027, 1, 4)
