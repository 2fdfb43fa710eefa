"""`python -m planner methodology import` and `--methodology-file`: the documented JSON, the YAML that loads back
equal, exit 2 with one line when nothing usable came out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_planner as run
from document_builder import appendix_document

from planner.core.i18n import t
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_yaml

ROOT = Path(__file__).resolve().parents[2]
QD2636 = load_bundled_methodology("qd2636-2018")
KEYS = {"id", "name", "areas", "criteria", "items", "self_max", "survey_max", "total", "rules", "review"}


@pytest.fixture(scope="module")
def appendix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    path = folder / "QD-phu-luc.pdf"
    path.write_bytes(appendix_document(QD2636, "ministry_note", "pdf"))
    return path


def test_import_json_counts_the_scheme_as_the_bundled_one_does(appendix: Path, tmp_path: Path) -> None:
    out = tmp_path / "phuong-phap.yaml"
    done = run("methodology", "import", str(appendix), "--json", "--out", str(out), "--id", "qd-doc-2018")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == KEYS
    assert (data["id"], data["areas"], data["criteria"], data["items"]) == ("qd-doc-2018", 9, 36, 84)
    assert (data["self_max"], data["survey_max"], data["total"]) == (64.5, 35.5, 100.0)
    assert data["rules"] == {"source": 81, "assumption": 3}
    assert [set(r) for r in data["review"]] == [{"where", "text", "problem"}]
    assert data["review"][0]["where"].startswith("trang ")
    written = methodology_from_yaml(out.read_text(encoding="utf-8"))
    assert written.id == "qd-doc-2018" and len(written.scored_items) == 84
    assert methodology_from_yaml(out.read_text(encoding="utf-8")) == written  # loads back identical


def test_the_bundled_yaml_imports_with_nothing_to_review() -> None:
    done = run("methodology", "import", "data/methodologies/qd2636-2018.yaml", "--json", "--lang", "en")
    data = json.loads(done.stdout)
    assert (data["areas"], data["criteria"], data["items"], data["review"]) == (9, 36, 84, [])
    assert data["rules"] == {"source": 24, "assumption": 60}


def test_a_scenario_is_scored_against_a_methodology_read_from_a_document(tmp_path: Path) -> None:
    doc = tmp_path / "phu-luc.docx"
    doc.write_bytes(appendix_document(QD2636, "ministry", "docx"))
    scenario = tmp_path / "kich-ban.json"
    scenario.write_text(
        json.dumps({"methodology": "phu-luc", "name": "Thử", "default": "max", "items": {}}), encoding="utf-8"
    )
    done = run("score", str(scenario), "--methodology-file", str(doc), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 100.0


@pytest.mark.parametrize(
    ("payload", "name", "key"),
    [
        (b"not a document", "bang.pdf", "document.not_pdf"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "cu.docx", "document.ole_file"),
    ],
)
def test_a_file_with_nothing_usable_is_one_line_and_exit_2(
    tmp_path: Path, payload: bytes, name: str, key: str
) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    for lang in ("vi", "en"):
        done = run("methodology", "import", str(path), "--json", "--lang", lang)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.strip() == t(key, lang)


def test_from_the_appendix_alone_to_an_optimised_plan_without_typing_a_number(tmp_path: Path) -> None:
    """The issue's path on the command line: the appendix (PDF) → a scheme and its diff against qd2636-2018 →
    a baseline from the province's appraisal table (Word) → an exact plan to the top 20, all on that scheme."""
    from document_builder import docx_bytes

    from planner.core.i18n import format_number
    from planner.files.scenario_file import read_scenario_file
    from planner.methodology.scoring import score_scenario

    appendix = tmp_path / "QD-phu-luc.pdf"
    appendix.write_bytes(appendix_document(QD2636, "ministry_note", "pdf"))
    scheme = tmp_path / "qd-doc.yaml"
    assert run("methodology", "import", str(appendix), "--id", "qd-doc", "--out", str(scheme)).returncode == 0
    diff = json.loads(run("methodology", "diff", "qd2636-2018", str(scheme), "--json").stdout)
    assert (diff["matched"], diff["added"], diff["removed"]) == (84, [], [])
    card = score_scenario(QD2636, read_scenario_file(ROOT / "data" / "examples" / "lao-cai-2019.json"))
    rows = [
        (i.code, i.node.name_vi, format_number(card.points_of(i.code), "vi", 2)) for i in QD2636.scored_items
    ]
    appraisal = tmp_path / "tham-dinh.docx"
    appraisal.write_bytes(docx_bytes([("STT", "Tiêu chí", "Điểm thẩm định")], rows))
    baseline = tmp_path / "baseline.json"
    done = run("baseline", str(appraisal), "--methodology-file", str(scheme), "--province", "Lào Cai",
               "--year", "2019", "--out", str(baseline), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 78.47
    plan = run("optimise", str(baseline), "--methodology-file", str(scheme), "--target-rank", "20", "--json")
    assert plan.returncode == 0, plan.stderr
    result = json.loads(plan.stdout)
    assert result["status"] == "optimal" and result["rank"] <= 20 and result["changes"]
