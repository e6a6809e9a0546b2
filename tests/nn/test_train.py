"""fit(): per-sample, mini-batch and full-batch descent, shuffling, history, progress, metrics, errors."""

import json
import math
import random

import pytest

from nn import MLP, History, accuracy, constant, data, evaluate, fit, losses, optim, predict, train_step

X, Y = data.moons(n=12, noise=0.1, seed=4)


def model(seed=0):
    return MLP(2, [4, 1], activation="tanh", seed=seed)


class CountingSGD(optim.SGD):
    pass


def manual(m, X, y, epochs, batch_size, lr, seed=0, shuffle=True):
    """What fit() should do, written out: the reference loop."""
    opt = optim.SGD(m.parameters(), lr=lr)
    rng = random.Random(seed)
    size = batch_size or len(X)
    out = []
    for _ in range(epochs):
        order = list(range(len(X)))
        if shuffle and size < len(X):
            rng.shuffle(order)
        total = 0.0
        for i in range(0, len(X), size):
            rows = order[i:i + size]
            opt.zero_grad()
            loss = losses.bce_with_logits([m(X[r]) for r in rows], [Y[r] for r in rows])
            loss.backward()
            opt.step()
            total += loss.data * len(rows)
        out.append(total / len(X) if size < len(X) else loss.data)   # full batch: that batch's loss
    return out


@pytest.mark.parametrize("batch_size, steps_per_epoch", [(1, 12), (5, 3), (12, 1), (100, 1), (None, 1)])
def test_updates_per_epoch(batch_size, steps_per_epoch):
    m = model()
    opt = optim.SGD(m.parameters(), lr=0.1)
    fit(m, X, Y, loss="bce_logits", optimizer=opt, epochs=3, batch_size=batch_size, progress=False)
    assert opt.steps == 3 * steps_per_epoch


@pytest.mark.parametrize("batch_size", [1, 5, None])
@pytest.mark.parametrize("shuffle", [True, False])
def test_fit_is_the_reference_loop(batch_size, shuffle):
    a, b = model(), model()
    # the plain engine is the reference; the others are checked against it in test_engines.py
    history = fit(a, X, Y, loss="bce_logits", lr=0.2, epochs=3, batch_size=batch_size, seed=9, shuffle=shuffle,
                  progress=False, engine="plain")
    expected = manual(b, X, Y, 3, batch_size, 0.2, seed=9, shuffle=shuffle)
    assert history.loss == expected               # the very same floats
    assert a.state_dict() == b.state_dict()


def test_per_sample_sgd_is_one_update_per_row_in_order():
    """The gradient-descent tutorial's epoch: backpropagate one row, update, next row, ... until every row is used."""
    m = MLP(1, [1], init=constant(0.0))
    fit(m, [[1.0], [2.0]], [1.0, 0.0], loss="mse", lr=0.1, epochs=1, batch_size=1, shuffle=False, progress=False)
    # row 1: out 0, d(out-1)^2/dw = 2(0-1)*1 = -2, /db = -2  -> w = b = 0.2
    # row 2: out 0.2*2 + 0.2 = 0.6, d/dw = 2*0.6*2 = 2.4, d/db = 1.2 -> w = 0.2 - 0.24, b = 0.2 - 0.12
    w, b = [p.data for p in m.parameters()]
    assert (w, b) == pytest.approx((-0.04, 0.08), abs=1e-15)


def test_shuffling_is_seeded():
    runs = [fit(model(), X, Y, loss="bce_logits", lr=0.2, epochs=2, batch_size=3, seed=s, progress=False).loss
            for s in (1, 1, 2)]
    assert runs[0] == runs[1] != runs[2]
    # a random.Random works as a seed too
    a = fit(model(), X, Y, loss="bce_logits", lr=0.2, epochs=2, batch_size=3, seed=random.Random(1),
            progress=False)
    assert a.loss == runs[0]


