"""The truck factor on small real repositories whose answers are worked out by hand from the
formula (docs/knowledge.md): every DOA rule and every greedy rule."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core.errors import ValidationFailed
from sunrelay.knowledge import truckfactor
from sunrelay.knowledge.repository import Options, truck_factor
from tests.knowledge.gitrepo import A, B, C, D, Repo, body


def authors_of(result: truckfactor.Result, path: str, files: list[str]) -> set[str]:
    index = files.index(path)
    return {d.name for d in result.developers if index in d.files}


def run(path: Path, **options) -> truckfactor.Result:
    return truck_factor(path, Options(**options))[0]


def test_the_formula_matches_the_paper() -> None:
    assert truckfactor.doa(True, 0, 0) == pytest.approx(4.391)
    assert truckfactor.doa(False, 10, 0) == pytest.approx(3.293 + 1.64)
    assert truckfactor.doa(True, 0, 10) == pytest.approx(4.391 - 0.321 * math.log(11))


@pytest.mark.parametrize(("changes", "creator_keeps"), [(8, True), (9, True), (10, False)])
def test_the_creator_stays_an_author_until_others_changes_outweigh_them(
    tmp_path: Path, changes: int, creator_keeps: bool
) -> None:
    # A: 4.391 − 0.321·ln(1+n); B: 3.293 + 0.164·n. A/B = 0.800 (8), 0.766 (9), 0.734 (10)
    repo = Repo(tmp_path)
    repo.commit(A, {"f.py": body("f")})
    repo.change(B, "f.py", changes)
    result = run(tmp_path)
    expected = {"Bo Berg", "Ana Alves"} if creator_keeps else {"Bo Berg"}
    assert authors_of(result, "f.py", ["f.py"]) == expected


def test_a_small_doa_is_no_authorship_without_having_created_the_file(tmp_path: Path) -> None:
    # B and C: 3.293 + 0.164 − 0.321·ln 2 = 3.2345, 0.80 of A's 4.0384, but under 3.293
    repo = Repo(tmp_path)
    repo.commit(A, {"f.py": body("f")})
    repo.change(B, "f.py")
    repo.change(C, "f.py")
    assert authors_of(run(tmp_path), "f.py", ["f.py"]) == {"Ana Alves"}


def test_a_re_add_by_someone_else_makes_them_a_creator_too(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"f.py": body("f")})
    repo.commit(A, {"f.py": None})
    repo.commit(B, {"f.py": body("f again")})
    # both 4.391; without the re-add rule B would be 3.293, exactly 0.75 of A: not above it
    assert authors_of(run(tmp_path), "f.py", ["f.py"]) == {"Ana Alves", "Bo Berg"}


def test_a_re_add_by_the_creator_is_neither_a_change_nor_a_second_creation(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"f.py": body("f")})
    repo.change(B, "f.py", 2)
    repo.commit(A, {"f.py": None})
    repo.commit(A, {"f.py": body("f back")})
    # A: 4.391 − 0.321·ln 3 = 4.038; B: 3.293 + 0.328 = 3.621, 0.897 of A: both
    result = run(tmp_path)
    assert authors_of(result, "f.py", ["f.py"]) == {"Ana Alves", "Bo Berg"}
    assert {d.name: d.changes for d in result.developers} == {"Ana Alves": 0, "Bo Berg": 2}


def test_renames_are_followed_back_to_the_creator(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"x.py": body("x")})
    repo.rename(B, "x.py", "pkg/y.py")
    repo.rename(C, "pkg/y.py", "pkg/z.py")
    # z.py's history is its rename by C, y's by B, x's creation by A: B and C 3.2345 each
    result = run(tmp_path)
    assert authors_of(result, "pkg/z.py", ["pkg/z.py"]) == {"Ana Alves"}
    assert {d.name: d.changes for d in result.developers} == {"Ana Alves": 0}


def test_greedy_removes_the_biggest_author_until_under_half_the_files(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"a1.py": body("a1"), "a2.py": body("a2")})
    repo.commit(B, {"b.py": body("b")})
    repo.commit(C, {"c.py": body("c")})
    result = run(tmp_path)
    # 4/4 → A gone: 2/4 (still half) → B gone (tied with C, first by name): 1/4
    assert result.truck_factor == 2
    assert [d.name for d in result.tf_authors] == ["Ana Alves", "Bo Berg"]
    assert [n for n, _ in result.coverage] == [4, 2, 1]


def test_ties_go_to_more_changes_then_more_commits_then_the_name(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(D, {"d.py": body("d")})
    repo.commit(C, {"c.py": body("c")})
    repo.commit(C, {"notes.txt": "left out by --paths below\n"})
    repo.commit(B, {"b.py": body("b")})
    repo.commit(A, {"a.py": body("a")})
    repo.change(B, "b.py")  # B: one change; C: one more commit; A and D: the names decide
    result = run(tmp_path, paths=("*.py",))
    order = [d.name for d in result.developers]
    assert order == ["Bo Berg", "Cy Chen", "Ana Alves", "Di Diaz"]
    # 4/4 → B out: 3/4 → C out: 2/4, still half → A out: 1/4
    assert [d.name for d in result.tf_authors] == ["Bo Berg", "Cy Chen", "Ana Alves"]


def test_a_file_set_under_half_authored_from_the_start_has_truck_factor_zero(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"a.py": body("a")})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(B, {"side.py": body("side")})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
    for name in ("m1.py", "m2.py", "m3.py"):  # added by the merge itself: no log entry
        (tmp_path / name).write_text(body(name))
        repo.git("add", name)
    repo.minute += 1
    repo.git("commit", "-q", "-m", "merge", who=A)
    result = run(tmp_path)
    assert (result.files, result.authored_files) == (5, 2)
    assert result.truck_factor == 0 and result.tf_authors == ()


def test_identities_merge_by_address_then_name_then_mailmap_then_aliases(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit("Ana Alves <ana@acme.test>", {"a1.py": body("a1")})
    repo.commit("ana <ANA@acme.test>", {"a2.py": body("a2")})  # same address, other case
    repo.commit("Ana Alves <ana@home.test>", {"a3.py": body("a3")})  # same name
    repo.commit("A. Alves <alves@old.test>", {"a4.py": body("a4")})  # by .mailmap
    repo.commit("aalves <aalves@laptop>", {"a5.py": body("a5")})  # by the aliases file
    repo.commit(B, {"b.py": body("b")})
    repo.commit(B, {".mailmap": "Ana Alves <ana@acme.test> A. Alves <alves@old.test>\n"})
    merged = run(tmp_path, aliases=(("Ana Alves", "aalves"),), paths=("*.py",))
    assert [(d.name, len(d.files)) for d in merged.developers] == [
        ("Ana Alves", 5), ("Bo Berg", 1)
    ]  # fmt: skip
    assert merged.developers[0].emails == (
        "aalves@laptop", "alves@old.test", "ana@acme.test", "ana@home.test",
    )  # fmt: skip
    apart = run(tmp_path, paths=("*.py",))
    assert len(apart.developers) == 3


def test_an_alias_naming_nobody_is_ignored_with_a_warning(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"a.py": body("a")})
    result, warnings = truck_factor(tmp_path, Options(aliases=(("Ana Alves", "Zed"),)))
    assert result.truck_factor == 1
    assert warnings == ["alias Ana Alves;Zed ignored: 'Zed' never appears in the history"]


def test_vendored_generated_and_documentation_files_are_left_out(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"src/app.py": body("app")})
    repo.commit(B, {
        "README.md": "# hi\n", "docs/guide.md": body("g"), "vendor/lib.js": body("v"),
        "web/app.min.js": body("m"), "package-lock.json": "{}\n", "src/gen.py": body("gen"),
    })  # fmt: skip
    assert run(tmp_path).files == 2
    assert run(tmp_path, defaults=False).files == 7
    assert run(tmp_path, exclude=("src/gen.py",)).files == 1
    only = run(tmp_path, paths=("src/**",), exclude=("*.min.js",))
    assert (only.files, only.truck_factor) == (2, 2)  # 2/2 → 1/2, still half → 0/2


def test_the_revision_decides_the_files_and_the_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {"a.py": body("a")})
    repo.git("tag", "early")
    repo.commit(B, {"b.py": body("b"), "c.py": body("c")})
    assert run(tmp_path, rev="early").files == 1
    assert run(tmp_path).truck_factor == 1
    assert [d.name for d in run(tmp_path).tf_authors] == ["Bo Berg"]


def test_pruned_drops_tf_authors_with_under_a_tenth_of_the_top_ones_files(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {f"a{i}.py": body(f"a{i}") for i in range(20)})
    repo.commit(B, {"b.py": body("b")})
    repo.commit(C, {f"c{i}.py": body(f"c{i}") for i in range(19)})
    # 40 files: A 20, C 19, B 1. Greedy: A (20/40 left), C (1/40): TF 2 either way
    assert run(tmp_path).truck_factor == 2
    repo.commit(D, {f"d{i}.py": body(f"d{i}") for i in range(2)})
    # 42 files; greedy removes A (22 left), C (3), stops: TF 2. Pruning keeps both (≥ 10 %)
    assert run(tmp_path, algorithm="pruned").truck_factor == 2


def test_pruned_does_remove_a_small_tf_author(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(A, {f"a{i}.py": body(f"a{i}") for i in range(45)})
    for n in range(14):
        repo.commit(f"Dev{n:02d} <dev{n}@acme.test>", {
            f"d{n}-{i}.py": body(f"d{n}-{i}") for i in range(4)
        })  # fmt: skip
    # 101 files. A out: 56/101 → Dev00 out: 52/101 → Dev01 out: 48/101, under half
    greedy = run(tmp_path)
    assert [d.name for d in greedy.tf_authors] == ["Ana Alves", "Dev00", "Dev01"]
    # Dev00 and Dev01 author 4 files each, 8.9 % of A's 45: the pruned variant drops them
    pruned = run(tmp_path, algorithm="pruned")
    assert (pruned.truck_factor, [d.name for d in pruned.tf_authors]) == (1, ["Ana Alves"])
    assert pruned.coverage == greedy.coverage


def test_errors_name_the_option(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as no_repo:
        truck_factor(tmp_path, Options())
    assert no_repo.value.field == "path"
    Repo(tmp_path / "r").commit(A, {"a.py": body("a")})
    with pytest.raises(ValidationFailed) as no_rev:
        truck_factor(tmp_path / "r", Options(rev="nope"))
    assert no_rev.value.field == "rev"
    with pytest.raises(ValidationFailed) as option:
        truck_factor(tmp_path / "r", Options(rev="--output=/tmp/x"))
    assert option.value.field == "rev"
    with pytest.raises(ValidationFailed) as algorithm:
        truck_factor(tmp_path / "r", Options(algorithm="best"))
    assert algorithm.value.field == "algorithm"


def test_the_cli_prints_the_json_the_issue_names(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit(A, {"a1.py": body("a1"), "a2.py": body("a2")})
    repo.commit(B, {"b.py": body("b")})
    (tmp_path / "aliases").write_text("# who is who\nAna Alves;Ana\n")
    (tmp_path / "exclude").write_text("# not ours\nb.py\n")
    done = CliRunner().invoke(app, [
        "knowledge", "busfactor", str(tmp_path / "r"), "--json",
        "--aliases", str(tmp_path / "aliases"), "--exclude-from", str(tmp_path / "exclude"),
    ])  # fmt: skip
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert {k: found[k] for k in ("truck_factor", "tf_authors", "files", "authored_files")} == {
        "truck_factor": 1, "tf_authors": ["Ana Alves"], "files": 2, "authored_files": 2,
    }  # fmt: skip
    assert found["algorithm"] == "greedy"
    assert [c["authored_files"] for c in found["coverage"]] == [2, 0]
    assert "'Ana' never appears" in done.stderr


def test_the_cli_refuses_a_malformed_aliases_file(tmp_path: Path) -> None:
    Repo(tmp_path / "r").commit(A, {"a.py": body("a")})
    (tmp_path / "aliases").write_text("Ana Alves\n")
    done = CliRunner().invoke(
        app, ["knowledge", "busfactor", str(tmp_path / "r"), "--aliases", str(tmp_path / "aliases")]
    )
    assert done.exit_code == 1
    assert "line 1: expected NAME;ALIAS" in done.stderr


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("*.py", "a/b/c.py", True),
        ("/setup.py", "setup.py", True),
        ("/setup.py", "pkg/setup.py", False),
        ("src/**", "src/a/b.py", True),
        ("src/*", "src/a/b.py", False),
        ("**/gen/*.py", "x/gen/a.py", True),
        ("**/gen/*.py", "gen/a.py", True),
        ("lib/", "lib/x/y.c", True),
        ("a?.py", "ab.py", True),
        ("a?.py", "a/.py", False),
    ],
)
def test_globs_cross_folders_only_with_a_double_star(glob: str, path: str, matches: bool) -> None:
    from sunrelay.knowledge import exclusions

    assert exclusions.matches(path, [glob]) is matches
