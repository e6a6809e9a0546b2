"""Without PyTorch, nn still imports and to_torch()/from_torch() say what to install."""

import sys

import pytest

from nn import MLP


@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)   # makes `import torch` raise ImportError


def test_nn_does_not_import_torch_at_import_time():
    import subprocess

    code = "import sys, nn; nn.MLP(2, [1], seed=0).save; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_to_torch_without_torch_says_what_to_install(no_torch):
    with pytest.raises(ImportError, match=r"to_torch\(\) needs PyTorch, which is not installed: pip install torch"):
        MLP(2, [1], seed=0).to_torch()


def test_from_torch_without_torch_says_what_to_install(no_torch):
    with pytest.raises(ImportError, match=r"from_torch\(\) needs PyTorch"):
        MLP.from_torch(object())
