"""Whatever arrives gets a valid answer (or a clear TypeError), in bounded length of work."""

import json

import pytest

from kehu.engines.assist import labels
from kehu.engines.assist.text import HEAD, TAIL, prepare

NEUTRAL = ("calm", "unknown", "other", "low")


def neutral(result):
    return (result.emotion, result.type, result.kind, result.urgency)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t", "😀😀😀", "🙂", "！！！？？？", "...", "。，、", "12345", "ok",
     "こんにちは、よろしくお願いします", "안녕하세요 감사합니다", "مرحبا كيف حالك",
     "Hello, how are you?"],
)
def test_nothing_chinese_to_read_gives_the_neutral_answer(model, text):
    result = model.analyse(text)
    assert neutral(result) == NEUTRAL
    assert all(phrases == [] for phrases in result.reasons.values())


@pytest.mark.parametrize("value", [None, 42, b"\xe4\xbd\xa0\xe5\xa5\xbd", ["停电了"]])
def test_non_text_is_refused_with_a_clear_type_error(model, value):
    with pytest.raises(TypeError, match="needs text"):
        model.analyse(value)


def test_html_tags_are_stripped_before_reading(model):
    text = "<div><p>我家<b>燃气泄漏</b>了&nbsp;快来人</p><script>alert('冒烟')</script></div>"
    result = model.analyse(text)
    assert result.urgency == "critical"
    assert all("<" not in p and "alert" not in p for ps in result.reasons.values() for p in ps)


def test_hundred_kilobyte_text_keeps_its_head_and_tail(model):
    text = "我家燃气泄漏了。" + "今天天气不错。" * 15000 + "你们再不来我就打12315投诉！"
    assert len(text.encode()) > 100_000
    prep = prepare(text)
    assert len(prep.shown) <= HEAD + TAIL + 1
    result = model.analyse(text)
    assert result.urgency == "critical"
    # the tail was read too: the threat at the very end is among the reasons
    assert any("12315" in phrases for phrases in result.reasons.values())


def test_mixed_chinese_and_english_is_read(model):
    result = model.analyse("我的order三天了还没发货，refund也不给，WHAT IS THIS")
    assert result.kind == "complaint"
    assert result.emotion in ("angry", "negative")


@pytest.mark.parametrize("text", ["停电\ud800了", "\x00停电了\x00", "\ufeff停电了", "停\u200b电了"])
def test_broken_or_invisible_characters_do_not_stop_the_reading(model, text):
    for result in (model.analyse(text), model.analyse_many([text], fast=True)[0]):
        assert result.kind in ("repair", "emergency_repair")


def test_japanese_with_kanji_is_not_read_as_chinese(model):
    assert neutral(model.analyse("電気が止まりました。至急来てください")) == NEUTRAL


def test_answer_is_json_ready_with_chinese_labels(model):
    data = model.analyse("你们是干什么吃的！").as_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["type_label"] == labels.TYPES[data["type"]]
    assert data["emotion_label"] == labels.EMOTIONS[data["emotion"]]
    assert data["kind_label"] == labels.KINDS[data["kind"]]
    assert data["urgency_label"] == labels.URGENCIES[data["urgency"]]
    assert data["model_version"] == model.version


def test_batch_of_odd_inputs_keeps_order_and_length(model):
    texts = ["", "燃气泄漏了", "😀", "请问电费怎么交"]
    for fast in (False, True):
        results = model.analyse_many(texts, fast=fast)
        assert [r.urgency for r in results][:3] == ["low", "critical", "low"]
        assert results[3].kind == "inquiry"
