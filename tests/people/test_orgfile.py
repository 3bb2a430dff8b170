"""org.yaml: the minimum contract from the issue, defaults, and lint messages with lines."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sunrelay.people import orgfile
from sunrelay.people.orgfile import OrgFileInvalid
from tests.conftest import DEMO, ROOT

MINIMAL = """\
version: 1
organization: {name: Acme}
people:
  - {id: ana, name: Ana Lima, email: ana@acme.test, timezone: America/Sao_Paulo,
     working_hours: "09:00-18:00", workdays: [mon, tue, wed, thu, fri], holidays: BR}
teams:
  - {id: payments, name: Payments, lead: ana, members: [ana], wip_limit: 2}
components:
  - {id: ledger, name: Ledger, owner: payments, maintainers: [ana]}
absences:
  - {person: ana, from: 2026-12-21, to: 2026-12-31, reason: vacation}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(OrgFileInvalid) as caught:
        orgfile.parse(text, "org.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_minimal_contract_parses():
    spec = orgfile.parse(MINIMAL)
    ana = spec.people[0]
    assert (ana.timezone, ana.holidays, ana.workdays) == (
        "America/Sao_Paulo",
        "BR",
        ["mon", "tue", "wed", "thu", "fri"],
    )
    assert ana.working_hours["mon"] == "09:00-18:00"
    assert spec.teams[0].wip_limit == 2 and spec.components[0].owner == "payments"
    assert str(spec.absences[0].start) == "2026-12-21"


def test_defaults_are_nine_to_five_monday_to_friday_without_holidays():
    spec = orgfile.parse("version: 1\npeople:\n  - {id: bo, name: Bo, timezone: UTC}\n")
    assert spec.people[0].working_hours == dict.fromkeys(
        ["mon", "tue", "wed", "thu", "fri"], "09:00-17:00"
    )
    assert spec.people[0].holidays is None


def test_working_hours_by_weekday_and_night_shifts():
    spec = orgfile.parse("""\
version: 1
people:
  - id: nina
    name: Nina
    timezone: Europe/Berlin
    working_hours: {mon: "22:00-06:00", tue: "22:00-06:00", sat: "10:00-14:00", sun: null}
""")
    assert spec.people[0].working_hours == {
        "mon": "22:00-06:00",
        "tue": "22:00-06:00",
        "sat": "10:00-14:00",
    }


def test_every_problem_is_found_in_one_pass_with_its_line():
    text = """\
version: 1
organization: {name: Acme}
people:
  - {id: ana, name: Ana, timezone: America/Sao_Paulo}
  - {id: bo, name: Bo, timezone: Europe/Lisbon}
  - {id: cy, name: Cy, timezone: Mars/Base}
  - id: ana
    name: Again
    timezone: UTC
    working_hours: "9am-5pm"
    workdays: [mon, funday]
    holidays: XX
teams:
  - {id: t, name: T, lead: zed, members: [ana, nobody], wip_limit: 0, parent: t2}
  - {id: t2, name: T2, parent: t}
components:
  - {id: c, name: C, owner: ghost, criticality: extreme, links: [{url: "javascript:x"}]}
absences:
  - {person: ana, from: 2026-12-21, to: 2026-12-01}
"""
    found = problems(text)
    assert "org.yaml:6: people[2].timezone: 'Mars/Base' is not an IANA time zone" in found
    assert "org.yaml:7: people[3].id: duplicate id 'ana' (first at line 4)" in found
    assert any(p.startswith("org.yaml:10: people[3].working_hours: '9am-5pm'") for p in found)
    assert any(p.startswith("org.yaml:11: people[3].workdays[1]: 'funday'") for p in found)
    assert any(p.startswith("org.yaml:12: people[3].holidays: 'XX'") for p in found)
    assert "org.yaml:14: teams[0].lead: 'zed' is not a person in this file" in found
    assert "org.yaml:14: teams[0].members[1]: 'nobody' is not a person in this file" in found
    assert any(p.startswith("org.yaml:14: teams[0].wip_limit:") for p in found)
    assert any("parents form a cycle" in p for p in found)
    assert "org.yaml:17: components[0].owner: 'ghost' is not a team in this file" in found
    assert any(p.startswith("org.yaml:17: components[0].criticality") for p in found)
    assert any(p.startswith("org.yaml:17: components[0].links[0]") for p in found)
    assert any(p.startswith("org.yaml:19: absences[0].to: ends") for p in found)
    assert found == sorted(found, key=lambda p: int(p.split(":")[1]))


def test_unknown_fields_and_wrong_types_are_named():
    found = problems(
        "version: 1\npeople:\n  - {id: a, name: A, timezone: UTC, tz: UTC}\nteams: {id: t}\n"
    )
    assert any("people[0].tz: unknown field" in p for p in found)
    assert "org.yaml:4: teams: must be a list" in found


def test_yaml_syntax_errors_name_the_line():
    found = problems("version: 1\npeople:\n  - {id: a, name: A\n  - oops\n")
    assert len(found) == 1 and "not valid YAML" in found[0]


def test_norway_is_a_country_not_false():
    spec = orgfile.parse(
        "version: 1\npeople:\n  - {id: o, name: Ola, timezone: Europe/Oslo, holidays: NO}\n"
    )
    assert spec.people[0].holidays == "NO"


def test_subdivision_holiday_calendars():
    assert (
        orgfile.parse(
            "version: 1\npeople:\n  - {id: s, name: S, timezone: America/"
            "Los_Angeles, holidays: US-CA}\n"
        )
        .people[0]
        .holidays
        == "US-CA"
    )
    assert any(
        "not a subdivision" in p
        for p in problems(
            "version: 1\npeople:\n  - {id: s, name: S, timezone: UTC, holidays: US-ZZ}\n"
        )
    )


def test_dump_and_parse_round_trip_the_demo():
    spec = orgfile.parse(DEMO.read_text())
    again = orgfile.parse(orgfile.dump(spec))
    assert again == spec


def test_the_json_schema_accepts_what_we_write_and_rejects_what_lint_rejects():
    schema = json.loads((ROOT / "docs" / "org-yaml.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=None)
    for text in (DEMO.read_text(), MINIMAL, orgfile.dump(orgfile.parse(DEMO.read_text()))):
        data = json.loads(json.dumps(yaml.load(text, Loader=orgfile._Loader), default=str))
        assert not list(validator.iter_errors(data))
    bad = {"version": 1, "people": [{"id": "a", "name": "A", "timezone": "UTC", "tz": "x"}]}
    assert list(validator.iter_errors(bad))


def test_docs_example_in_readme_is_valid(tmp_path: Path):
    text = (ROOT / "docs" / "org-yaml.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    orgfile.parse(example)


def test_agreement_keys_for_status_and_handoffs_are_checked():
    text = """version: 1
people:
  - {id: ana, name: Ana, timezone: UTC}
teams:
  - {id: t, name: T, members: [ana],
     agreement: {status: {due: "fri 12:00"}, handoff: {escalate_after: 3h}}}
  - {id: u, name: U,
     agreement: {status: {due: someday}, handoff: {escalate_after: soon, x: 1}, vibes: {}}}
"""
    found = problems(text)
    assert any("agreement.status.due" in p and "not a time of the week" in p for p in found)
    assert any("agreement.handoff.escalate_after" in p for p in found)
    assert any("agreement.handoff.x" in p and "unknown key" in p for p in found)
    [vibes] = [p for p in found if "agreement.vibes" in p]
    # the keys a person can write, never Python internals (they read "<function …>" once)
    assert vibes.endswith(
        "unknown agreement key; expected one of: concerns, failure, handoff, incident, knowledge, "
        + ("onboarding, oncall, pulse, review, states, status, wip, work")
    ), vibes
    assert "<function" not in "".join(found) and "escalate_after" in "".join(found)
    assert len(found) == 4, found


def test_a_directory_is_freed_once_nobody_holds_it():
    """Each "who is online" request built a Directory whose schedules a method cache kept alive
    for ever (+6.6 MB a request); the cache now lives and dies with its Directory."""
    import gc
    import weakref

    from sunrelay.people.logic import Directory

    spec = orgfile.parse(DEMO.read_text(), "org.yaml")
    directory = Directory.from_spec(spec)
    assert directory.schedule("ana") is directory.schedule("ana")
    gone = weakref.ref(directory)
    del directory
    gc.collect()
    assert gone() is None


BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def test_an_alias_bomb_is_refused_before_it_expands():
    """A 318-byte file whose aliases expand to ~10^9 values made `org lint` run out of memory."""
    assert len(BILLION_LAUGHS) < 400
    with pytest.raises(OrgFileInvalid) as caught:
        orgfile.load_documents(BILLION_LAUGHS, "org.yaml")
    [problem] = caught.value.problems
    assert "aliases expand this document to 490,329,064 values" in problem.message
    with pytest.raises(OrgFileInvalid, match="1 problem"):
        orgfile.load_documents("a: &a [*a]\n", "org.yaml")


def test_anchors_real_files_use_still_work():
    """300 people sharing one set of hours through an anchor: the way real files use them."""
    people = "\n".join(
        f"  - {{id: p{i}, name: P {i}, timezone: Europe/Lisbon, working_hours: *office}}"
        for i in range(1, 300)
    )
    text = (
        "version: 1\norganization: {name: Acme}\npeople:\n"
        "  - {id: p0, name: P 0, timezone: Europe/Lisbon,\n"
        '     working_hours: &office {mon: "09:00-17:00", tue: "09:00-17:00"}}\n'
        f"{people}\n"
    )
    spec = orgfile.parse(text)
    assert len(spec.people) == 300
    assert spec.people[299].working_hours == {"mon": "09:00-17:00", "tue": "09:00-17:00"}


IDENTITIES = """\
version: 1
people:
  - {id: ana, name: Ana, email: ana@acme.test, timezone: UTC, github: ana-l,
     emails: [ana@home.example]}
  - {id: bo, name: Bo, email: bo@acme.test, timezone: UTC, github: ANA-L,
     emails: [Ana@Home.example, not-an-address]}
  - {id: cy, name: Cy, timezone: UTC, github: "-cy"}
components:
  - {id: ledger, name: Ledger, repos: [acme/ledger]}
  - {id: books, name: Books, repos: [acme/ledger, "acme"]}
"""


def test_identities_name_one_person_and_repositories_one_component():
    found = problems(IDENTITIES)
    assert found == [
        "org.yaml:5: people[1].github: 'ANA-L' is already another person's (line 3)",
        "org.yaml:6: people[1].emails[1]: 'not-an-address' is not an email address",
        "org.yaml:6: people[1].emails[0]: 'Ana@Home.example' is already another person's (line 4)",
        "org.yaml:7: people[2].github: '-cy' is not a GitHub login",
        "org.yaml:10: components[1].repos[1]: 'acme' is not a GitHub repository like 'owner/name'",
        "org.yaml:10: components[1].repos[0]: 'acme/ledger' is already another component's"
        " (line 9)",
    ]


def test_identities_parse_and_round_trip():
    text = (
        IDENTITIES.split("  - {id: bo")[0]
        + "components:\n  - {id: ledger, name: L, repos: [acme/ledger]}\n"
    )
    spec = orgfile.parse(text)
    assert (spec.people[0].github, spec.people[0].emails) == ("ana-l", ["ana@home.example"])
    assert spec.components[0].repos == ["acme/ledger"]
    again = orgfile.parse(orgfile.dump(spec))
    assert (again.people, again.components) == (spec.people, spec.components)


def test_the_organisations_agreement_is_checked_and_round_trips():
    text = (
        "version: 1\norganization:\n  name: Acme\n  agreement:\n    work: {per_person: 3}\n"
        "people: []\nteams: []\n"
    )
    spec = orgfile.parse(text)
    assert spec.agreement == {"work": {"per_person": 3}}
    assert orgfile.parse(orgfile.dump(spec)).agreement == spec.agreement
    assert orgfile.parse("version: 1\norganization: {name: Acme}\n").agreement is None
    with pytest.raises(orgfile.OrgFileInvalid) as caught:
        orgfile.parse(text.replace("per_person: 3", "per_person: many"))
    assert "organization.agreement.work.per_person" in str(caught.value.problems[0])


def test_charters_and_role_meanings_are_first_class_text_and_round_trip():
    text = (
        "version: 1\norganization:\n  name: Acme\n  roles: {tech-lead: Owns the direction.}\n"
        "people: [{id: a, name: A, timezone: UTC, roles: [tech-lead]}]\n"
        "teams:\n  - id: t\n    name: T\n    charter: |\n      We run the ledger.\n"
    )
    spec = orgfile.parse(text)
    assert spec.roles == {"tech-lead": "Owns the direction."}
    assert spec.teams[0].charter == "We run the ledger.\n"
    again = orgfile.parse(orgfile.dump(spec))
    assert again.roles == spec.roles and again.teams[0].charter == spec.teams[0].charter
    with pytest.raises(orgfile.OrgFileInvalid) as caught:
        orgfile.parse(text.replace("{tech-lead: Owns the direction.}", "[tech-lead]"))
    assert "organization.roles: must map role ids" in str(caught.value.problems[0])
