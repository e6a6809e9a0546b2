"""The XOR tutorial's worked example (the XOR backpropagation tutorial), done right.

The network: inputs X1, X2 plus a bias unit X0 = 1; hidden units Z1..Z3 plus a
bias unit Z0 = 1; one output D0; identity activations f(a) = a; every weight 1;
learning rate 0.1; the first training row (0, 0) with target 0; squared error
L = 1/2 (pred - y)^2.

Forward: each Zj = Wj0*1 + Wj1*0 + Wj2*0 = 1, and D0 = V00*1 + V01*1 + V02*1 + V03*1 = 4.
So pred = 4 and L = 1/2 (4 - 0)^2 = 8.

Backward, by the chain rule:
  dL/dpred = pred - y = +4              (the tutorial's delta is y - pred = -4: the wrong sign)
  dL/dV00  = dL/dpred * Z0 = 4 * 1 = 4
  dL/dV0k  = dL/dpred * Zk = 4 * 1 = 4            (k = 1, 2, 3)
  dL/dZj   = dL/dpred * V0j * f'(a) = 4 * 1 * 1 = 4
  dL/dWj0  = dL/dZj * X0 = 4 * 1 = 4              (the hidden biases)
  dL/dWji  = dL/dZj * Xi = 4 * 0 = 0              (i = 1, 2: the inputs are 0)

One gradient-descent step W := W - 0.1 * dL/dW gives:
  V00..V03 = 1 - 0.4 = 0.6,  W10, W20, W30 = 0.6,  W11, W12, W21, W22, W31, W32 = 1.0 (unchanged).

The tutorial prints 1.4 for every weight. Two mistakes: it subtracts
alpha * Z * delta with delta = -4 (the derivative of the error has the other
sign), so every update goes uphill; and it changes W11, W12, ... although its
own rule J'(W) = Z . delta gives Z_X1 * delta = 0 * (-4) = 0 for them.
With its weights the prediction becomes 7.28 and the loss 26.5 (worse than 8);
with the right ones the prediction is 1.68 and the loss 1.4112 (better).
"""

import pytest

from nn import MLP, constant, fit, optim, tutorial_names, tutorial_network

HIDDEN_BIASES = ["W10", "W20", "W30"]
INPUT_WEIGHTS = ["W11", "W12", "W21", "W22", "W31", "W32"]
OUTPUT_WEIGHTS = ["V00", "V01", "V02", "V03"]


def half_squared_error(pred, y):
    return 0.5 * (pred - y) ** 2


def forward_backward():
    model = MLP(2, [3, 1], activation="linear", init=constant(1.0))
    names = tutorial_names(model)
    pred = model([0.0, 0.0])
    loss = half_squared_error(pred, 0.0)
    loss.backward()
    return model, names, pred, loss


def test_the_network_is_the_tutorials():
    model = tutorial_network()
    assert model.nin == 2 and model.nouts == [3, 1]
    assert model.activations == ["linear", "linear"]
    names = tutorial_names(model)
    assert list(names) == ["W10", "W11", "W12", "W20", "W21", "W22", "W30", "W31", "W32",
                           "V00", "V01", "V02", "V03"]
    assert all(v.data == 1.0 for v in names.values())
    # the names cover every parameter exactly once
    assert sorted(map(id, names.values())) == sorted(map(id, model.parameters()))
    assert names["W10"] is model.layers[0].neurons[0].b
    assert names["W32"] is model.layers[0].neurons[2].w[1]
    assert names["V00"] is model.layers[1].neurons[0].b
    assert names["V03"] is model.layers[1].neurons[0].w[2]
    assert names["W21"].label == "W21"     # the tutorial's name is the parameter's label


