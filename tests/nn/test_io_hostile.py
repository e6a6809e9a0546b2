"""Hostile model files and failing saves: every one is a clear error naming the file, found before
anything big is allocated, and no save leaves a stray file or breaks a link."""

import errno
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from nn import MLP, ModelFileError
from nn import io as nn_io


def _file(tmp_path, config, state, cls="MLP"):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": "chainrule.nn", "version": 1, "class": cls,
                                "config": config, "state": state}))
    return path


def test_a_400_digit_weight_is_a_model_file_error(tmp_path):
    model = MLP(1, [1], seed=0)
    path = tmp_path / "m.json"
    model.save(path)
    path.write_text(path.read_text().replace(repr(model.state_dict()["layers.0.neurons.0.b"]), "1" + "0" * 400))
    before = model.state_dict()
    with pytest.raises(ModelFileError, match=r"m\.json.*'layers\.0\.neurons\.0\.b' is an integer of 401 digits"):
        MLP.load(path)
    with pytest.raises(ModelFileError, match="401 digits"):
        model.load(path)
    assert model.state_dict() == before


def test_deeply_nested_json_is_a_model_file_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000)
    with pytest.raises(ModelFileError, match=r"deep\.json.*nested too deeply"):
        MLP.load(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome = []

    def load():
        try:
            MLP.load(fifo)
        except ModelFileError as e:
            outcome.append(str(e))

    t = threading.Thread(target=load, daemon=True)
    t.start()
    t.join(5)
    if t.is_alive():  # unblock the reader before failing, so the test run is not left hanging
        with open(fifo, "w"):
            pass
        pytest.fail("loading a FIFO blocked")
    assert len(outcome) == 1 and "pipe.json" in outcome[0] and "named pipe (FIFO), not a regular file" in outcome[0]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused():
    with pytest.raises(ModelFileError, match="'/dev/zero': it is a character device, not a regular file"):
        MLP.load("/dev/zero")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    MLP(2, [3, 1], seed=0).save(path)
    monkeypatch.setattr(nn_io, "MAX_BYTES", 100)
    with pytest.raises(ModelFileError, match=r"big\.json.*bytes, more than the 100 a model file may have"):
        MLP.load(path)


@pytest.mark.parametrize("config, wanted", [
    ({"nin": 3000, "nouts": [3000, 3000]}, 3000 * 3001 * 2),   # 18 million weights asked for by a tiny file
    ({"nin": 10 ** 6, "nouts": [10 ** 6]}, (10 ** 6 + 1) * 10 ** 6),  # 10^12
])
def test_a_config_asking_for_more_weights_than_the_file_holds_fails_before_building(tmp_path, config, wanted,
                                                                                   monkeypatch):
    path = _file(tmp_path, config, {"layers.0.neurons.0.b": 0.0})
    import nn.layers

    def never(*args, **kwargs):
        raise AssertionError("a layer was built for a file that can't fill it (18M weights take >10 s)")

    monkeypatch.setattr(nn.layers.Layer, "__init__", never)
    with pytest.raises(ModelFileError, match=f"has {wanted:,} parameters, but its state holds 1 weights"):
        MLP.load(path)


def test_count_parameters_matches_what_from_config_builds():
    from nn import Layer, Neuron

    for cls, config in [(MLP, {"nin": 3, "nouts": [4, 2, 1]}), (Layer, {"nin": 5, "nout": 3}),
                        (Neuron, {"nin": 4})]:
        assert cls.count_parameters(config) == len(cls.from_config(config).parameters())
    assert MLP.count_parameters({"nin": "2", "nouts": [1]}) is None  # malformed: from_config explains


# --- saves -------------------------------------------------------------------------------------


def _fail_with(monkeypatch, where, code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(os, where, fail)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_disk_full_and_file_size_errors_name_the_target(tmp_path, monkeypatch, code):
    path = tmp_path / "model.json"
    _fail_with(monkeypatch, "fsync", code)
    with pytest.raises(OSError, match=r"cannot save to '.*model\.json': ") as info:
        MLP(2, [1], seed=0).save(path)
    assert info.value.errno == code and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == []


def test_a_permission_error_from_the_temporary_file_names_the_target(tmp_path, monkeypatch):
    import tempfile

    def denied(dir, prefix, suffix):
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, prefix + "x1y2" + suffix))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(PermissionError, match=r"cannot save to '.*model\.json': Permission denied$"):
        MLP(2, [1], seed=0).save(tmp_path / "model.json")


def test_saving_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    MLP(2, [1], seed=0).save(real)
    link.symlink_to(real)
    model = MLP(2, [1], seed=5)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert MLP.load(real).state_dict() == model.state_dict()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


@pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")
def test_temporaries_left_by_killed_saves_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "model.json"
    # a save killed after writing its temporary file (before the rename)
    script = ("import os, sys; from nn import MLP\n"
              "os.replace = lambda *a: os.kill(os.getpid(), 9)\n"
              f"MLP(2, [64, 64, 1], seed=0).save({str(path)!r})\n")
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy())
        assert proc.returncode == -signal.SIGKILL
    left = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert len(left) == 1  # each killed save removed the one before it: they never pile up
    live = tmp_path / f".model.json.{os.getppid()}.live.tmp"  # a save in a process still running: kept
    live.write_text("{}")
    MLP(2, [1], seed=0).save(path)
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, "model.json"])
