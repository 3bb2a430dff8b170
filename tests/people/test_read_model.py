"""The directory's read model: kept per process, cut to what each question needs, identical to
reading the ORM, and rebuilt only after a committed change, whichever process made it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from sunrelay.core.models import Revision
from sunrelay.people import queries, service
from sunrelay.people.queries import _read_directory

pytestmark = pytest.mark.django_db(transaction=True)


def same(a, b) -> bool:
    return (a.people, a.teams, a._absences) == (b.people, b.teams, b._absences)


@pytest.fixture(autouse=True)
def fresh():
    queries.DIRECTORY.forget()
    yield
    queries.DIRECTORY.forget()


def test_every_cut_of_the_read_model_is_what_the_orm_reads(demo):
    service.add_absence("bruno", date(2026, 12, 1), date(2026, 12, 3), "vacation")
    for people, team in ((None, None), (["ana", "bruno", "nobody"], None), (None, "platform"),
                         (["mia"], "payments"), (None, "no-such-team"), ([], None)):  # fmt: skip
        with transaction.atomic():
            expected = _read_directory(people, team=team)
        assert same(queries.load_directory(people, team=team), expected), (people, team)


def test_a_page_costs_one_short_query_once_the_model_is_built(demo, django_db_blocker):
    from django.db import connection

    queries.load_directory(team="platform")  # built here
    with CaptureQueriesContext(connection) as asked:
        directory = queries.load_directory(team="payments")
    assert len(asked.captured_queries) == 1 and "core_revision" in asked[0]["sql"]
    assert sorted(directory.people) == ["ana", "bruno", "chloe", "mia"]


def test_a_committed_change_anywhere_is_seen_at_once_and_a_rolled_back_one_never(demo):
    assert queries.load_directory(["mia"]).person("mia").timezone == "Australia/Sydney"
    service.update_person("mia", {"timezone": "Europe/London"})
    assert queries.load_directory(["mia"]).person("mia").timezone == "Europe/London"
    with pytest.raises(RuntimeError), transaction.atomic():
        service.update_person("mia", {"timezone": "Asia/Tokyo"})
        raise RuntimeError("the write fails halfway")
    assert queries.load_directory(["mia"]).person("mia").timezone == "Europe/London"
    # another process's write: the database's token moved and nothing else told us
    service.add_absence("mia", date(2027, 1, 4), date(2027, 1, 8), "vacation")
    Revision.objects.filter(name="directory").update(token="written-by-another-process")
    assert queries.load_directory(["mia"])._absences["mia"] == [
        (date(2027, 1, 4), date(2027, 1, 8))
    ]
    service.update_team("payments", {"members": ["ana", "bruno"]})  # a membership change
    assert sorted(queries.load_directory(team="payments").people) == ["ana", "bruno"]


def test_working_schedules_are_shared_by_every_cut_and_renewed_with_the_model(demo):
    """Cuts of one read model share each person's working schedule (built once), and a new
    absence gives a new schedule at once."""
    first = queries.load_directory(["bruno"]).schedule("bruno")
    assert queries.load_directory(team="payments").schedule("bruno") is first
    assert first.absences == ()
    service.add_absence("bruno", date(2027, 2, 1), date(2027, 2, 5), "vacation")
    renewed = queries.load_directory(["bruno"]).schedule("bruno")
    assert renewed.absences == ((date(2027, 2, 1), date(2027, 2, 5)),)
    with transaction.atomic():
        assert _read_directory(["bruno"]).schedule("bruno") == renewed


def test_a_private_steady_block_builds_once_from_what_the_transaction_sees_and_keeps_nothing(
    demo,
):
    from django.db import connection

    from sunrelay.core import revisions

    def mias() -> list[tuple[date, date]]:
        return queries.load_directory(["mia"])._absences.get("mia", [])

    with transaction.atomic():
        service.add_absence("mia", date(2027, 3, 1), date(2027, 3, 2))  # uncommitted
        with revisions.steady(queries.DIRECTORY, private=True):
            with CaptureQueriesContext(connection) as asked:
                for _ in range(20):
                    seen = mias()
            assert (date(2027, 3, 1), date(2027, 3, 2)) in seen  # its own write, seen
            assert not any("people_person" in q["sql"] for q in asked.captured_queries)
            service.add_absence("mia", date(2027, 4, 1), date(2027, 4, 1))  # a write: unpinned
            assert (date(2027, 4, 1), date(2027, 4, 1)) in mias()  # the ORM answers
        transaction.set_rollback(True)
    assert queries.DIRECTORY._held is None  # nothing built in the block was kept
    assert not [a for a in mias() if a[0].year == 2027 and a[0].month in (3, 4)]
