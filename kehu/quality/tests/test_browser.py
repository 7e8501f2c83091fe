"""A supervisor scores a call with a remark on the recording; the agent hears it and acknowledges."""

from __future__ import annotations

import io
import os
import re
import wave

import pytest

from conftest import CHROMIUM_ARGS, log_in
from kehu.quality.models import Evaluation, EvaluationStatus
from kehu.quality.tests.conftest import make_call, shipped_form

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this
# test run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

RECORDING = "https://pbx.example.cn/rec/20261116-0001.wav"


def silence(seconds: int = 120) -> bytes:
    """A WAV of silence, so the page's audio element has something to seek in."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * seconds)
    return buffer.getvalue()


def serve_ranges(route, body: bytes) -> None:
    """Answer the recording the way a recording server does, with byte ranges (seeking needs them)."""
    m = re.match(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
    if m is None:
        route.fulfill(status=200, body=body, headers={"Content-Type": "audio/wav", "Accept-Ranges": "bytes"})
        return
    start, end = int(m.group(1)), int(m.group(2) or len(body) - 1)
    route.fulfill(status=206, body=body[start:end + 1], headers={
        "Content-Type": "audio/wav", "Accept-Ranges": "bytes", "Content-Range": f"bytes {start}-{end}/{len(body)}"})


@pytest.mark.browser
def test_supervisor_scores_with_a_remark_and_the_agent_acknowledges(transactional_db, live_server, org, amy):
    form = shipped_form()
    call = make_call(amy, talk_s=110, recording_url=RECORDING, problem="电费异常咨询")
    base = live_server.url
    audio = silence()

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
        context.route("https://pbx.example.cn/**", lambda route: serve_ranges(route, audio))
        page = context.new_page()
        page.set_default_timeout(10_000)

        # The supervisor starts scoring the call from the queue.
        log_in(page, base, "carol")
        page.goto(f"{base}/quality/")
        page.fill("#start-call", str(call.pk))
        page.get_by_role("button", name="Start scoring").click()
        expect(page).to_have_url(re.compile(r"/quality/evaluations/\d+/$"))
        expect(page.locator("#ev-status")).to_have_text("To score")

        # A remark at 01:25 of the recording.
        page.fill("#remark-at", "01:25")
        page.fill("#remark-form input[name=text]", "客户第二次询问时未复述问题")
        page.get_by_role("button", name="Add remark").click()
        expect(page.locator("#remark-list")).to_contain_text("01:25")

        # Scores: full marks but listening 9 of 15 → 94 %.
        for item in form.items.all():
            field = page.locator(f"#score-form [name='item-{item.pk}']")
            if item.fatal:
                field.select_option("pass")
            else:
                field.fill("9" if item.name == "倾听" else str(item.max_points))
        page.fill("#ev-comments-input", "整体规范，倾听环节需改进")
        page.get_by_role("button", name="Submit to the agent").click()
        expect(page.locator(".messages")).to_contain_text("Evaluation submitted to the agent.")
        evaluation = Evaluation.objects.get(interaction=call)
        assert evaluation.status == EvaluationStatus.SUBMITTED and str(evaluation.score) == "94.00"
        page.get_by_role("button", name="Log out").click()

        # The agent finds it, hears the remarked moment and acknowledges.
        log_in(page, base, "amy")
        page.goto(f"{base}/quality/mine/")
        page.locator("#mine").get_by_role("link", name=f"#{evaluation.pk}").click()
        expect(page.locator("#ev-score")).to_have_text("94%")
        expect(page.locator("#ev-comments")).to_contain_text("倾听环节需改进")
        page.locator(".remark-seek", has_text="01:25").click()
        page.wait_for_function("Math.floor(document.getElementById('recording').currentTime) >= 85")
        page.get_by_role("button", name="Acknowledge").click()
        expect(page.locator(".messages")).to_contain_text("You acknowledged the evaluation.")
        expect(page.locator("#ev-status")).to_have_text("Acknowledged")
        browser.close()

    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED and evaluation.acknowledged_at is not None
