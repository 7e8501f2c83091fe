"""Skip logic, screening, answer checks and the CSAT/NPS formulas (no database)."""

import pytest

from kehu.surveys import logic

DEFINITION = {"sections": [
    {"title": {"zh": "甄别"}, "questions": [
        {"code": "S1", "type": "single", "text": {"zh": "您是本公司的客户吗？"}, "required": True,
         "options": [{"code": "1", "text": {"zh": "是"}}, {"code": "2", "text": {"zh": "否"}}],
         "end_if": [{"op": "eq", "value": "2"}]},
    ]},
    {"title": {"zh": "满意度"}, "questions": [
        {"code": "Q1", "type": "rating", "min": 1, "max": 5, "text": {"zh": "总体满意度"}, "required": True,
         "csat": True},
        {"code": "Q2", "type": "text", "text": {"zh": "哪里不满意？"}, "required": True,
         "show_if": [{"q": "Q1", "op": "lte", "value": 2}]},
        {"code": "Q3", "type": "nps", "text": {"zh": "推荐意愿", "en": "Would you recommend us?"}},
        {"code": "Q4", "type": "matrix", "min": 1, "max": 10, "text": {"zh": "各项评价"},
         "items": [{"code": "a", "text": {"zh": "速度"}}, {"code": "b", "text": {"zh": "态度"}}]},
    ]},
]}


def codes(questions):
    return [q["code"] for q in questions]


def test_a_low_rating_shows_the_follow_up_question_and_a_high_one_hides_it():
    assert codes(logic.flow(DEFINITION, {"S1": "1", "Q1": 2})[0]) == ["S1", "Q1", "Q2", "Q3", "Q4"]
    assert codes(logic.flow(DEFINITION, {"S1": "1", "Q1": 5})[0]) == ["S1", "Q1", "Q3", "Q4"]


def test_the_screening_question_ends_the_interview():
    visible, ended = logic.flow(DEFINITION, {"S1": "2"})
    assert ended == "S1" and codes(visible) == ["S1"]
    assert logic.next_question(DEFINITION, {"S1": "2"}) is None
    assert logic.missing_required(DEFINITION, {"S1": "2"}) == []


def test_cati_reads_the_next_shown_unanswered_question():
    assert logic.next_question(DEFINITION, {})["code"] == "S1"
    assert logic.next_question(DEFINITION, {"S1": "1", "Q1": 5})["code"] == "Q3"
    assert logic.next_question(DEFINITION, {"S1": "1", "Q1": 1})["code"] == "Q2"


def test_required_questions_count_only_when_shown():
    assert logic.missing_required(DEFINITION, {"S1": "1", "Q1": 1}) == ["Q2"]
    assert logic.missing_required(DEFINITION, {"S1": "1", "Q1": 4}) == []


def test_answers_to_questions_a_changed_answer_hides_are_dropped():
    kept = logic.effective_answers(DEFINITION, {"S1": "1", "Q1": 5, "Q2": "太慢"})
    assert "Q2" not in kept and kept["Q1"] == 5


@pytest.mark.parametrize("question, raw, expected", [
    ("Q1", "4", 4), ("Q3", 10, 10), ("S1", "1", "1"), ("Q4", {"a": "9", "b": ""}, {"a": 9}), ("Q2", " 好 ", "好"),
])
def test_answers_are_stored_in_their_type(question, raw, expected):
    assert logic.clean_answer(logic.question_map(DEFINITION)[question], raw) == expected


@pytest.mark.parametrize("question, raw", [("Q1", "6"), ("Q1", "x"), ("Q1", "2.5"), ("Q3", "11"), ("S1", "3"),
                                           ("Q4", {"a": "0"})])
def test_an_answer_out_of_range_names_what_is_wrong(question, raw):
    with pytest.raises(logic.AnswerError) as info:
        logic.clean_answer(logic.question_map(DEFINITION)[question], raw)
    assert info.value.code == question and str(info.value)


def test_a_condition_on_a_later_question_is_refused():
    broken = {"sections": [{"questions": [
        {"code": "A", "type": "text", "text": {"zh": "甲"}, "show_if": [{"q": "B", "op": "answered"}]},
        {"code": "B", "type": "text", "text": {"zh": "乙"}}]}]}
    with pytest.raises(logic.DefinitionError, match="A: .*'B'"):
        logic.check_definition(broken)


@pytest.mark.parametrize("question, message", [
    ({"code": "X", "type": "rating", "min": 1, "max": 6, "text": {"zh": "x"}}, "scale"),
    ({"code": "X", "type": "single", "options": [{"code": "1"}], "text": {"zh": "x"}}, "two options"),
    ({"code": "X", "type": "slider", "text": {"zh": "x"}}, "unknown question type"),
    ({"code": "X", "type": "text"}, "no text"),
])
def test_a_wrong_question_is_named(question, message):
    with pytest.raises(logic.DefinitionError, match=message):
        logic.check_definition({"sections": [{"questions": [question]}]})


def test_bilingual_text_falls_back_to_chinese():
    q3 = logic.question_map(DEFINITION)["Q3"]
    assert logic.text_of(q3, "en") == "Would you recommend us?"
    assert logic.text_of(logic.question_map(DEFINITION)["Q1"], "en") == "总体满意度"


def test_nps_and_csat_by_hand():
    # 3 promoters (9, 10, 10), 2 passives (7, 8), 1 detractor (3): (3 − 1) / 6 = 33.3
    assert logic.nps([9, 10, 10, 7, 8, 3]) == 33.3
    assert logic.nps([]) is None
    # top-2 box of 1–5: 4 and 5 → 3 of 4
    assert logic.csat([5, 4, 4, 2], 1, 5) == 75.0
