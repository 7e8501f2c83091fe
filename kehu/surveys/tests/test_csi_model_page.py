"""The model page: map the survey's items to constructs, draw paths, run, read, export, compare."""

import io
import json

import openpyxl
import pytest

from kehu.engines.pls.tests.helpers import reference
from kehu.surveys.analysis import run_csi
from kehu.surveys.models import SurveyModel
from kehu.surveys.tests.csi_survey import build, columns, form_data, study_rows

PUBLISHED = reference()["published"]
DERIVED = reference()["importance_performance_derived"]["drivers"]


@pytest.fixture
def study(carol):
    return build(carol)


def chart_data(html: str) -> dict:
    marker = 'id="matrix-data" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start:html.index("</script>", start)])


def test_the_template_offers_the_ecsi_constructs_and_guesses_items_from_codes(web_as, carol, study):
    page = web_as(carol).get(f"/surveys/{study.pk}/model/")
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("Image", "Expectation", "Perceived quality", "Perceived value", "Satisfaction",
                 "Complaints", "Loyalty"):
        assert name in html
    assert '<option value="Image" selected>' in html  # imag1 … guessed from the code
    assert "SATM_sat1" in html and "NPS" in html  # matrix items named as in the export


def test_mapped_model_reproduces_the_published_study_and_shows_matrix_and_ranking(web_as, carol, study):
    page = web_as(carol)
    saved = page.post(f"/surveys/{study.pk}/model/", form_data(run="1"))
    assert saved.status_code == 302 and saved["Location"].endswith("/model/run/")
    model = SurveyModel.objects.get(survey=study)
    assert model.constructs == columns() and not model.scaled and model.scheme == "centroid"

    result = page.get(f"/surveys/{study.pk}/model/run/")
    html = result.content.decode()
    assert result.status_code == 200
    published = {k.replace("->", " → "): v for k, v in PUBLISHED["direct_effects"].items()}
    rows = {f"{a} → {b}": c for a, b, c in _paths(result.context["result"])}
    assert rows == pytest.approx(published, abs=1e-4)
    assert result.context["result"]["index"] == pytest.approx(DERIVED["SAT_index"]["performance"], abs=1e-4)
    assert 'id="csi-index">68.6<' in html
    points = {p["construct"]: p for p in chart_data(html)["points"]}
    assert points["VAL"]["importance"] == pytest.approx(DERIVED["VAL"]["importance"], abs=1e-4)
    assert points["QUAL"]["performance"] == pytest.approx(DERIVED["QUAL"]["performance"], abs=1e-4)
    assert points["VAL"]["quadrant"] == "disadvantage" and "Disadvantage zone" in html
    assert 'id="ranking-table"' in html and "<td class=\"mono\">val4</td>" in html
    assert "HTMT" in html  # the plain-language readings are on the page


def _paths(result: dict) -> list[tuple[str, str, float]]:
    return [(p["from"], p["to"], p["coef"]) for p in result["paths"]]


