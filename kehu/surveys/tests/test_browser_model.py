"""A supervisor maps the satisfaction study's survey to the ECSI model in the browser, runs it
and reads the strategy matrix and the sortable improvement ranking."""

from __future__ import annotations

import os

import pytest

from kehu.surveys.tests.csi_survey import build
from kehu.surveys.tests.test_browser_survey import CHROMIUM_ARGS, expect, log_in, playwright_api

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
def test_model_mapped_in_the_browser_runs_and_shows_matrix_and_ranking(transactional_db, live_server, org):
    survey = build(org["carol"])
    base = live_server.url
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(15_000)
        log_in(page, base, "carol")
        page.goto(f"{base}/surveys/{survey.pk}/")
        page.locator("#model-link").click()
        expect(page.locator("h1")).to_contain_text("CSI model")
        # The template guessed imag1 … from the codes; the matrix's items are mapped by hand.
        expect(page.locator("select[name='item:imag1']")).to_have_value("Image")
        for i in range(1, 5):
            page.locator(f"select[name='item:SATM_sat{i}']").select_option("Satisfaction")
        # Draw the paths: drop Image → Loyalty and draw it again with "Add a path".
        rows = page.locator("#paths .path-row")
        before = rows.count()
        rows.nth(2).get_by_role("button", name="Remove").click()
        expect(rows).to_have_count(before - 1)
        page.locator("#add-path").click()
        rows.last.locator("input[name=path_from]").fill("Image")
        rows.last.locator("input[name=path_to]").fill("Loyalty")
        page.locator("#id_scheme").select_option("centroid")
        page.locator("#id_scaled").set_checked(False)
        page.locator("#save-run").click()

        expect(page.locator("#csi-index")).to_have_text("68.6")
        expect(page.locator("#matrix-chart canvas")).to_have_count(1)
        expect(page.locator("#matrix-table td[data-quadrant=disadvantage]")).to_contain_text("Disadvantage zone")
        ranking = page.locator("#ranking-table tbody tr")
        expect(ranking.first.locator("td").nth(1)).to_have_text("val4")
        page.locator("#ranking-table th", has_text="score").click()  # sort by score, lowest first
        scores = [float(x) for x in page.locator("#ranking-table tbody td:nth-child(4)").all_inner_texts()]
        assert scores == sorted(scores) and len(scores) == 19  # the drivers' items
        with page.expect_download() as download:
            page.locator("#matrix-png").click()
        assert download.value.suggested_filename == "strategy-matrix.png"
        browser.close()
