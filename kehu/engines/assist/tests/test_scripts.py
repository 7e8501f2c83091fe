"""Traditional and simplified writing of one message get one answer."""

import opencc
import pytest

PAIRS = [
    ("我家燃气泄漏了，请马上派人来", "我家燃氣洩漏了，請馬上派人來"),
    ("你们是干什么吃的，我要打12315投诉你们！", "你們是幹什麼吃的，我要打12315投訴你們！"),
    ("请问这个月电费怎么算的", "請問這個月電費怎麼算的"),
    ("我是你们十几年的老客户了，就这么对我", "我是你們十幾年的老客戶了，就這麼對我"),
    ("建议营业厅周末也开门", "建議營業廳週末也開門"),
    ("举报有人私拉电线偷电", "舉報有人私拉電線偷電"),
]
FIELDS = ("emotion", "type", "kind", "urgency")


@pytest.mark.parametrize(("simplified", "traditional"), PAIRS)
def test_hand_written_pairs_get_the_same_labels(model, simplified, traditional):
    a, b = model.analyse(simplified), model.analyse(traditional)
    assert [getattr(a, f) for f in FIELDS] == [getattr(b, f) for f in FIELDS]


def test_corpus_messages_converted_to_traditional_get_the_same_labels(model, split):
    to_traditional = opencc.OpenCC("s2t")
    rows = [r for r in split[1] if r.get("script") == "simplified"][:60]
    for row in rows:
        a = model.analyse(row["text"])
        b = model.analyse(to_traditional.convert(row["text"]))
        assert [getattr(a, f) for f in FIELDS] == [getattr(b, f) for f in FIELDS], row["text"]


def test_reasons_quote_traditional_text_as_written(model):
    result = model.analyse("樓道裏有很大的燃氣味，不知道是哪家漏氣")
    assert result.urgency == "critical"
    assert any("燃氣" in phrase or "漏氣" in phrase for phrase in result.reasons["urgency"])
