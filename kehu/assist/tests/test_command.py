"""`kehu assist` on the console: one text, a file of lines, evaluation of a labelled file."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from kehu.assist.tests.conftest import ANGRY


def run(*args, stdin=None) -> str:
    out = io.StringIO()
    call_command("assist", *args, stdout=out, stderr=io.StringIO(), **({"stdin": stdin} if stdin else {}))
    return out.getvalue()


def test_json_prints_one_object_with_the_contract_keys(db):
    output = run("--json", ANGRY)
    assert len(output.strip().splitlines()) == 1
    body = json.loads(output)
    assert (body["type"], body["type_label"], body["kind"]) == ("irritable", "易怒型", "complaint")
    assert body["strategy"] == "应对易怒型客户" and body["scripts"]
    assert {"emotion", "emotion_score", "type_scores", "urgency", "reasons", "faqs", "first_reply",
            "model_version"} <= body.keys()


def test_json_of_emoji_only_is_an_answer_not_an_error(db):
    body = json.loads(run("--json", "🙂🙂"))
    assert body["type"] == "unknown"


def test_jsonl_answers_every_line_and_marks_the_bad_one(db, tmp_path):
    path = tmp_path / "messages.jsonl"
    path.write_text("\n".join([
        "我家停电了，什么时候来电？",
        json.dumps({"text": ANGRY}, ensure_ascii=False),
        '{"text": "broken json',
        json.dumps({"id": 7}),
        "建议你们增加线上缴费渠道，方便上班族",
    ]) + "\n", encoding="utf-8")
    lines = [json.loads(line) for line in run("--jsonl", str(path)).splitlines()]
    assert [x["line"] for x in lines] == [1, 2, 3, 4, 5]
    assert "error" in lines[2] and "error" in lines[3]
    assert "error" not in lines[0] and lines[0]["kind"] in ("inquiry", "repair", "emergency_repair")
    assert lines[1]["type"] == "irritable"
    assert lines[4]["kind"] == "suggestion"


def test_jsonl_reads_standard_input_given_a_dash(db):
    output = run("--jsonl", "-", stdin=io.StringIO("宽带断了\n" + ANGRY + "\n"))
    assert [json.loads(line)["line"] for line in output.splitlines()] == [1, 2]


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="File not found"):
        run("--jsonl", str(tmp_path / "nope.jsonl"))
    with pytest.raises(CommandError, match="File not found"):
        run("eval", str(tmp_path / "nope.jsonl"))


def test_a_file_that_is_not_utf8_is_a_clear_error(db, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("我家停电了".encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("--jsonl", str(path))


def test_without_an_action_the_command_says_what_it_can_do(db):
    with pytest.raises(CommandError, match="--json"):
        run()


def labelled(tmp_path):
    path = tmp_path / "labelled.jsonl"
    rows = [
        {"text": ANGRY, "type": "irritable", "kind": "complaint", "emotion": "angry"},
        {"text": "请问怎么查询本月的电费账单？", "kind": "inquiry", "urgency": "low"},
        {"text": "小区里有电线掉在地上冒火花，太危险了！", "kind": "emergency_repair", "urgency": "critical"},
        {"text": "no labels here"},
        {"text": "坏的标签", "type": "stubborn"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_eval_prints_accuracy_and_a_confusion_matrix_per_field(db, tmp_path):
    output = run("eval", str(labelled(tmp_path)))
    assert "3 messages" in output
    for field in ("type", "kind", "emotion", "urgency"):
        assert f"{field}: accuracy" in output
    assert "true\\predicted" in output and "complaint" in output


def test_eval_json_gives_the_report_per_field(db, tmp_path):
    report = json.loads(run("eval", str(labelled(tmp_path)), "--json"))
    assert report["n"] == 3
    kind = report["fields"]["kind"]
    assert kind["n"] == 3 and 0 <= kind["accuracy"] <= 1
    assert sum(map(sum, kind["confusion"])) == 3
    assert report["fields"]["type"]["n"] == 1


def test_eval_of_a_file_without_labels_is_a_clear_error(db, tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text('{"text": "你好"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="No labelled messages"):
        run("eval", str(path))


def test_on_the_console_an_error_is_one_line_on_stderr_and_a_failing_status(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KEHU_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kehu.settings")
    done = subprocess.run([sys.executable, "-m", "kehu.cli", "assist", "--jsonl", str(tmp_path / "nope.txt")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0
    assert "File not found" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
