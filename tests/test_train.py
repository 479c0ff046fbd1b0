"""optlib.train: minimize and fit, including the clear stop on divergence."""

import dataclasses
import warnings

import numpy as np
import pytest

from optlib.datasets import load_digits, load_iris, make_regression
from optlib.memmap import to_memmap
from optlib.models import MLP, LinearRegression

try:
    from optlib.optimizers import SGD, Adam
except ImportError:  # TEMPORARY stand-in until optlib.optimizers lands
    from typing import NamedTuple

    class _S(NamedTuple):
        step: int
        m: np.ndarray
        v: np.ndarray

    @dataclasses.dataclass(frozen=True)
    class SGD:
        learning_rate: float = 1e-3

        def init(self, p):
            return _S(0, np.zeros_like(p), np.zeros_like(p))

        def step(self, p, g, s):
            return p - self.learning_rate * g, s._replace(step=s.step + 1)

    @dataclasses.dataclass(frozen=True)
    class Adam:
        learning_rate: float = 1e-3
        beta1: float = 0.9
        beta2: float = 0.999
        eps: float = 1e-8

        def init(self, p):
            return _S(0, np.zeros_like(p), np.zeros_like(p))

        def step(self, p, g, s):
            t = s.step + 1
            m = self.beta1 * s.m + (1 - self.beta1) * g
            v = self.beta2 * s.v + (1 - self.beta2) * g * g
            mh, vh = m / (1 - self.beta1**t), v / (1 - self.beta2**t)
            return p - self.learning_rate * mh / (np.sqrt(vh) + self.eps), _S(t, m, v)


from optlib.train import History, Path, fit, minimize


class Bowl:
    """f(x) = 0.5 * sum(c * x**2): smoothness L = max(c)."""

    def __init__(self, c=(1.0, 10.0)):
        self.c = np.asarray(c)

    def value(self, x):
        return 0.5 * float(np.sum(self.c * x * x))

    def grad(self, x):
        return self.c * x


# --------------------------------------------------------------------------------------------
# minimize
# --------------------------------------------------------------------------------------------


def test_minimize_returns_the_whole_path_from_x0():
    x0 = np.array([1.0, 1.0])
    path = minimize(Bowl(), SGD(learning_rate=0.1), x0, steps=50)
    assert isinstance(path, Path)
    assert path.points.shape == (51, 2) and path.losses.shape == (51,)
    assert np.array_equal(path.points[0], x0) and np.array_equal(x0, [1.0, 1.0])
    assert path.losses[0] == pytest.approx(5.5)
    assert np.allclose(path.losses, [Bowl().value(p) for p in path.points])
    # gradient descent on a quadratic: x_t = (1 - lr c)^t x0
    assert np.allclose(path.points[-1], (1 - 0.1 * np.array([1.0, 10.0])) ** 50)
    assert not path.stopped_early and path.message == ""
    assert np.array_equal(path.x, path.points[-1]) and path.loss == path.losses[-1]


def test_minimize_accepts_f_value_or_a_callable():
    class WithF:
        def f(self, x):
            return float(x @ x)

        def grad(self, x):
            return 2 * x

    class Callable:
        def __call__(self, x):
            return float(x @ x)

        def grad(self, x):
            return 2 * x

    for obj in (WithF(), Callable()):
        path = minimize(obj, SGD(learning_rate=0.5), [2.0, -2.0], steps=3)
        assert np.allclose(path.points[-1], 0.0) and path.losses[-1] == 0.0


def test_minimize_works_with_adam():
    path = minimize(Bowl(), Adam(learning_rate=0.05), [1.0, 1.0], steps=500)
    assert path.losses[-1] < 1e-4


def test_minimize_stops_with_a_message_when_the_loss_diverges():
    lr = 0.25  # above 2 / L = 0.2 for the bowl with L = 10
    with pytest.warns(
        RuntimeWarning, match=r"at step \d+ of 10000.*smaller learning_rate than 0.25"
    ):
        path = minimize(Bowl(), SGD(learning_rate=lr), [1.0, 1.0], steps=10_000)
    assert path.stopped_early
    assert "smaller learning_rate" in path.message
    assert len(path.points) < 10_001 and not np.isfinite(path.losses[-1])
    assert np.all(np.isfinite(path.losses[:-1]))  # it stopped at the first non-finite loss


