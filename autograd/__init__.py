"""autograd: a scalar reverse-mode autodiff engine that shows its work.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> y.data, x.grad
(10.0, 7.0)
"""

import typing as _typing

from . import notation
from .counting import Evaluations, count_evaluations
from .engine import backprop, backward_order, topological_order
from .errors import AnomalyError, GradcheckError
from .explain import explain
from .forward import hessian, jacobian, jvp, tangents
from .functional import grad, gradcheck
from .mode import detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad
from .nary import logsumexp, softmax, sum
from .neurons import NeuronStep
from .numeric import finite_difference, step_size_errors
from .steps import Step, backprop_steps
from .symbolic import to_sympy
from .tape import Tape, compile
from .value import Value, as_float

if _typing.TYPE_CHECKING:
    from .batched import BatchedTape


def compile_batched(root: Value, inputs: "_typing.Sequence[Value]") -> "BatchedTape":
    """Trace one sample's graph to run over whole batches with NumPy
    (see :class:`autograd.batched.BatchedTape`; needs ``chainrule[fast]``)."""
    from .batched import compile_batched as _compile_batched

    return _compile_batched(root, inputs)

__all__ = [
    "Value",
    "as_float",
    "grad",
    "gradcheck",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "is_anomaly_enabled",
    "AnomalyError",
    "GradcheckError",
    "backprop",
    "topological_order",
    "backward_order",
    "compile",
    "Tape",
    "compile_batched",
    "Step",
    "backprop_steps",
    "NeuronStep",
    "explain",
    "notation",
    "jvp",
    "jacobian",
    "hessian",
    "tangents",
    "count_evaluations",
    "Evaluations",
    "finite_difference",
    "step_size_errors",
    "to_sympy",
    "sum",
    "softmax",
    "logsumexp",
]

__version__ = "0.1.0"
