"""Slides (one PNG per step, projector resolution) and the printable handout."""

import struct

import pytest
from a11y import assert_accessible

from autograd import Value
from viz import backprop_steps
from viz.cli import main
from viz.slides import _with_dpi, save_slides


def png_info(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    at = data.index(b"pHYs")
    ppm_x, ppm_y, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    return width, height, round(ppm_x * 0.0254), unit


def neuron():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    y = (x * w + b).tanh()
    y.label = "y"
    return y


def test_one_png_per_step_at_the_asked_resolution(tmp_path):
    y = neuron()
    steps = backprop_steps(y)
    slides = save_slides(y, tmp_path / "s200")
    assert [p.name for p in slides.pngs] == [f"step-{k:02d}.png" for k in range(1, len(steps) + 1)]
    assert sorted(p.name for p in (tmp_path / "s200").glob("*.png")) == [p.name for p in slides.pngs]
    w200, h200, dpi, unit = png_info(slides.pngs[0])
    assert dpi == 200 and unit == 1
    small = save_slides(y, tmp_path / "s100", dpi=100)
    w100, h100, dpi100, _ = png_info(small.pngs[0])
    assert dpi100 == 100
    assert w200 / w100 == pytest.approx(2, rel=0.03) and h200 / h100 == pytest.approx(2, rel=0.03)
    assert w200 >= 1600  # wide enough for a projector
    assert y.grad == 0.0  # .grad untouched


def test_dpi_is_checked():
    with pytest.raises(ValueError, match=r"save_slides\(\) dpi must be between 72 and 600, got 20"):
        save_slides(neuron(), "unused", dpi=20)
    with pytest.raises(TypeError, match=r"save_slides\(\) dpi must be an int, got float: 200.0"):
        save_slides(neuron(), "unused", dpi=200.0)
    assert _with_dpi(b"not a png", 200) == b"not a png"


def test_the_handout_prints_every_step(tmp_path, open_page):
    y = neuron()
    slides = save_slides(y, tmp_path / "talk")
    text = slides.handout.read_text(encoding="utf-8")
    import html

    for k, s in enumerate(backprop_steps(y), start=1):
        assert html.escape(s.equation("y")) in text
        assert f'<img src="step-{k:02d}.png" alt="' in text
    from viz.html import forward_lines

    forward = forward_lines(y)
    assert forward[-1].startswith("y = tanh(") and forward[-1].endswith(" = 0.7064")
    assert all(f"<li>{html.escape(line)}</li>" in text for line in forward)  # the forward pass
    page = open_page(slides.handout)
    assert_accessible(page)
    sizes = page.evaluate("[...document.images].map(i => i.naturalWidth)")
    assert len(sizes) == len(slides.pngs) and min(sizes) > 1000  # every picture loads
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('section.step')).breakInside") == "avoid"


def test_the_command_writes_slides(tmp_path, capsys):
    code = main(["steps", "tanh(x*w + b)", "--at", "x=2", "w=-3", "b=6.88", "--slides", str(tmp_path / "d"),
                 "--dpi", "150", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "wrote 5 slides (150 dpi)" in out
    assert len(list((tmp_path / "d").glob("step-*.png"))) == 5 and (tmp_path / "d" / "handout.html").exists()
    assert png_info(tmp_path / "d" / "step-05.png")[2] == 150
    assert not (tmp_path / "steps.html").exists()
    assert main(["steps", "x*y", "--at", "x=1", "y=2", "--slides", str(tmp_path / "e"), "--dpi", "5"]) == 2
    assert "--dpi must be between 72 and 600, got 5" in capsys.readouterr().err


def test_a_network_gets_one_slide_per_neuron(tmp_path):
    from nn import MLP, constant, losses

    model = MLP(2, [3, 1], activation="tanh", init=constant(0.5))
    loss = losses.mse(model([1.0, -2.0]), 1.0)
    steps = backprop_steps(loss, level="neuron")
    assert type(steps[0]).__name__ == "NeuronStep" and len(steps) <= 10
    slides = save_slides(loss, tmp_path / "net", dpi=72, params=model.parameters(), level="neuron")
    assert len(slides.pngs) == len(steps)
    text = slides.handout.read_text(encoding="utf-8")
    assert all(f"Step {k} of {len(steps)}: unit" in text for k in range(1, len(steps) + 1))
