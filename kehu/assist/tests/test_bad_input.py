"""Whatever is pasted in, the answer is a valid analysis or a clear error, never a crash."""

import pytest

from kehu.assist.services import MAX_TEXT
from kehu.engines.assist import labels

ODD_TEXTS = {
    "empty": "",
    "spaces": "   \n\t ",
    "emoji": "😡😡😡🙏",
    "punctuation": "？？？！！！……",
    "html": "<script>alert('x')</script><b>我的宽带又断了</b>",
    "mixed": "My 宽带 is down again, 已经三天了 please fix ASAP",
    "traditional": "你們到底會不會辦事！我已經打了三次電話了",
    "other scripts": "Интернет не работает. インターネットが使えません。",
    "nul": "停电\x00了",
}


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_odd_text_gets_a_valid_answer(api_as, alice, text):
    response = api_as(alice).post("/api/assist", {"text": text})
    assert response.status_code == 200, response.content
    body = response.json()
    for field, vocabulary in labels.FIELDS.items():
        assert body[field] in vocabulary
        assert body[f"{field}_label"] == vocabulary[body[field]]
    assert body["first_reply"].strip()


def test_text_without_words_says_the_type_is_unknown(api_as, alice):
    body = api_as(alice).post("/api/assist", {"text": "😡😡😡🙏"}).json()
    assert body["type"] == "unknown" and body["strategy"] is None


def test_a_100_kb_text_is_analysed_from_its_start_and_says_so(api_as, alice):
    text = "我家停电了，请尽快派人来修。" * 8_000  # about 300 KB of UTF-8
    response = api_as(alice).post("/api/assist", {"text": text[:100_000]})
    assert response.status_code == 200
    assert response.json()["truncated"] is True and len(text[:100_000]) > MAX_TEXT


def test_a_text_beyond_the_input_limit_is_refused_clearly(api_as, alice):
    response = api_as(alice).post("/api/assist", {"text": "断网" * 150_000})
    assert response.status_code == 422
    assert response.json()["field"] == "text"


def test_a_wrong_json_type_is_refused_not_crashed(api_as, alice):
    response = api_as(alice).post("/api/assist", {"text": ["停电"]})
    assert response.status_code == 422 and response.json()["field"] == "text"
