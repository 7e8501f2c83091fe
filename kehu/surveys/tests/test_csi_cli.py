"""`kehu csi` on real files: CSV and Excel in, one JSON object out, clear errors."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kehu.engines.pls.tests.helpers import DATA, reference, satisfaction_spec

PUBLISHED = reference()["published"]


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(satisfaction_spec()), encoding="utf-8")
    return path


def run(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("csi", *args, stdout=out)
    return json.loads(out.getvalue())


def test_csv_gives_the_published_study(model_file):
    out = run("--data", str(DATA / "satisfaction.csv"), "--model", str(model_file),
              "--scheme", "centroid", "--unscaled", "--json")
    coefs = {f"{p['from']}->{p['to']}": p["coef"] for p in out["paths"]}
    assert coefs == pytest.approx(PUBLISHED["direct_effects"], abs=1e-4)
    assert out["gof"] == pytest.approx(PUBLISHED["gof"], abs=1e-4)
    assert out["index"] == pytest.approx(68.5979, abs=1e-4)
    assert out["quadrants"]["VAL"] == "disadvantage"
    assert out["ranking"][0] == {"item": "val4", "construct": "VAL", "score": pytest.approx(64.68),
                                 "impact": pytest.approx(0.16857, abs=1e-5), "rank": 1}


def test_defaults_are_path_scheme_and_standardised_items(model_file):
    out = run("--data", str(DATA / "satisfaction.csv"), "--model", str(model_file), "--json")
    assert (out["scheme"], out["scaled"], out["bootstrap"]) == ("path", True, None)


def test_bootstrap_adds_standard_errors_and_intervals_reproducibly(model_file):
    args = ("--data", str(DATA / "satisfaction.csv"), "--model", str(model_file),
            "--bootstrap", "120", "--seed", "42", "--json")
    a, b = run(*args), run(*args)
    assert a == b
    p = a["paths"][0]
    assert set(p) == {"from", "to", "coef", "se", "ci_low", "ci_high"}
    assert p["ci_low"] < p["coef"] < p["ci_high"] and p["se"] > 0
    assert a["bootstrap"]["resamples"] == 120 and a["bootstrap"]["seed"] == 42
    other = run(*args[:-2], "43", "--json")
    assert other["paths"][0]["se"] != p["se"]


def _xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _satisfaction_rows() -> list[list]:
    with (DATA / "satisfaction.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [rows[0]] + [[int(c) if c.isdigit() else c for c in r] for r in rows[1:]]


def test_an_excel_file_gives_the_same_result_as_the_csv(tmp_path, model_file):
    book = _xlsx(tmp_path / "answers.xlsx", _satisfaction_rows())
    from_csv = run("--data", str(DATA / "satisfaction.csv"), "--model", str(model_file), "--json")
    from_xlsx = run("--data", str(book), "--model", str(model_file), "--json")
    assert from_xlsx == from_csv


def test_a_csv_with_a_byte_order_mark_reads_the_same(tmp_path, model_file):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (DATA / "satisfaction.csv").read_bytes())
    plain = run("--data", str(DATA / "satisfaction.csv"), "--model", str(model_file), "--json")
    assert run("--data", str(bom), "--model", str(model_file), "--json") == plain


def test_a_text_cell_in_excel_is_named_by_item_and_row(tmp_path, model_file):
    rows = _satisfaction_rows()
    rows[3][rows[0].index("sat2")] = "很好"
    book = _xlsx(tmp_path / "answers.xlsx", rows)
    with pytest.raises(CommandError, match="sat2.*row 3") as caught:
        call_command("csi", "--data", str(book), "--model", str(model_file), "--json")
    assert caught.value.returncode == 2


@pytest.mark.parametrize(("model", "fragment"), [
    ({"paths": [["A", "B"], ["B", "A"]], "constructs": {"A": ["imag1"], "B": ["sat1"]},
      "target": "B"}, "cycle"),
    ({**satisfaction_spec(), "constructs": {**satisfaction_spec()["constructs"],
                                            "SAT": ["sat1", "sat9"]}}, "sat9"),
])
def test_model_errors_name_the_culprit(tmp_path, model, fragment):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    with pytest.raises(CommandError, match=fragment):
        call_command("csi", "--data", str(DATA / "satisfaction.csv"), "--model", str(path))


def test_files_that_cannot_be_read(tmp_path, model_file):
    broken = tmp_path / "m.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("csi", "--data", str(DATA / "satisfaction.csv"), "--model", str(broken))
    with pytest.raises(CommandError, match="File not found"):
        call_command("csi", "--data", str(tmp_path / "none.csv"), "--model", str(model_file))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("this is no workbook", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot be read as a spreadsheet"):
        call_command("csi", "--data", str(fake), "--model", str(model_file))


def test_the_console_command_exits_2_with_a_message_and_no_traceback(tmp_path, model_file):
    data = tmp_path / "answers.csv"
    text = (DATA / "satisfaction.csv").read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace("8", "eight", 1)
    data.write_text("\n".join(text), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kehu.cli", "csi", "--data", str(data), "--model", str(model_file),
         "--json"], capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "“eight”" in done.stderr and "imag3" in done.stderr and " 5" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_without_json_a_short_reading_is_printed(model_file):
    from io import StringIO

    out = StringIO()
    call_command("csi", "--data", str(DATA / "satisfaction.csv"), "--model", str(model_file),
                 stdout=out)
    text = out.getvalue()
    assert "IMAG → EXPE" in text and "val4" in text and "index SAT" in text
