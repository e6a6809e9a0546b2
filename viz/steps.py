"""The backward pass as data, for drawing: :mod:`autograd.steps` computes it.

``backprop_steps(root)`` gives one :class:`Step` per edge, in the order
``backward()`` applies the chain rule (or one :class:`NeuronStep` per unit with
``level="neuron"``); ``node_names`` and ``local_rule`` name the nodes and spell
their local derivatives. They live in ``autograd`` so that
:func:`autograd.explain` can use them too; ``viz`` only draws them, and all
their text comes from :mod:`autograd.notation`.

>>> from autograd import Value
>>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
>>> [s.result() for s in backprop_steps(y)]
['dy/dx = 2.0', 'dy/dx = 2.0 + 2.0 = 4.0 (complete)']
"""

from autograd.neurons import NeuronStep
from autograd.steps import LEVELS, NEURON_LEVEL_EDGES, Step, backprop_steps, local_rule, node_names

__all__ = ["Step", "NeuronStep", "backprop_steps", "node_names", "local_rule", "LEVELS", "NEURON_LEVEL_EDGES"]
