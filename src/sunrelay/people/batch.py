"""`sunrelay time business-hours --batch`: working time for millions of (person, from, to)
rows, read and written by pyarrow's streaming CSV reader and writer a block at a time, so
memory is bounded by a block, not by the file. Pure: no Django.

Rows whose instants are in the canonical ISO-8601 shape (``2026-03-30T09:00Z``,
``…T09:00:00+02:00``) are parsed by Arrow; any other row goes through ``parse_instant``, so
every answer is the one a single question would give. A bad row (unknown person, unreadable
instant, end before start, wrong number of fields) is reported with its row number and does
not stop the good ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sunrelay.people.logic import Directory
from sunrelay.worktime import Tables, parse_instant

BLOCK = 2 << 20  # bytes read at a time: memory is bounded by a few blocks (10 M rows: ~300 MiB)
HEADER = ["person", "from", "to"]
# good rows hold ids and ISO instants only: nothing to quote (Arrow refuses a value that
# would need it)
WRITE = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
CANONICAL = r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)$"


@dataclass
class Outcome:
    rows: int = 0
    failed: int = 0
    header: int = 0  # 1 when the file starts with a header line: line numbers count it
    misshapen: list[int] = field(default_factory=list)  # lines of rows skipped for their shape

    def line(self, row: int) -> int:
        """The file line of the ``row``-th well-formed data row (1-based)."""
        line = row + self.header
        for skipped in sorted(self.misshapen):
            if skipped <= line:
                line += 1
        return line

    problems: list[tuple[int, str, str]] = field(default_factory=list)  # row, text, why


def run(
    directory: Directory,
    source: IO[bytes],
    sink: IO[bytes],
    *,
    errors: Callable[[int, list[str], str], None],
    progress: Callable[[int], None] = lambda rows: None,
) -> Outcome:
    """Read ``person,from,to`` rows (a header line is optional) from ``source``; write
    ``person,from,to,seconds`` rows to ``sink``; tell ``errors`` of each bad row (its line
    in the file, counting the header but not blank lines; its fields; why)."""
    outcome = Outcome()
    first = source.peek(64 * 1024)[:4096] if hasattr(source, "peek") else b""
    has_header = _header(first)
    outcome.header = int(has_header)
    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(
            # one thread: Arrow numbers a misshapen row's line only when it parses in order
            block_size=BLOCK,
            column_names=None if has_header else HEADER,
            use_threads=False,
        ),
        parse_options=pacsv.ParseOptions(invalid_row_handler=_bad_shape(errors, outcome)),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(HEADER, pa.string()), include_columns=HEADER
        ),
    )
    writer: pacsv.CSVWriter | None = None
    timelines = _Timelines(directory)
    schema = pa.schema([(n, pa.string()) for n in HEADER] + [("seconds", pa.int64())])
    try:
        for batch in _batches(reader):
            table = _answer(directory, timelines, batch, outcome, errors)
            if writer is None:
                writer = pacsv.CSVWriter(sink, schema, write_options=WRITE)
            writer.write_table(table)
            progress(outcome.rows)
    finally:
        if writer is None:
            writer = pacsv.CSVWriter(sink, schema, write_options=WRITE)
        writer.close()
    return outcome


def _header(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    return [c.strip().lower() for c in line.split(",")[:3]] == HEADER


def _bad_shape(errors: Callable[[int, list[str], str], None], outcome: Outcome) -> Any:
    def handle(row: Any) -> str:
        outcome.failed += 1
        outcome.misshapen.append(row.number)
        errors(row.number, [row.text], f"expected person,from,to, got {row.actual_columns} fields")
        return "skip"

    return handle


def _batches(reader: Any) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        if batch.num_rows:
            yield batch


def _answer(
    directory: Directory,
    timelines: _Timelines,
    batch: pa.RecordBatch,
    outcome: Outcome,
    errors: Callable[[int, list[str], str], None],
) -> pa.Table:
    n, first_row = batch.num_rows, outcome.rows + 1
    outcome.rows += n
    person, a_text, b_text = (pc.utf8_trim_whitespace(batch.column(i)) for i in range(3))
    starts, bad_a = _instants(a_text)
    ends, bad_b = _instants(b_text)
    known = pc.is_in(person, value_set=pa.array(sorted(directory.people), pa.string()))
    unknown = ~_mask(known)
    backwards = ~(bad_a | bad_b) & (ends < starts)
    bad = unknown | bad_a | bad_b | backwards
    if bad.any():
        names = person.to_pylist()
        texts = (a_text.to_pylist(), b_text.to_pylist())
        for i in np.flatnonzero(bad):
            why = (
                f"no person with id {names[i]!r}" if unknown[i]
                else f"{texts[0][i]!r} is not an ISO-8601 instant with an offset" if bad_a[i]
                else f"{texts[1][i]!r} is not an ISO-8601 instant with an offset" if bad_b[i]
                else "'to' is before 'from'"
            )  # fmt: skip
            outcome.failed += 1
            fields = [names[i] or "", texts[0][i] or "", texts[1][i] or ""]
            errors(outcome.line(first_row + int(i)), fields, why)
    good = np.flatnonzero(~bad)
    keep = pa.array(good, pa.int64())
    people = person.take(keep)
    seconds = _seconds(timelines, people, starts[good], ends[good])
    return pa.table(
        [people, a_text.take(keep), b_text.take(keep), pa.array(seconds, pa.int64())],
        names=[*HEADER, "seconds"],
    )


def _mask(flags: Any) -> np.ndarray:
    """A boolean Arrow array as NumPy (null as False), without pyarrow's pandas-backed path."""
    return np.asarray(pc.cast(pc.fill_null(flags, False), pa.uint8()).to_numpy(), dtype=bool)


