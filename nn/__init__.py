"""nn: neurons, layers, MLPs, losses, optimizers, datasets and training, made of Values.

Every weight is an ``autograd.Value``, so after ``loss.backward()`` each one
has a ``.grad`` you can print, check by hand, or draw.

>>> from nn import MLP, data, fit, accuracy
>>> X, y = data.xor()
>>> model = MLP(2, [4, 1], activation="tanh", seed=3)
>>> history = fit(model, X, y, loss="bce_logits", lr=0.5, epochs=300, progress=False)
>>> accuracy(model, X, y)
1.0
"""

from . import data, losses, optim
from .init import Init, constant
from .io import ModelFileError
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .module import Module
from .train import History, accuracy, evaluate, fit, predict, train_step
from .tutorial import tutorial_names, tutorial_network

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "Init", "constant", "ACTIVATIONS",
    "losses", "optim", "data",
    "fit", "train_step", "History", "accuracy", "evaluate", "predict",
    "ModelFileError", "tutorial_names", "tutorial_network",
]