def test_minimize_in_parts_yields_between_steps_and_returns_the_same_path():
    from optlib.train import _minimize, _minimize_in_parts

    x0 = np.array([1.0, 1.0])
    whole = _minimize(Bowl().value, Bowl().grad, SGD(learning_rate=0.1), x0, 30)
    parts = _minimize_in_parts(Bowl().value, Bowl().grad, SGD(learning_rate=0.1), x0, 30, 0.0)
    yields = 0
    while True:
        try:
            next(parts)
        except StopIteration as end:
            path = end.value
            break
        yields += 1
        # between parts the caller has control, and NumPy's warnings are as the caller set them
        assert np.geterr()["over"] == "warn" and np.geterr()["invalid"] == "warn"
    assert yields == 29  # a budget of 0 s: a part is one step, and none after the last
    np.testing.assert_array_equal(path.points, whole.points)
    np.testing.assert_array_equal(path.losses, whole.losses)


def test_minimize_in_parts_reports_divergence_at_the_right_step():
    from optlib.train import _finish, _minimize, _minimize_in_parts

    sgd = SGD(learning_rate=0.25)  # above 2 / L = 0.2
    whole = _minimize(Bowl().value, Bowl().grad, sgd, np.array([1.0, 1.0]), 10_000)
    parted = _finish(_minimize_in_parts(Bowl().value, Bowl().grad, sgd, np.ones(2), 10_000, 0.0))
    assert parted.message == whole.message and parted.stopped_early
    assert len(parted.points) == len(whole.points) < 10_001


def test_minimize_in_one_part_never_reads_the_clock(monkeypatch):
    import optlib.train

    def no_clock():
        raise AssertionError("minimize read the clock: it runs in one part")

    monkeypatch.setattr(optlib.train.time, "perf_counter", no_clock)
    path = minimize(Bowl(), SGD(learning_rate=0.1), [1.0, 1.0], 30)
    assert len(path.points) == 31 and not path.stopped_early


def test_minimize_reports_a_non_finite_start():
    class Log:
        def value(self, x):
            return float(-np.log(x[0])) if x[0] > 0 else np.inf

        def grad(self, x):
            return np.array([-1 / x[0]])

    with pytest.warns(RuntimeWarning, match="at x0"):
        path = minimize(Log(), SGD(learning_rate=0.1), [0.0], steps=5)
    assert path.stopped_early and len(path) == 1


@pytest.mark.parametrize(
    ("steps", "error"),
    [
        (0, ValueError),
        (-1, ValueError),
        (2.5, TypeError),
        (True, TypeError),
        ("10", TypeError),
        (None, TypeError),
    ],
)
def test_minimize_validates_steps(steps, error):
    with pytest.raises(error, match="steps must be a positive integer"):
        minimize(Bowl(), SGD(learning_rate=0.1), [1.0, 1.0], steps=steps)


def test_minimize_validates_x0_and_objective():
    opt = SGD(learning_rate=0.1)
    for x0 in ([np.nan, 1.0], [np.inf, 0.0]):
        with pytest.raises(ValueError, match="x0 must be finite"):
            minimize(Bowl(), opt, x0, steps=3)
    with pytest.raises(ValueError, match="x0 must have at least 1 element"):
        minimize(Bowl(), opt, [], steps=3)
    with pytest.raises(TypeError, match="x0"):
        minimize(Bowl(), opt, ["a", "b"], steps=3)
    with pytest.raises(TypeError, match="grad"):
        minimize(lambda x: 0.0, opt, [1.0], steps=3)
    with pytest.raises(TypeError, match="value"):
        minimize(object(), opt, [1.0], steps=3)


# --------------------------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------------------------


def _regression():
    X, y, coef = make_regression(203, 3, noise=0.0, seed=0, return_coef=True)
    return X, y, coef