def test_history():
    m = model()
    h = fit(m, X, Y, loss="bce_logits", lr=0.2, epochs=5, progress=False)
    assert isinstance(h, History) and isinstance(h, dict) and h.epochs == 5
    assert len(h.loss) == len(h.accuracy) == len(h.lr) == 5
    assert h["loss"] is h.loss and h["accuracy"] is h.accuracy
    assert h.val_loss is None and h.val_accuracy is None
    assert h.lr == [0.2] * 5 and h.seconds > 0
    assert all(0 <= a <= 1 for a in h.accuracy)
    assert repr(h).startswith("History(5 epochs, loss ")
    assert set(h) == {"loss", "accuracy", "lr", "val_loss", "val_accuracy", "seconds", "engine"}
    assert h.engine == "batched"  # auto: an nn model, a loss the batched engine knows, 4 rows a step
    assert json.loads(json.dumps(h))["loss"] == h.loss
    with pytest.raises(KeyError):
        h["nothing"]


def test_full_batch_history_is_the_loss_before_each_step():
    m = model()
    h = fit(m, X, Y, loss="bce_logits", lr=0.2, epochs=3, progress=False)
    assert h.loss[-1] > evaluate(m, X, Y, "bce_logits")["loss"]       # the last step helped
    m2 = model()
    assert h.loss[0] == evaluate(m2, X, Y, "bce_logits")["loss"]
    assert h.accuracy[0] == accuracy(m2, X, Y)


def test_regression_has_no_accuracy_unless_asked():
    Xh, yh = data.house_prices(n=20)
    m = MLP(3, [1], seed=0)
    assert fit(m, Xh, yh, loss="mse", lr=0.05, epochs=2, progress=False).accuracy is None
    h = fit(m, Xh, yh, loss="mse", lr=0.05, epochs=2, progress=False, metrics=[])
    assert h.accuracy is None
    h = fit(model(), X, Y, loss="hinge", lr=0.05, epochs=2, progress=False, metrics=[])
    assert h.accuracy is None


def test_validation_data_and_custom_metrics():
    X_train, X_val, y_train, y_val = data.split(X, Y, test_size=4, seed=0)

    def mean_output(m, X, y):
        return sum(predict(m, X)) / len(X)

    m = model()
    h = fit(m, X_train, y_train, loss="bce_logits", lr=0.2, epochs=3, validation_data=(X_val, y_val),
            metrics=["accuracy", mean_output], progress=False)
    assert len(h.val_loss) == len(h.val_accuracy) == 3
    end = evaluate(m, X_val, y_val, "bce_logits")
    assert h.val_loss[-1] == end["loss"] and h.val_accuracy[-1] == end["accuracy"]
    assert h["mean_output"] is h.metrics["mean_output"] and len(h.metrics["mean_output"]) == 3
    assert h.metrics["mean_output"][-1] == pytest.approx(sum(predict(m, X_train)) / len(X_train))


def test_schedules_in_fit():
    m = model()
    opt = optim.SGD(m.parameters(), lr=1.0)
    h = fit(m, X, Y, loss="hinge", optimizer=opt, epochs=4,
            schedule=optim.linear_decay(opt, end_factor=0.1, total_iters=100), progress=False)
    assert h.lr == pytest.approx([1.0, 0.991, 0.982, 0.973])
    h = fit(model(), X, Y, loss="hinge", epochs=3, schedule=lambda k: 0.5 / (k + 1), progress=False)
    assert h.lr == [0.5, 0.25, 0.5 / 3]


def test_callback_can_stop_training():
    seen = []

    def stop_after_two(epoch, history):
        seen.append((epoch, len(history.loss)))
        return epoch == 1

    h = fit(model(), X, Y, loss="bce_logits", epochs=10, callback=stop_after_two, progress=False)
    assert h.epochs == 2 and seen == [(0, 1), (1, 2)]


