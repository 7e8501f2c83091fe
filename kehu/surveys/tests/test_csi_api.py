"""POST /api/csi: the same analysis as `kehu csi`, errors as {"message", "field"}."""

import csv

import pytest

from kehu.engines.pls.tests.helpers import DATA, MOBI_SPEC, reference, satisfaction_spec

PUBLISHED = reference()["published"]
CSV_TEXT = (DATA / "satisfaction.csv").read_text(encoding="utf-8")


def records() -> list[dict]:
    with (DATA / "satisfaction.csv").open(encoding="utf-8") as f:
        return [{k: (int(v) if v.isdigit() else v) for k, v in r.items()} for r in csv.DictReader(f)]


def test_records_reproduce_the_published_study(api_as, alice):
    r = api_as(alice).post("/api/csi", {"data": records(), "model": satisfaction_spec(),
                                        "scheme": "centroid", "scaled": False})
    assert r.status_code == 200, r.json()
    out = r.json()
    coefs = {f"{p['from']}->{p['to']}": p["coef"] for p in out["paths"]}
    assert coefs == pytest.approx(PUBLISHED["direct_effects"], abs=1e-4)
    assert out["r2"] == pytest.approx(PUBLISHED["r_squared"], abs=1e-4)
    loadings = {o["item"]: o["loading"] for o in out["outer"]}
    assert loadings == pytest.approx(PUBLISHED["outer_loadings"], abs=1e-4)
    assert {o["construct"] for o in out["outer"]} == set(satisfaction_spec()["constructs"])
    assert out["importance"]["VAL"] == pytest.approx(0.587052, abs=1e-6)
    assert out["index"] == pytest.approx(68.5979, abs=1e-4)
    assert out["quadrants"] == {"IMAG": "advantage", "EXPE": "complex", "QUAL": "unimportant",
                                "VAL": "disadvantage"}
    assert out["ranking"][0]["item"] == "val4" and out["ranking"][0]["rank"] == 1
    assert out["htmt"]["EXPE"]["QUAL"] > 0.9  # the extras come through too


def test_csv_text_gives_the_same_as_records(api_as, alice):
    client = api_as(alice)
    a = client.post("/api/csi", {"csv": CSV_TEXT, "model": satisfaction_spec()}).json()
    b = client.post("/api/csi", {"data": records(), "model": satisfaction_spec()}).json()
    assert a == b


def test_bootstrap_through_the_api(api_as, carol):
    r = api_as(carol).post("/api/csi", {"csv": CSV_TEXT, "model": satisfaction_spec(),
                                        "bootstrap": 100, "seed": 5})
    out = r.json()
    assert {"se", "ci_low", "ci_high"} <= set(out["paths"][0])
    assert out["bootstrap"]["used"] == 100 and out["bootstrap"]["processes"] == 1
    assert any(x["code"] == "not_significant" for x in out["readings"])


def test_missing_answers_by_mean(api_as, alice):
    rows = records()
    rows[0]["sat1"] = None
    del rows[1]["imag2"]
    out = api_as(alice).post("/api/csi", {"data": rows, "model": satisfaction_spec(),
                                          "missing": "mean"}).json()
    assert out["n"] == 250 and out["missing"]["cells_imputed"] == 2
    listwise = api_as(alice).post("/api/csi", {"data": rows, "model": satisfaction_spec()}).json()
    assert listwise["n"] == 248 and listwise["missing"]["rows_dropped"] == 2


def error(client, body) -> dict:
    r = client.post("/api/csi", body)
    assert r.status_code in (400, 422), r.content
    return r.json()


def test_errors_name_the_item_or_construct(api_as, alice):
    client = api_as(alice)
    rows = records()
    rows[7]["qual4"] = "n/a"
    e = error(client, {"data": rows, "model": satisfaction_spec()})
    assert "qual4" in e["message"] and "row 8" in e["message"] and e["field"] == "data"
    cyclic = {**satisfaction_spec(), "paths": [*satisfaction_spec()["paths"], ["LOY", "IMAG"]]}
    e = error(client, {"csv": CSV_TEXT, "model": cyclic})
    assert "cycle" in e["message"] and "LOY → IMAG" in e["message"]
    constant = [{**r, "val2": 5} for r in records()]
    e = error(client, {"data": constant, "model": satisfaction_spec()})
    assert "val2" in e["message"] and "VAL" in e["message"]
    e = error(client, {"data": records()[:20], "model": satisfaction_spec()})
    assert "fewer than the 37 parameters" in e["message"]


def test_mobi_items_against_the_satisfaction_model_are_reported_missing(api_as, alice):
    e = error(api_as(alice), {"csv": (DATA / "mobi.csv").read_text(), "model": satisfaction_spec()})
    assert e["message"] == "Item “imag1” of construct “IMAG” is not in the data."


def test_request_shape_errors(api_as, alice):
    client = api_as(alice)
    assert error(client, {"model": MOBI_SPEC})["field"] == "data"
    both = {"csv": CSV_TEXT, "data": records(), "model": satisfaction_spec()}
    assert error(client, both)["field"] == "data"
    bad = error(client, {"csv": CSV_TEXT, "model": satisfaction_spec(), "scheme": "magic"})
    assert bad["field"] == "scheme"
    assert error(client, {"csv": CSV_TEXT, "model": satisfaction_spec(),
                          "bootstrap": -1})["field"] == "bootstrap"
    assert error(client, {"csv": "", "model": satisfaction_spec()})["field"] == "data"
    assert error(client, {"csv": CSV_TEXT, "model": {"constructs": {}}})["field"].startswith(
        "model")


def test_the_answer_is_plain_json_without_nan(api_as, alice):
    spec = {**satisfaction_spec(), "constructs": {**satisfaction_spec()["constructs"],
                                                   "LOY": ["loy1"]}}
    r = api_as(alice).post("/api/csi", {"csv": CSV_TEXT, "model": spec})
    assert r.status_code == 200
    assert b"NaN" not in r.content
    assert r.json()["reliability"]["LOY"]["alpha"] is None


def test_unauthenticated_is_401(client, db):
    r = client.post("/api/csi", {"csv": CSV_TEXT, "model": satisfaction_spec()},
                    content_type="application/json")
    assert r.status_code == 401