def test_fit_linear_regression_finds_the_coefficients():
    X, y, coef = _regression()
    h = fit(
        LinearRegression(3),
        SGD(learning_rate=0.1),
        X,
        y,
        batch_size=16,
        epochs=30,
        rng=0,
        progress=False,
    )
    assert isinstance(h, History)
    assert np.allclose(h.params, coef, atol=1e-6)
    steps_per_epoch = -(-203 // 16)  # 13: the last batch of 11 is kept
    assert h.n_steps == len(h.step_loss) == len(h.learning_rate) == 30 * steps_per_epoch
    assert len(h.epoch_loss) == len(h.epoch_time) == h.epochs == 30 and h.val_metric == []
    assert all(t > 0 for t in h.epoch_time)
    assert h.epoch_loss[-1] < 1e-10 < h.epoch_loss[0]
    assert not h.diverged and h.message == ""


def test_fit_epoch_loss_is_the_size_weighted_mean_of_its_steps():
    X, y, _ = _regression()
    h = fit(
        LinearRegression(3),
        SGD(learning_rate=0.01),
        X,
        y,
        batch_size=50,
        epochs=1,
        rng=0,
        progress=False,
    )
    sizes = [50, 50, 50, 50, 3]
    assert h.epoch_loss[0] == pytest.approx(np.dot(h.step_loss, sizes) / 203)


def test_fit_drop_last_and_no_shuffle():
    X, y, _ = _regression()
    h = fit(
        LinearRegression(3),
        SGD(learning_rate=0.05),
        X,
        y,
        batch_size=50,
        epochs=2,
        rng=0,
        drop_last=True,
        progress=False,
    )
    assert h.n_steps == 8
    a = fit(
        LinearRegression(3),
        SGD(learning_rate=0.05),
        X,
        y,
        batch_size=50,
        epochs=2,
        shuffle=False,
        progress=False,
    )
    b = fit(
        LinearRegression(3),
        SGD(learning_rate=0.05),
        X,
        y,
        batch_size=50,
        epochs=2,
        shuffle=False,
        progress=False,
    )
    assert a.step_loss == b.step_loss


def test_fit_is_reproducible_with_a_seed():
    X, y = load_iris()
    model = MLP(4, hidden=(8,), n_outputs=3)
    runs = [
        fit(model, Adam(learning_rate=0.01), X, y, batch_size=16, epochs=3, rng=42, progress=False)
        for _ in range(2)
    ]
    assert runs[0].step_loss == runs[1].step_loss
    assert np.array_equal(runs[0].params, runs[1].params)
    other = fit(
        model, Adam(learning_rate=0.01), X, y, batch_size=16, epochs=3, rng=43, progress=False
    )
    assert other.step_loss != runs[0].step_loss


def test_fit_classifier_validation_accuracy():
    X, y = load_digits()
    Xtr, ytr, Xva, yva = X[:1400], y[:1400], X[1400:], y[1400:]
    h = fit(
        MLP(64, hidden=(32,), n_outputs=10),
        Adam(learning_rate=3e-3),
        Xtr,
        ytr,
        batch_size=32,
        epochs=8,
        rng=0,
        X_val=Xva,
        y_val=yva,
        progress=False,
    )
    assert len(h.val_metric) == 8 and all(0 <= a <= 1 for a in h.val_metric)
    assert h.val_metric[-1] > 0.85  # the last 397 digits are by other writers
    assert h.epoch_loss[-1] < h.epoch_loss[0]


def test_fit_regression_validation_metric_is_the_loss():
    X, y, _ = _regression()
    model = LinearRegression(3)
    h = fit(
        model,
        SGD(learning_rate=0.05),
        X[:150],
        y[:150],
        batch_size=10,
        epochs=2,
        rng=0,
        X_val=X[150:],
        y_val=y[150:],
        progress=False,
    )
    assert h.val_metric[-1] == pytest.approx(model.loss(h.params, X[150:], y[150:]))


def test_fit_stops_on_divergence_with_a_message():
    X, y = load_iris()
    with pytest.warns(RuntimeWarning) as record:
        h = fit(
            MLP(4, hidden=(16,), n_outputs=3),
            SGD(learning_rate=100.0),
            X,
            y,
            batch_size=10,
            epochs=50,
            rng=0,
            progress=False,
        )
    assert h.diverged
    assert len(record) == 1  # one clear warning, not a flood of numpy overflow warnings
    msg = str(record[0].message)
    assert msg == h.message
    assert f"at step {h.n_steps + 1} (epoch " in msg and "smaller learning_rate than 100" in msg
    assert h.n_steps < 50 * 15  # it did not run on NaN
    assert np.all(np.isfinite(h.params)) and np.all(np.isfinite(h.step_loss))


def test_fit_divergence_on_linear_regression_names_the_step():
    X, y, _ = _regression()
    with pytest.warns(RuntimeWarning, match=r"at step (\d+) \(epoch \d+\).*try a smaller"):
        h = fit(
            LinearRegression(3),
            SGD(learning_rate=5.0),
            X,
            y,
            batch_size=203,
            epochs=5000,
            rng=0,
            progress=False,
        )
    assert h.diverged and h.n_steps < 5000
    assert f"at step {h.n_steps + 1} " in h.message  # the failing step is the next one


def test_fit_applies_the_schedule_each_step():
    X, y, _ = _regression()

    def halve_each_epoch(step):
        return 0.1 * 0.5 ** (step // 13)

    h = fit(
        LinearRegression(3),
        SGD(learning_rate=123.0),
        X,
        y,
        batch_size=16,
        epochs=3,
        rng=0,
        schedule=halve_each_epoch,
        progress=False,
    )
    assert h.learning_rate == [halve_each_epoch(t) for t in range(39)]


def test_fit_schedule_changes_the_updates():
    X, y, _ = _regression()
    kw = dict(batch_size=16, epochs=2, rng=0, progress=False)
    a = fit(LinearRegression(3), SGD(learning_rate=0.05), X, y, **kw)
    b = fit(LinearRegression(3), SGD(learning_rate=1.0), X, y, schedule=lambda t: 0.05, **kw)
    assert np.allclose(a.params, b.params)


def test_fit_callbacks_run_each_epoch_and_can_stop():
    X, y, _ = _regression()
    seen = []

    def record(epoch, history):
        seen.append((epoch, history.epochs))

    def stop_after_two(epoch, history):
        return epoch == 1

    h = fit(
        LinearRegression(3),
        SGD(learning_rate=0.05),
        X,
        y,
        batch_size=32,
        epochs=10,
        rng=0,
        callbacks=[record, stop_after_two],
        progress=False,
    )
    assert seen == [(0, 1), (1, 2)] and h.epochs == 2
    assert "callback" in h.message and not h.diverged


def test_fit_starts_from_given_params_without_modifying_them():
    X, y, coef = _regression()
    start = coef.copy()
    h = fit(
        LinearRegression(3),
        SGD(learning_rate=0.05),
        X,
        y,
        batch_size=32,
        epochs=1,
        params=start,
        progress=False,
        rng=0,
    )
    assert np.array_equal(start, coef)
    assert max(h.step_loss) < 1e-20  # it started at the optimum


def test_fit_progress_bar_is_optional(capsys):
    X, y, _ = _regression()
    fit(
        LinearRegression(3),
        SGD(learning_rate=0.05),
        X,
        y,
        batch_size=32,
        epochs=2,
        rng=0,
        progress=False,
    )
    assert capsys.readouterr().err == ""
    fit(LinearRegression(3), SGD(learning_rate=0.05), X, y, batch_size=32, epochs=2, rng=0)
    err = capsys.readouterr().err
    assert "14/14" in err and "step" in err


def test_fit_on_a_memmap_equals_fit_in_memory(tmp_path):
    X, y, _ = _regression()
    X32 = X.astype(np.float32)
    Xm, ym = to_memmap(tmp_path, X32, y)
    kw = dict(batch_size=16, epochs=2, rng=7, progress=False)
    a = fit(LinearRegression(3), SGD(learning_rate=0.05), X32, y, **kw)
    b = fit(LinearRegression(3), SGD(learning_rate=0.05), Xm, ym, **kw)
    # The same batches; rows read from the file come sorted, so sums round differently.
    assert np.allclose(a.params, b.params, rtol=1e-12, atol=1e-12)
    assert np.allclose(a.step_loss, b.step_loss, rtol=1e-10)


def test_fit_rejects_bad_input_before_training():
    X, y, _ = _regression()
    model, opt = LinearRegression(3), SGD(learning_rate=0.05)
    kw = dict(batch_size=16, epochs=1, progress=False)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        fit(model, opt, X, y, batch_size=0, epochs=1)
    with pytest.raises(ValueError, match="batch_size"):
        fit(model, opt, X, y, batch_size=-4, epochs=1)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        fit(model, opt, X, y, batch_size=16, epochs=0)
    with pytest.raises(ValueError, match="y must have one row per example of X"):
        fit(model, opt, X, y[:-1], **kw)
    with pytest.raises(ValueError, match="empty"):
        fit(model, opt, X[:0], y[:0], **kw)
    Xn = X.copy()
    Xn[5, 2] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        fit(model, opt, Xn, y, **kw)
    with pytest.raises(ValueError, match="X_val and y_val"):
        fit(model, opt, X, y, X_val=X, **kw)
    with pytest.raises(ValueError, match=r"params must have shape \(4,\)"):
        fit(model, opt, X, y, params=np.zeros(3), **kw)
    with pytest.raises(TypeError, match="schedule"):
        fit(model, opt, X, y, schedule=0.1, **kw)


def test_no_warning_on_a_healthy_run():
    X, y, _ = _regression()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(
            LinearRegression(3),
            SGD(learning_rate=0.05),
            X,
            y,
            batch_size=16,
            epochs=2,
            rng=0,
            progress=False,
        )


def test_fit_uses_dataclass_replace_so_the_optimizer_is_untouched():
    X, y, _ = _regression()
    opt = SGD(learning_rate=0.5)
    fit(
        LinearRegression(3),
        opt,
        X,
        y,
        batch_size=16,
        epochs=1,
        rng=0,
        progress=False,
        schedule=lambda t: 0.01,
    )
    assert dataclasses.asdict(opt)["learning_rate"] == 0.5
