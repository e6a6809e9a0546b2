"""Every page chainrule writes passes axe-core (WCAG 2.2 A/AA, 0 serious or critical) in Chromium."""

import pytest
from a11y import assert_accessible

from autograd.demo import neuron
from viz import save_backprop_html


def test_the_checker_finds_real_violations(tmp_path, open_page):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>t</title></head><body>'
                   '<p style="color:#aaa">faint</p><img src="x.png"><button></button></body></html>',
                   encoding="utf-8")
    page = open_page(bad)
    with pytest.raises(AssertionError) as e:
        assert_accessible(page)
    report = str(e.value)
    for rule in ("color-contrast", "image-alt", "button-name", "html-has-lang"):
        assert rule in report


def test_step_page_has_no_serious_violations(tmp_path, open_page):
    page = open_page(save_backprop_html(neuron(), tmp_path / "steps.html"))
    assert_accessible(page)
    for _ in range(3):
        page.click("#next")
    assert_accessible(page)
    page.click("details summary")
    assert_accessible(page)
