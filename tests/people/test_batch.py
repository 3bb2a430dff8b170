"""The batch path's reliance on Arrow: what Arrow reads as an instant, it reads as a single
question does; and a batch run does not pay for pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from sunrelay.worktime import parse_instant
from tests.conftest import DEMO

two = st.integers(0, 99).map(lambda i: f"{i:02d}")
offsets = st.one_of(
    st.sampled_from(["", "Z", "z", "+00:00", "-00:00"]),
    st.builds(
        lambda s, h, m, c: f"{s}{h}{c}{m}",
        st.sampled_from("+-"),
        two,
        two,
        st.sampled_from(["", ":"]),
    ),
    st.builds(lambda s, h: f"{s}{h}", st.sampled_from("+-"), two),
)
near_iso = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, off: f"{y:04d}-{mo}-{d}{sep}{h}{mi}{s}{frac}{off}",
    st.integers(1, 9999), two, two, st.sampled_from(["T", " ", "t", "_"]), two,
    st.one_of(st.just(""), two.map(lambda x: ":" + x)),
    st.one_of(st.just(""), two.map(lambda x: ":" + x)),
    st.one_of(st.just(""), st.integers(0, 999_999).map(lambda x: f".{x}"), st.just(",5")),
    offsets,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(near_iso)
def test_what_arrow_reads_as_an_instant_a_single_question_reads_the_same(text):
    """The batch takes Arrow's reading of a whole block when Arrow reads every value; that is
    only right if Arrow never reads a value differently from ``parse_instant``, nor reads one
    that ``parse_instant`` refuses."""
    try:
        read = pc.cast(pc.cast(pa.array([text], pa.string()), pa.timestamp("s", tz="UTC")),
                       pa.int64())[0].as_py()  # fmt: skip
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return
    if read is not None:
        assert int(parse_instant(text).timestamp()) == read


def test_a_batch_run_does_not_load_pandas(tmp_path: Path):
    """pyarrow imports pandas, when it is installed, the first time it converts a Python value
    or exports to NumPy: a tenth of a second of every run. The batch goes through buffers."""
    rows = tmp_path / "rows.csv"
    rows.write_text("person,from,to\nana,2026-11-23T00:00Z,2026-11-24T00:00Z\n"
                    "nobody,2026-11-23T00:00Z,2026-11-24T00:00Z\n")  # fmt: skip
    probe = (
        "import sys\n"
        "from sunrelay.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pandas' in sys.modules)\n"
    )
    args = ["time", "business-hours", "--batch", str(rows), "--org", str(DEMO)]
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60
    )
    assert "1 of 2 rows failed" in done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_bad_rows_in_a_file_of_many_blocks_are_reported_at_their_lines(tmp_path: Path):
    """Blocks are read ahead in a thread while the one before is answered: misshapen rows (met
    while reading a block, so told before its bad values) and bad values are each reported
    once, at their own line, and every good row is answered."""
    import io

    from sunrelay.people import batch, timequery
    from sunrelay.people.logic import Directory
    from sunrelay.people.sources import read_source

    spec, _ = read_source([str(DEMO)])
    directory = Directory.from_spec(spec)
    lines, expected = ["person,from,to"], []
    for n in range(2, 200_002):  # about six blocks
        if n % 40_000 == 3:
            lines.append("ana,2026-11-23T00:00Z")
            expected.append((n, "expected person,from,to, got 2 fields"))
        elif n % 40_000 == 17:
            lines.append("ana,soon,2026-11-24T00:00Z")
            expected.append((n, "'soon' is not an ISO-8601 instant with an offset"))
        else:
            lines.append(f"ana,2026-11-{23 + n % 5}T0{n % 10}:00Z,2026-11-30T00:00Z")
    source = io.BufferedReader(io.BytesIO(("\n".join(lines) + "\n").encode()))
    sink, found = io.BytesIO(), []
    done = batch.run(directory, source, sink, errors=lambda line, _, why: found.append((line, why)))
    assert sorted(found) == expected
    written = sink.getvalue().decode().splitlines()
    assert done.rows == 200_000 - 5 and done.failed == 10
    assert len(written) == 1 + 200_000 - 10
    for line in written[1::20_000]:  # the answers a single question gives
        person, a, b, seconds = line.split(",")
        assert int(seconds) == timequery.business_hours(directory, person, a, b)["seconds"]
