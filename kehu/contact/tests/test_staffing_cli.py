"""`kehu staffing`: the JSON contract, the human table and clean errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

CCH = [
    "--calls",
    "100",
    "--interval-min",
    "30",
    "--aht",
    "180",
    "--target-sl",
    "0.8",
    "--answer-s",
    "20",
    "--shrinkage",
    "0.3",
    "--max-occupancy",
    "0.85",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("staffing", *args, stdout=out)
    return out.getvalue()


def test_json_answer_for_the_call_centre_helper_example():
    answer = json.loads(run(*CCH, "--json"))
    assert answer["agents"] == 14
    assert answer["scheduled"] == 20
    assert answer["service_level"] == pytest.approx(0.888350, abs=1e-6)
    assert answer["prob_wait"] == pytest.approx(0.174132, abs=1e-6)
    assert answer["occupancy"] == pytest.approx(0.714286, abs=1e-6)
    assert answer["asa_s"] == pytest.approx(7.836, abs=1e-3)
    assert answer["load_erlangs"] == pytest.approx(10.0)
    assert answer["model"] == "erlang_c"
    assert answer["binding"] == "service_level"
    assert answer["prob_abandon"] is None
    assert (answer["calls"], answer["aht_s"], answer["interval_min"]) == (100, 180, 30)
    assert (answer["shrinkage"], answer["max_occupancy"], answer["target_sl"]) == (0.3, 0.85, 0.8)


def test_patience_switches_to_erlang_a():
    answer = json.loads(run(*CCH, "--patience-s", "90", "--json"))
    assert answer["model"] == "erlang_a"
    assert 0 < answer["prob_abandon"] < 0.2
    assert answer["agents"] <= 14
    assert answer["service_level"] >= 0.8


def test_the_occupancy_cap_can_decide():
    # 10 Erlangs and an easy target: the 85% cap needs 12 agents (10 ÷ 0.85 = 11.8).
    answer = json.loads(
        run(
            "--calls",
            "100",
            "--aht",
            "180",
            "--target-sl",
            "0.2",
            "--max-occupancy",
            "0.85",
            "--json",
        )
    )
    assert (answer["agents"], answer["binding"]) == (12, "occupancy")


def test_defaults_are_no_shrinkage_no_cap_and_80_in_20():
    answer = json.loads(run("--calls", "100", "--aht", "180", "--json"))
    assert (
        answer["shrinkage"],
        answer["max_occupancy"],
        answer["target_sl"],
        answer["answer_s"],
    ) == (0, 1, 0.8, 20)
    assert answer["agents"] == answer["scheduled"] == 14


def test_an_asa_target():
    answer = json.loads(run("--calls", "100", "--aht", "180", "--target-asa-s", "15", "--json"))
    assert answer["asa_s"] <= 15
    assert answer["binding"] == "asa"
    assert (
        answer["agents"] == 14
    )  # the worked example's table: 13 agents wait 17.1 s, 14 wait 7.8 s


def test_zero_calls_need_no_one():
    answer = json.loads(run("--calls", "0", "--aht", "180", "--json"))
    assert (answer["agents"], answer["scheduled"], answer["service_level"]) == (0, 0, 1.0)


def test_the_table_names_the_figures():
    text = run(*CCH)
    assert "14" in text and "20" in text
    assert "88.8%" in text and "17.4%" in text and "71.4%" in text


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--calls", "100", "--aht", "0"], "--aht"),
        (["--calls", "-1", "--aht", "180"], "--calls"),
        (["--calls", "100", "--aht", "180", "--target-sl", "1"], "--target-sl"),
        (["--calls", "100", "--aht", "180", "--shrinkage", "1"], "--shrinkage"),
        (["--calls", "100", "--aht", "180", "--interval-min", "0"], "--interval-min"),
        (["--calls", "1e12", "--aht", "180"], "--calls"),
    ],
)
def test_bad_input_names_the_flag(args, flag):
    with pytest.raises(CommandError) as e:
        run(*args, "--json")
    assert str(e.value).startswith(flag)


def test_an_error_from_the_shell_goes_to_stderr_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "kehu.cli", "staffing", "--calls", "100", "--aht", "0", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert "--aht" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_shell_prints_one_json_object():
    done = subprocess.run(
        [sys.executable, "-m", "kehu.cli", "staffing", *CCH, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scheduled"] == 20