def test_progress_bar(capfd):
    fit(model(), X, Y, loss="bce_logits", epochs=3, progress=True)
    err = capfd.readouterr().err
    assert "fit" in err and "epoch" in err and "loss" in err
    fit(model(), X, Y, loss="bce_logits", epochs=3, progress=False)
    assert capfd.readouterr().err == ""


def test_epochs_zero_changes_nothing():
    m = model()
    before = m.state_dict()
    h = fit(m, X, Y, loss="bce_logits", epochs=0, progress=False)
    assert h.epochs == 0 and m.state_dict() == before and repr(h) == "History(0 epochs)"


def test_bad_labels_fail_before_any_update():
    m = model()
    before = m.state_dict()
    with pytest.raises(ValueError, match="targets must be in \\[0, 1\\]"):
        fit(m, X, [-1] * len(X), loss="bce_logits", epochs=1, progress=False)
    assert m.state_dict() == before


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(epochs=-1), ValueError, "epochs must be an int >= 0"),
    (dict(batch_size=0), ValueError, "batch_size must be None"),
    (dict(l2=-1.0), ValueError, "l2 must be a number >= 0"),
    (dict(loss="l1"), ValueError, "unknown loss 'l1'"),
    (dict(loss=3), TypeError, "loss must be a name or a function"),
    (dict(metrics=["f1"]), ValueError, "metrics may be 'accuracy'"),
    (dict(optimizer="sgd"), TypeError, "optimizer must be an nn.optim optimizer"),
    (dict(schedule=3), TypeError, "schedule must be"),
    (dict(validation_data=([[0.0, 0.0]], [])), ValueError, "validation_data"),
])
def test_fit_errors(kwargs, error, message):
    args = dict(loss="bce_logits", epochs=1, progress=False)
    args.update(kwargs)
    with pytest.raises(error, match=message):
        fit(model(), X, Y, **args)


def test_fit_errors_about_the_optimizer():
    m, other = model(), model(1)
    with pytest.raises(ValueError, match="both an optimizer and lr"):
        fit(m, X, Y, optimizer=optim.SGD(m.parameters(), lr=0.1), lr=0.1, progress=False)
    with pytest.raises(ValueError, match="holds none of the model's parameters"):
        fit(m, X, Y, optimizer=optim.SGD(other.parameters(), lr=0.1), progress=False)
    opt = optim.SGD(m.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="different optimizer"):
        fit(m, X, Y, optimizer=opt, schedule=optim.step(optim.SGD(m.parameters(), lr=1.0), 2), progress=False)
    with pytest.raises(ValueError, match="rows of X but"):
        fit(m, X, Y[:3], progress=False)
    with pytest.raises(ValueError, match="at least one row"):
        fit(m, [], [], progress=False)


def test_train_step_is_one_step():
    m = MLP(1, [1], init=constant(1.0))
    opt = optim.SGD(m.parameters(), lr=0.1)
    loss, outs = train_step(m, [[1.0], [3.0]], [0.0, 0.0], losses.mse, opt, l2=0.5)
    # outputs 2 and 4; mse = (4 + 16)/2 = 10; l2 = 0.5 (1 + 1) = 1
    assert loss == 11.0 and outs == [2.0, 4.0]
    # d/dw = (2*2*1 + 2*4*3)/2 + 2*0.5*1 = 14 + 1; d/db = (4 + 8)/2 + 1 = 7
    assert [p.data for p in m.parameters()] == pytest.approx([1 - 1.5, 1 - 0.7])