def _instants(text: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds for each value, and a mask of those that are no instant. Canonical
    values are cast by Arrow; the rest go through ``parse_instant`` one by one."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    canonical = pc.fill_null(pc.match_substring_regex(text, CANONICAL), False)
    fast = pc.if_else(canonical, text, pa.scalar(None, pa.string()))
    try:
        cast = pc.cast(pc.cast(fast, pa.timestamp("s", tz="UTC")), pa.int64())
    except pa.ArrowInvalid:  # e.g. 30 February: let Python say which rows
        canonical = pa.array(np.zeros(len(text), dtype=bool))
        cast = pa.nulls(len(text), pa.int64())
    out = np.array(pc.fill_null(cast, 0).to_numpy(), dtype=np.int64)  # a writable copy
    bad = np.zeros(len(text), dtype=bool)
    slow = np.flatnonzero(~_mask(canonical))
    if len(slow):
        values = text.take(pa.array(slow, pa.int64())).to_pylist()
        for i, value in zip(slow, values, strict=True):
            try:
                at = parse_instant(value or "")
            except ValueError:
                bad[i] = True
                continue
            out[i] = int(at.timestamp())
    return out, bad


PAD = 31 * 86_400  # a person's timeline is built a month wider than asked, and reused


class _Timelines:
    """Each person's timeline, kept across blocks and widened only when a block reaches past
    it: the answer is the same (working time between two instants does not depend on how far
    the timeline reaches), and a file of 10 M rows builds a handful per person, not one a
    block."""

    def __init__(self, directory: Directory):
        self.directory = directory
        self.held: dict[str, tuple[int, int, Any]] = {}

    def get(self, person: str, lo: int, hi: int) -> Any:
        held = self.held.get(person)
        if held is not None and held[0] <= lo and hi <= held[1]:
            return held[2]
        if held is not None:
            lo, hi = min(lo, held[0]), max(hi, held[1])
        lo, hi = lo - PAD, hi + PAD
        timeline = self.directory.schedule(person).timeline(lo, hi)
        self.held[person] = (lo, hi, timeline)
        return timeline


def _seconds(
    timelines: _Timelines, people: pa.Array, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """Every row of a block in the same few array passes, each on its person's timeline."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    encoded = pc.dictionary_encode(people)
    codes = np.asarray(encoded.indices.to_numpy(), dtype=np.int64)  # no nulls: zero-copy
    names = encoded.dictionary.to_pylist()
    lo = np.full(len(names), np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(len(names), np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(lo, codes, starts)
    np.maximum.at(hi, codes, ends)
    held = [timelines.get(name, int(a), int(b)) for name, a, b in zip(names, lo, hi, strict=True)]
    return Tables(held).seconds(starts, ends, codes)
