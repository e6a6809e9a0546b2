"""The backward pass as data, for drawing: :mod:`autograd.steps` computes it.

``backprop_steps(root)`` gives one :class:`Step` per edge, in the order
``backward()`` applies the chain rule; ``node_names`` and ``local_rule`` name
the nodes and spell their local derivatives. They live in ``autograd`` so that
:func:`autograd.explain` can use them too; ``viz`` only draws them.

>>> from autograd import Value
>>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
>>> [s.result() for s in backprop_steps(y)]
['dL/dx = 0 + 2 = 2', 'dL/dx = 2 + 2 = 4 (complete)']
"""

from autograd.steps import Step, backprop_steps, local_rule, node_names

__all__ = ["Step", "backprop_steps", "node_names", "local_rule"]