def test_forward_pass_predicts_4_and_loss_is_8():
    model, names, pred, loss = forward_backward()
    hidden = model.layers[0]([0.0, 0.0])
    assert [z.data for z in hidden] == [1.0, 1.0, 1.0]        # Z1 = Z2 = Z3 = 1
    assert [z.label for z in hidden] == ["Z1", "Z2", "Z3"] and pred.label == "D0"
    assert pred.data == 4.0                                  # D0 = 1 + 1 + 1 + 1
    assert loss.data == 8.0                                  # 1/2 (4 - 0)^2


def test_gradients_by_the_chain_rule():
    _, names, pred, _ = forward_backward()
    assert pred.grad == 4.0                                  # dL/dpred = pred - y, not y - pred
    for name in OUTPUT_WEIGHTS:
        assert names[name].grad == 4.0, name                 # 4 * Zk, Zk = 1 (Z0 = 1 too)
    for name in HIDDEN_BIASES:
        assert names[name].grad == 4.0, name                 # 4 * V0j * f' * X0
    for name in INPUT_WEIGHTS:
        assert names[name].grad == 0.0, name                 # 4 * V0j * f' * Xi, Xi = 0


def test_one_sgd_step_gives_the_right_weights_not_the_tutorials():
    model, names, _, _ = forward_backward()
    optim.SGD(model.parameters(), lr=0.1).step()
    after = {name: v.data for name, v in names.items()}
    for name in OUTPUT_WEIGHTS + HIDDEN_BIASES:
        assert after[name] == pytest.approx(0.6, abs=1e-15), name   # 1 - 0.1 * 4
    for name in INPUT_WEIGHTS:
        assert after[name] == 1.0, name                              # gradient 0: unchanged
    assert all(v != 1.4 for v in after.values())                     # the tutorial's numbers are wrong

    pred = model([0.0, 0.0]).data                                    # 0.6 + 3 * (0.6 * 0.6)
    assert pred == pytest.approx(1.68, abs=1e-12)
    assert half_squared_error(pred, 0.0) == pytest.approx(1.4112, abs=1e-12)


def test_the_tutorials_update_goes_uphill():
    model = tutorial_network(weight=1.4)                             # every weight 1.4, as printed
    pred = model([0.0, 0.0]).data                                    # 1.4 + 3 * (1.4 * 1.4)
    assert pred == pytest.approx(7.28, abs=1e-12)
    assert half_squared_error(pred, 0.0) == pytest.approx(26.4992, abs=1e-9)   # worse than the 8 we started at


def test_fit_with_one_sample_and_batch_size_1_takes_the_same_step():
    model = tutorial_network()
    def loss(outputs, targets):  # fit passes a batch: a list of outputs and a list of targets
        return sum(half_squared_error(o, t) for o, t in zip(outputs, targets)) / len(outputs)

    history = fit(model, [[0.0, 0.0]], [0.0], loss=loss, lr=0.1, epochs=1, batch_size=1, progress=False)
    assert history.loss == [8.0]
    names = tutorial_names(model)
    assert [round(names[n].data, 12) for n in OUTPUT_WEIGHTS + HIDDEN_BIASES] == [0.6] * 7
    assert [names[n].data for n in INPUT_WEIGHTS] == [1.0] * 6


def test_tutorial_names_needs_one_hidden_layer_and_one_output():
    with pytest.raises(ValueError, match="one hidden layer and one output"):
        tutorial_names(MLP(2, [3, 3, 1], seed=0))
    with pytest.raises(ValueError, match="one hidden layer and one output"):
        tutorial_names(MLP(2, [3, 2], seed=0))
    with pytest.raises(ValueError, match="at most 9"):
        tutorial_names(MLP(2, [10, 1], seed=0))
    with pytest.raises(TypeError, match="needs an MLP"):
        tutorial_names("model")  # type: ignore[arg-type]
    # other small one-hidden-layer nets get the same naming scheme
    assert list(tutorial_names(MLP(1, [2, 1], seed=0))) == ["W10", "W11", "W20", "W21", "V00", "V01", "V02"]
