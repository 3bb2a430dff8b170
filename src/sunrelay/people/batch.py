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

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sunrelay.people.logic import Directory
from sunrelay.worktime import Tables, Timeline, parse_instant

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
    shapes: list[Misshapen] = []  # the reader's finds, handed over with the block they were in
    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(
            # one thread: Arrow numbers a misshapen row's line only when it parses in order
            block_size=BLOCK,
            column_names=None if has_header else HEADER,
            use_threads=False,
        ),
        parse_options=pacsv.ParseOptions(invalid_row_handler=_bad_shape(shapes)),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(HEADER, pa.string()), include_columns=HEADER
        ),
    )
    writer: pacsv.CSVWriter | None = None
    timelines = _Timelines(directory)
    schema = pa.schema([(n, pa.string()) for n in HEADER] + [("seconds", pa.int64())])
    try:
        for batch, misshapen in _read_ahead(reader, shapes):
            for line, text, fields in misshapen:
                outcome.failed += 1
                outcome.misshapen.append(line)
                errors(line, [text], f"expected person,from,to, got {fields} fields")
            if batch is None or not batch.num_rows:
                continue
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


Misshapen = tuple[int, str, int]  # line, text, number of fields


def _bad_shape(shapes: list[Misshapen]) -> Any:
    def handle(row: Any) -> str:
        shapes.append((row.number, row.text, row.actual_columns))
        return "skip"

    return handle


def _read_ahead(
    reader: Any, shapes: list[Misshapen]
) -> Iterator[tuple[pa.RecordBatch | None, list[Misshapen]]]:
    """Each block with the misshapen rows met while reading it, and a last ``None`` with any
    after the last block. Arrow parses the next block in a thread of its own (it lets go of
    the GIL) while this one is answered and written; at most two blocks wait, so memory stays
    bounded by a few blocks."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def hand_over(item: Any) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                ready.put(item, timeout=0.1)
                return True
        return False

    def read() -> None:
        try:
            for batch in reader:
                found = shapes[:]
                shapes.clear()
                if not hand_over((batch, found)):
                    return
            hand_over((None, shapes[:]))
        except BaseException as exc:  # handed to the caller, raised there
            hand_over(exc)

    thread = threading.Thread(target=read, name="csv-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            if item[0] is None:
                return
    finally:
        stop.set()
        # after the last block it has ended; after an error it may be blocked reading a pipe
        # that stays open (stdin), and it is a daemon: the process does not wait for it
        thread.join(timeout=5)


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
    encoded = pc.dictionary_encode(person, null_encoding="encode")
    names = encoded.dictionary.to_pylist()
    codes = _numpy(encoded.indices).astype(np.int64)
    unknown = ~np.array([name in directory.people for name in names], dtype=bool)[codes]
    backwards = ~(bad_a | bad_b) & (ends < starts)
    bad = unknown | bad_a | bad_b | backwards
    if not bad.any():
        seconds = _seconds(timelines, names, codes, starts, ends)
        return pa.table([person, a_text, b_text, _arrow(seconds)], names=[*HEADER, "seconds"])
    texts = (a_text.to_pylist(), b_text.to_pylist())
    for i in np.flatnonzero(bad):
        why = (
            f"no person with id {names[codes[i]]!r}" if unknown[i]
            else f"{texts[0][i]!r} is not an ISO-8601 instant with an offset" if bad_a[i]
            else f"{texts[1][i]!r} is not an ISO-8601 instant with an offset" if bad_b[i]
            else "'to' is before 'from'"
        )  # fmt: skip
        outcome.failed += 1
        fields = [names[codes[i]] or "", texts[0][i] or "", texts[1][i] or ""]
        errors(outcome.line(first_row + int(i)), fields, why)
    good = np.flatnonzero(~bad)
    keep = _arrow(good)
    seconds = _seconds(timelines, names, codes[good], starts[good], ends[good])
    return pa.table(
        [person.take(keep), a_text.take(keep), b_text.take(keep), _arrow(seconds)],
        names=[*HEADER, "seconds"],
    )


# Arrow <-> NumPy through buffers: pyarrow imports pandas, when it is installed, the first time
# it converts a Python or NumPy value or exports an array to NumPy (a tenth of a second of
# every run's start, for nothing).
NUMPY = {pa.int64(): np.int64, pa.int32(): np.int32, pa.uint8(): np.uint8}


def _numpy(array: pa.Array) -> np.ndarray:
    """A null-free int64, int32 or uint8 Arrow array as a read-only NumPy view."""
    dtype = np.dtype(NUMPY[array.type])
    return np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )


def _arrow(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _mask(flags: pa.Array) -> np.ndarray:
    """A boolean Arrow array as NumPy, null as False."""
    certain = pc.and_kleene(flags, pc.is_valid(flags))  # null AND false is false
    return _numpy(pc.cast(certain, pa.uint8())).astype(bool)


def _instants(text: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds for each value, and a mask of those that are no instant. When Arrow
    reads every value of the block (the usual file), that is the answer: what Arrow reads, it
    reads as ``parse_instant`` does (a property test holds it to that). Otherwise canonical
    values are cast by Arrow and the rest go through ``parse_instant`` one by one."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    with contextlib.suppress(pa.ArrowInvalid):
        read = pc.cast(pc.cast(text, pa.timestamp("s", tz="UTC")), pa.int64())
        if read.null_count == 0:
            return _numpy(read).copy(), np.zeros(len(text), dtype=bool)
    canonical = pc.match_substring_regex(text, CANONICAL)
    fast = pc.if_else(canonical, text, pa.nulls(len(text), pa.string()))
    try:
        cast = pc.cast(pc.cast(fast, pa.timestamp("s", tz="UTC")), pa.int64())
        # a writable copy; the slots of the rows left to Python are all written below
        out, slow = _numpy(cast).copy(), np.flatnonzero(~_mask(canonical))
    except pa.ArrowInvalid:  # e.g. 30 February: let Python say which rows
        out, slow = np.zeros(len(text), dtype=np.int64), np.arange(len(text))
    bad = np.zeros(len(text), dtype=bool)
    if len(slow):
        values = text.take(_arrow(slow)).to_pylist()
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
    timelines: _Timelines,
    names: list[str],
    codes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Every row of a block in the same few array passes, each on its person's timeline
    (``names[codes[i]]``; a name no good row uses gets an empty one)."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    lo = np.full(len(names), np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(len(names), np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(lo, codes, starts)
    np.maximum.at(hi, codes, ends)
    held = [
        timelines.get(name, int(a), int(b)) if a <= b else Timeline([], 0, 0)
        for name, a, b in zip(names, lo, hi, strict=True)
    ]
    return Tables(held).seconds(starts, ends, codes)