def test_excel_export_has_paths_reliability_matrix_and_ranking(web_as, carol, study):
    page = web_as(carol)
    page.post(f"/surveys/{study.pk}/model/", form_data())
    r = page.get(f"/surveys/{study.pk}/model/export.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["paths", "reliability", "matrix", "ranking"]
    ranking = list(book["ranking"].values)
    assert ranking[0] == ("rank", "item", "construct", "score", "impact")
    assert ranking[1][:3] == (1, "val4", "VAL")
    coefs = {(a, b): c for a, b, c, *_ in list(book["paths"].values)[1:]}
    assert coefs[("VAL", "SAT")] == pytest.approx(0.589331, abs=1e-4)


def test_bootstrapped_run_says_which_paths_are_significant(web_as, carol, study):
    page = web_as(carol)
    page.post(f"/surveys/{study.pk}/model/", form_data(bootstrap="60", seed="7"))
    html = page.get(f"/surveys/{study.pk}/model/run/").content.decode()
    assert "is significant" in html and "is not significant" in html
    assert "60 bootstrap resamples, seed 7" in html


def test_two_periods_side_by_side_match_separate_analyses(web_as, carol):
    survey = build(carol, split=125)
    page = web_as(carol)
    page.post(f"/surveys/{survey.pk}/model/", form_data())
    r = page.get(f"/surveys/{survey.pk}/model/compare/", {
        "a-since": "2026-01-01", "a-until": "2026-01-31", "b-since": "2026-02-01", "b-until": "2026-02-28"})
    assert r.status_code == 200, r.content.decode()[:500]
    model = SurveyModel.objects.get(survey=survey)
    spec = {"constructs": json.loads(json.dumps(_study_blocks())), "paths": model.paths, "target": "SAT",
            "scale": {"min": 0, "max": 10}}
    data = study_rows()
    header = [c for c in data[0] if c != "gender"]
    expected = [run_csi(header, [[int(row[c]) for c in header] for row in part], spec, scheme="centroid",
                        scaled=False)["index"] for part in (data[:125], data[125:])]
    index = r.context["rows"]["index"][0]
    assert (index["a"], index["b"]) == pytest.approx(expected, abs=1e-9)
    assert index["change"] == pytest.approx(expected[1] - expected[0], abs=1e-9)
    assert [row["label"] for row in r.context["rows"]["performance"]] == ["IMAG", "EXPE", "QUAL", "VAL"]
    assert 'id="compare-paths"' in r.content.decode()


def _study_blocks() -> dict:
    return {block: [c.replace("SATM_", "") for c in cs] for block, cs in columns().items()}


def test_a_period_without_answers_is_said_plainly(web_as, carol, study):
    page = web_as(carol)
    page.post(f"/surveys/{study.pk}/model/", form_data())
    r = page.get(f"/surveys/{study.pk}/model/run/", {"since": "2001-01-01", "until": "2001-12-31"})
    assert r.status_code == 422 and "No completed responses in this period." in r.content.decode()
    r = page.get(f"/surveys/{study.pk}/model/compare/", {"a-since": "2001-01-01", "a-until": "2001-02-01"})
    assert r.status_code == 422 and "Period A: No completed responses" in r.content.decode()


def test_a_constant_item_is_named_on_the_page(web_as, carol):
    rows = study_rows()[:60]
    for row in rows:
        row["qual3"] = "7"
    survey = build(carol, rows)
    page = web_as(carol)
    page.post(f"/surveys/{survey.pk}/model/", form_data())
    r = page.get(f"/surveys/{survey.pk}/model/run/")
    assert r.status_code == 422
    assert "Item “qual3” of construct “QUAL” has the same answer from every respondent" in r.content.decode()


def test_too_few_responses_are_refused_with_the_engines_message(web_as, carol):
    survey = build(carol, study_rows()[:8])
    page = web_as(carol)
    page.post(f"/surveys/{survey.pk}/model/", form_data())
    r = page.get(f"/surveys/{survey.pk}/model/run/")
    assert r.status_code == 422 and "fewer than the" in r.content.decode()


def test_a_single_item_block_runs_and_says_reliability_cannot_be_assessed(web_as, carol, study):
    data = form_data()
    for c in ("loy2", "loy3", "loy4"):
        data[f"item:{c}"] = ""
    page = web_as(carol)
    page.post(f"/surveys/{study.pk}/model/", data)
    r = page.get(f"/surveys/{study.pk}/model/run/")
    assert r.status_code == 200
    assert "“LOY” is measured by a single item: its reliability cannot be assessed." in r.content.decode()


def test_items_on_different_scales_cannot_share_a_model(web_as, carol, study):
    r = web_as(carol).post(f"/surveys/{study.pk}/model/", form_data(**{"item:NPS": "LOY"}))
    # NPS is 0–10 like the study's items: put a 1–5 rating beside them instead.
    assert r.status_code == 302
    from kehu.surveys import services

    services.question_add(survey=study, by=carol, question={
        "code": "Q5", "type": "rating", "min": 1, "max": 5, "required": False, "text": {"zh": "五分制"}})
    r = web_as(carol).post(f"/surveys/{study.pk}/model/", form_data(**{"item:Q5": "LOY"}))
    assert r.status_code == 422
    assert "All items of a model must share one answer scale; these items use 0–10, 1–5." in r.content.decode()


def test_a_model_with_a_cycle_is_explained_not_a_500(web_as, carol, study):
    data = form_data()
    data["path_from"] = [*data["path_from"], "LOY"]
    data["path_to"] = [*data["path_to"], "IMAG"]
    page = web_as(carol)
    page.post(f"/surveys/{study.pk}/model/", data)
    r = page.get(f"/surveys/{study.pk}/model/run/")
    assert r.status_code == 422 and "The paths form a cycle" in r.content.decode()


def test_only_designers_reach_the_model_page(web_as, alice, dave, carol, study):
    assert web_as(alice).get(f"/surveys/{study.pk}/model/").status_code == 404
    assert web_as(dave).get(f"/surveys/{study.pk}/model/run/").status_code == 404
    assert web_as(dave).post(f"/surveys/{study.pk}/model/", form_data()).status_code == 404
    assert not SurveyModel.objects.exists()
