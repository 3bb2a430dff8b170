"""`sunrelay knowledge busfactor`, whole process, against the `git log` it needs.

Baseline, measured in the same run on the same repository: `git log --name-status
--find-renames` written to /dev/null, the read every truck-factor tool starts from (the
reference tool runs exactly this). Targets (issue 18): the truck factor within 1.5x of that
log's time on a 30,000-commit repository, in under 512 MiB. Time and peak memory are each
process's own (``os.wait4``), best of 3 with bytecode cached as in an install.

The repository is generated here (no network): 30,000 commits by 80 authors whose shares
follow a Zipf law, in a tree of 120 folders growing to about 7,000 files, with additions,
changes, renames and deletions in proportions like a mature project's, written with
`git fast-import`.

    python benchmarks/truckfactor.py [--commits 30000]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from harness import measure

AUTHORS = 80


def generate(path: Path, commits: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    weights = [1 / (k + 1) for k in range(AUTHORS)]
    people = [(f"Dev {k:02d}", f"dev{k}@example.test") for k in range(AUTHORS)]
    folders = [f"pkg{a}/mod{b}" for a in range(12) for b in range(10)]
    files: list[str] = []
    version: dict[str, int] = {}
    lines = []
    when = 1_262_304_000  # 2010-01-01
    for n in range(commits):
        name, email = rng.choices(people, weights)[0]
        when += rng.randint(60, 9000)
        ops = []
        roll = rng.random()
        if not files or roll < 0.15:
            for _ in range(rng.randint(1, 4)):
                new = f"{rng.choice(folders)}/f{len(version)}.py"
                version[new] = 0
                files.append(new)
                ops.append(("M", new))
        elif roll < 0.16 and len(files) > 50:
            old = files.pop(rng.randrange(len(files)))
            new = f"{rng.choice(folders)}/r{len(version)}.py"
            version[new] = version.pop(old)
            files.append(new)
            ops.append(("R", old, new))
        elif roll < 0.17 and len(files) > 50:
            gone = files.pop(rng.randrange(len(files)))
            version.pop(gone)
            ops.append(("D", gone))
        else:
            for f in {rng.choice(files) for _ in range(rng.randint(1, 5))}:
                version[f] += 1
                ops.append(("M", f))
        lines.append(f"commit refs/heads/main\nauthor {name} <{email}> {when} +0000\n")
        lines.append(f"committer {name} <{email}> {when} +0000\n")
        message = f"change {n}\n"
        lines.append(f"data {len(message)}\n{message}")
        for op in ops:
            if op[0] == "M":
                text = "".join(f"{op[1]} {version[op[1]]} line {i}\n" for i in range(6))
                lines.append(f"M 100644 inline {op[1]}\ndata {len(text)}\n{text}")
            elif op[0] == "R":
                lines.append(f"R {op[1]} {op[2]}\n")
            else:
                lines.append(f"D {op[1]}\n")
        lines.append("\n")
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"], input="".join(lines).encode(),
        check=True,
    )  # fmt: skip
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "main"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=30_000)
    args = parser.parse_args()
    console = Console(width=150)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp, "repo")
        t = time.perf_counter()
        generate(repo, args.commits)
        made = time.perf_counter() - t
        files = len(subprocess.run(["git", "-C", str(repo), "ls-files"], capture_output=True,
                                   check=True).stdout.splitlines())  # fmt: skip
        git = ["git", "-C", str(repo), "-c", "diff.renameLimit=999999", "log", "--name-status",
               "--find-renames"]  # fmt: skip
        ours = [sys.executable, "-m", "sunrelay", "knowledge", "busfactor", str(repo), "--json"]
        base, base_mb = min(measure(git, tmp) for _ in range(3))
        mine, mine_mb = min(measure(ours, tmp) for _ in range(3))
        ratio = mine / base
        table = Table(
            title=f"truck factor, whole process, {args.commits:,} commits, {files:,} files "
            f"(best of 3; repository generated in {made:.1f} s)"
        )
        for column in ("implementation", "seconds", "peak MiB (largest process)", "target"):
            table.add_column(column, justify="left" if column == "implementation" else "right")
        table.add_row(
            "sunrelay knowledge busfactor --json", f"{mine:.2f}", f"{mine_mb:.0f}",
            f"≤ 1.5× git log: {ratio:.2f}× {'meets' if ratio <= 1.5 else 'MISSES'}; "
            f"< 512 MiB: {'meets' if mine_mb < 512 else 'MISSES'}",
        )  # fmt: skip
        table.add_row("git log --name-status --find-renames (baseline)", f"{base:.2f}",
                      f"{base_mb:.0f}", "")  # fmt: skip
        console.print(table)


if __name__ == "__main__":
    main()
