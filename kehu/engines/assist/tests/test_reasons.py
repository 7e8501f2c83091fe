"""The labels a reader would expect, and the phrases that decided them."""


def test_gas_leak_call_is_a_critical_emergency_because_of_the_leak(model):
    result = model.analyse("你好，我家厨房燃气泄漏了，味道很大")
    assert (result.kind, result.urgency) == ("emergency_repair", "critical")
    assert result.urgency_score == 1.0
    assert any("燃气泄漏" in p for p in result.reasons["urgency"])
    assert any("燃气泄漏" in p for p in result.reasons["kind"])


def test_danger_words_in_a_plain_repair_call_make_it_critical(model):
    result = model.analyse("麻烦派个人来看看，插座在冒烟")
    assert result.urgency == "critical"
    assert "冒烟" in result.reasons["urgency"]


def test_threat_to_go_to_the_media_reads_as_irritable_and_angry(model):
    result = model.analyse("你们这群废物！再不给我退款我就找媒体曝光你们！")
    assert result.type == "irritable"
    assert result.emotion == "angry"
    assert result.kind == "complaint"
    assert {"废物", "曝光"} & set(result.reasons["type"])


def test_status_claims_read_as_vain(model):
    result = model.analyse("我是你们的钻石卡VIP老客户，你们就让我排队？")
    assert result.type == "vain"
    assert {"老客户", "钻石"} & set(result.reasons["type"]) or "VIP" in result.reasons["type"]


def test_refusing_every_step_reads_as_uncooperative(model):
    result = model.analyse("我不管你们什么规定，材料我不提供，也不签字")
    assert result.type == "uncooperative"
    assert "我不管" in result.reasons["type"]


def test_flat_demands_read_as_domineering(model):
    result = model.analyse("今天之内必须给我办好，没得商量，按我说的办")
    assert result.type == "domineering"


def test_polite_patient_customer_reads_as_easygoing(model):
    result = model.analyse("麻烦你们了，不着急，我等你们通知，谢谢啊")
    assert result.type == "easygoing"
    assert result.emotion in ("calm", "positive")


def test_plain_question_is_a_low_urgency_inquiry_of_no_particular_type(model):
    result = model.analyse("请问新装水表要带什么材料")
    assert (result.kind, result.urgency, result.type) == ("inquiry", "low", "unknown")
    assert result.reasons["type"] == []


def test_report_and_suggestion_are_told_apart(model):
    assert model.analyse("我要举报有人冒充你们的工作人员上门收费").kind == "report"
    assert model.analyse("建议你们在APP里加一个停电通知的提醒").kind == "suggestion"


def test_every_reason_is_a_phrase_from_the_text(model):
    text = "叫你们领导来！我已经说了三遍了，到底什么时候修好？？"
    result = model.analyse(text)
    for phrases in result.reasons.values():
        for phrase in phrases:
            assert phrase in text
