"""Any text at all gives a valid analysis."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.engines.assist import labels, load_model

MODEL = load_model()
MODEL.analyse("停电了")  # loads rjieba's dictionary now, not inside a timed example


def check(result):
    assert result.emotion in labels.EMOTIONS
    assert result.type in labels.TYPES
    assert result.kind in labels.KINDS
    assert result.urgency in labels.URGENCIES
    assert set(result.type_scores) == set(labels.TYPES)
    assert set(result.kind_scores) == set(labels.KINDS)
    scores = [result.emotion_score, result.urgency_score,
              *result.type_scores.values(), *result.kind_scores.values()]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert set(result.reasons) == {"emotion", "type", "kind", "urgency"}


@given(st.text())
def test_any_text_gives_a_valid_analysis(text):
    check(MODEL.analyse(text))


@settings(max_examples=60)
@given(st.text(alphabet=st.characters(blacklist_categories=())))
def test_any_code_point_even_a_lone_surrogate_gives_a_valid_analysis(text):
    check(MODEL.analyse(text))


CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) |
                  st.sampled_from("，。！？ 的了我你们电气水燃泄漏骂投诉举报建议"), max_size=80)


@settings(max_examples=60)
@given(st.lists(CHINESE, max_size=5))
def test_fast_and_full_paths_both_answer_every_chinese_text(texts):
    for result in MODEL.analyse_many(texts) + MODEL.analyse_many(texts, fast=True):
        check(result)
