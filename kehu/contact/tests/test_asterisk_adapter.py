"""The Asterisk adapter script replays a sample AMI capture against a live Kehu server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kehu.accounts.services import token_create
from kehu.contact.models import AgentExtension, AgentState, Interaction

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "asterisk_cti_adapter.py"
CAPTURE = ROOT / "scripts" / "samples" / "asterisk_ami_capture.txt"
T = 1763600000  # the capture's first call starts here (Unix time)


def run_adapter(url: str, token: str) -> dict:
    done = subprocess.run([sys.executable, str(SCRIPT), "--url", url, "--token", token, "--batch", "5",
                           "--input", str(CAPTURE)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_the_sample_capture_becomes_two_calls_and_alices_states(live_server, org):
    AgentExtension.objects.create(user=org["alice"], number="8001")
    token = token_create(user=org["root"])

    totals = run_adapter(live_server.url, token)
    # 16 AMI events of interest; the agent's Newstate(Ringing) repeats its DialBegin and the
    # last block is replayed; extension 8009 belongs to nobody.
    assert totals == {"accepted": 14, "duplicates": 2, "problems": 1, "failed": 0}

    answered = Interaction.objects.get(external_id=f"{T}.10")
    assert (answered.wait_s, answered.hold_s, answered.talk_s) == (10, 15, 105)
    assert answered.agent == org["alice"] and answered.queue.code == "hotline"
    assert answered.caller == "13812345678" and not answered.abandoned
    gave_up = Interaction.objects.get(external_id=f"{T}.20")
    assert (gave_up.abandoned, gave_up.abandoned_after_s) == (True, 21)
    states = list(AgentState.objects.filter(agent=org["alice"]).order_by("at").values_list("state", "reason"))
    assert states == [("login", ""), ("ready", ""), ("on_call", ""), ("wrap_up", ""), ("not_ready", "午餐")]

    again = run_adapter(live_server.url, token)  # a replay of the whole capture counts nothing twice
    assert again == {"accepted": 0, "duplicates": 16, "problems": 0, "failed": 0}
    assert Interaction.objects.count() == 2