def test_accuracy_thresholds_and_classes():
    line = MLP(1, [1], activation="linear", init=constant(1.0))            # x + 1
    assert accuracy(line, [[-3.0], [0.0], [2.0]], [0, 1, 1]) == 1.0       # score > 0 is class 1
    assert accuracy(line, [[-3.0], [0.0], [2.0]], [-1, 1, 1]) == 1.0      # -1 labels work alike
    assert accuracy(line, [[-0.8]], [1], threshold=0.5) == 0.0             # 0.2 is not above 0.5
    prob = MLP(1, [1], activation="linear", output_activation="sigmoid", init=constant(1.0))
    assert prob.output_activation == "sigmoid"
    assert accuracy(prob, [[-0.8], [-1.5]], [1, 0]) == 1.0                 # sigmoid(0.2) > 0.5 > sigmoid(-0.5)
    assert accuracy(prob, [[-0.8], [-1.5]], [1, 0], threshold=0.0) == 0.5  # a probability is always above 0
    three = MLP(2, [3], activation="linear", init=constant(0.0))
    for j, n in enumerate(three.layers[0].neurons):
        n.w[0].data = float(j)                                              # scores 0, x, 2x
    assert accuracy(three, [[1.0, 0.0], [-1.0, 0.0]], [2, 0]) == 1.0
    assert accuracy(three, [[1.0, 0.0]], [1]) == 0.0
    with pytest.raises(ValueError, match="at least one row"):
        accuracy(three, [], [])


def test_evaluate_and_predict():
    line = MLP(1, [1], init=constant(1.0))
    assert predict(line, [[1.0], [2.0]]) == [2.0, 3.0]
    assert evaluate(line, [[1.0], [2.0]], [2.0, 2.0], "mse") == {"loss": 0.5, "accuracy": None}
    assert evaluate(line, [[1.0], [-3.0]], [1, 1], "hinge") == {"loss": 1.5, "accuracy": 0.5}
    two = MLP(1, [2], init=constant(1.0))
    assert predict(two, [[1.0]]) == [[2.0, 2.0]]
    result = evaluate(two, [[1.0]], [0], "cross_entropy")
    assert result["loss"] == pytest.approx(math.log(2)) and result["accuracy"] == 1.0   # a tie picks class 0


def test_numpy_arrays_work_as_data():
    np = pytest.importorskip("numpy")
    a, b = model(), model()
    Xa, Ya = np.array(X), np.array(Y)
    h_np = fit(a, Xa, Ya, loss="bce_logits", lr=0.2, epochs=2, batch_size=4, validation_data=(Xa, Ya),
               progress=False)
    h_list = fit(b, X, Y, loss="bce_logits", lr=0.2, epochs=2, batch_size=4, validation_data=(X, Y),
                 progress=False)
    assert h_np.loss == h_list.loss and h_np.val_accuracy == h_list.val_accuracy
    assert accuracy(a, Xa, Ya) == accuracy(b, X, Y)
    three = MLP(2, [3], seed=0)
    assert losses.cross_entropy([three(x) for x in Xa[:2]], Ya[:2]).data > 0      # numpy int labels
    assert three([np.int64(1), np.float32(0.5)])[0].data == three([1, 0.5])[0].data


def test_accuracy_threshold_follows_the_labels():
    # a tanh network trained with mse to output 0 or 1 is judged at 0.5, not at 0
    X, y = data.xor()
    m = MLP(2, [4, 1], activation="tanh", seed=0)
    h = fit(m, X, y, loss="mse", lr=0.2, epochs=300, progress=False)
    outputs = predict(m, X)
    assert [round(o) for o in outputs] == [0, 1, 1, 0]
    assert h.accuracy[-1] == 1.0 and accuracy(m, X, y) == 1.0
    # -1/+1 labels: the sign
    assert accuracy(m, X, [-1, 1, 1, -1], threshold=0.5) == 1.0
    assert accuracy(MLP(1, [1], activation="linear", init=constant(1.0)), [[-3.0], [2.0]], [-1, 1]) == 1.0
    # a real regression has no accuracy
    Xh, yh = data.house_prices(n=20, seed=0)
    assert fit(MLP(3, [2, 1], seed=0), Xh, yh, loss="mse", epochs=1, progress=False).accuracy is None
