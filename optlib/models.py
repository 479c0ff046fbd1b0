r"""Three small models in NumPy, each a loss and its gradient on one flat parameter vector.

An optimizer sees a model as a function of one vector :math:`\theta`: the models below pack
their weights and biases into a single 1-D float64 array and unpack them as *views* (no copy).
Every model has the same methods:

``n_params``, ``init_params(rng)``, ``loss(params, X, y)``, ``loss_and_grad(params, X, y)``,
``grad(params, X, y)``, ``predict(params, X)``, ``score(params, X, y)`` and, for classifiers,
``predict_proba(params, X)``.

The losses are means over the batch, so the gradient of a mini-batch is an unbiased estimate of
the gradient over the whole data set when the batch is drawn at random (chapter 2).

:func:`gradient_check` compares an analytic gradient with central differences,

.. math::

    \frac{\partial f}{\partial \theta_i} \approx
    \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2 h},

whose error is :math:`O(h^2)` for a step :math:`h`; the tests run it on every model.

The public methods check their arguments (through ``optlib._checks``); the training loops
check the data once and then call the unchecked kernel ``_loss_and_grad`` on every batch.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from optlib import _checks

__all__ = ["LinearClassifier", "LinearRegression", "MLP", "Model", "gradient_check"]


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax, stable for large logits (the max is subtracted first)."""
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


class Model:
    """The shared plumbing: parameter layout, input checks, ``grad`` and ``score``.

    Subclasses set ``shapes`` (the list of parameter array shapes, packed in that order into
    the flat vector), ``task`` (``"classification"`` or ``"regression"``) and implement
    ``loss_and_grad`` and ``_forward``.
    """

    task: str = "regression"
    shapes: list[tuple[int, ...]]
    n_features: int

    def _layout(self) -> tuple[list[tuple[int, int, tuple[int, ...]]], int]:
        """``[(start, stop, shape), ...]`` of each array in the flat vector, and its length.

        Computed once: a training step unpacks the parameters several times, and recomputing
        the sizes each time cost more than the arithmetic of a small model's gradient.
        """
        layout = self.__dict__.get("_cached_layout")
        if layout is None or layout[0] is not self.shapes:
            bounds, start = [], 0
            for shape in self.shapes:
                size = math.prod(shape)
                bounds.append((start, start + size, tuple(shape)))
                start += size
            layout = (self.shapes, bounds, start)
            self.__dict__["_cached_layout"] = layout
        return layout[1], layout[2]

    @property
    def n_params(self) -> int:
        """Length of the flat parameter vector."""
        return self._layout()[1]

    def unpack(self, params) -> list[np.ndarray]:
        """Views into ``params``, one array per entry of ``shapes`` (no copy)."""
        return self._unpack(self._check_params(params))

    def _unpack(self, params: np.ndarray) -> list[np.ndarray]:
        return [params[start:stop].reshape(shape) for start, stop, shape in self._layout()[0]]

    def init_params(self, rng=None) -> np.ndarray:
        """A starting parameter vector: zeros (``rng``, a Generator, a seed or None, is
        checked and not used: a linear model's loss is convex, with no symmetry to break)."""
        _checks.as_rng(rng)
        return np.zeros(self.n_params)

    # ---- the front door -----------------------------------------------------------------

    def _check_params(self, params) -> np.ndarray:
        params = _checks.float_array("params", params)
        if params.shape != (self.n_params,):
            raise ValueError(
                f"params must be a flat vector of length {self.n_params} for {self!r}; "
                f"got shape {params.shape}"
            )
        return params

    def _check_X(self, X, name: str = "X") -> np.ndarray:
        """``X`` as a 2-D float array (a memory map stays one: nothing is read here)."""
        X = _checks.float_array(name, X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"{name} must have shape (n_samples, {self.n_features}) for {self!r}; got {X.shape}"
            )
        if X.shape[0] == 0:
            raise ValueError(f"{name} is empty: the loss of a batch needs at least one example")
        return X

    def _check_y(self, X: np.ndarray, y, name: str = "y") -> np.ndarray:
        """``y`` with one row per row of ``X``; a column vector where a 1-D ``y`` is expected
        is refused (``Xw - y`` would broadcast to an n-by-n matrix)."""
        y = np.asarray(y)
        if y.ndim == 0 or y.shape[0] != X.shape[0]:
            got = y.shape[0] if y.ndim else "a scalar"
            raise ValueError(
                f"{name} must have one row per example of X; got {got} rows for {X.shape[0]}"
            )
        if y.ndim != 1 and self._targets == 1:
            raise ValueError(
                f"{name} must be 1-D, shape ({X.shape[0]},), for {self!r}; got shape {y.shape} "
                f"(a column vector? use {name}.ravel())"
            )
        if self.task == "classification":
            return _check_labels(y, self._classes, name)
        return _checks.float_array(name, y)

    def check_data(self, X, y, names: tuple[str, str] = ("X", "y")):
        """``(X, y)`` validated once, for the loops that then call ``_loss_and_grad``;
        ``names`` are the argument names the messages use (``("X_val", "y_val")``, ...)."""
        X = self._check_X(X, names[0])
        return X, self._check_y(X, y, names[1])

    # ---- shared API ---------------------------------------------------------------------

    def loss(self, params, X, y) -> float:
        """The mean loss over the batch ``(X, y)`` at the parameters ``params``."""
        return self.loss_and_grad(params, X, y)[0]

    def grad(self, params, X, y) -> np.ndarray:
        """The gradient of :meth:`loss` on the batch ``(X, y)`` with respect to ``params`` (a
        flat vector)."""
        return self.loss_and_grad(params, X, y)[1]

    def loss_and_grad(self, params, X, y) -> tuple[float, np.ndarray]:
        """The mean loss over the batch ``(X, y)`` and its gradient, a flat vector like
        ``params``."""
        params = self._check_params(params)
        X, y = self.check_data(X, y)
        return self._loss_and_grad(params, X, y)

    def _loss_and_grad(self, params, X, y) -> tuple[float, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def predict(self, params, X) -> np.ndarray:
        """The labels (classification) or values (regression) of the rows of ``X`` under
        ``params``."""
        return self._predict(self._check_params(params), self._check_X(X))

    def score(self, params, X, y) -> float:
        """The score of ``params`` on ``(X, y)``: accuracy for a classifier, minus the mean
        squared error for a regressor.

        Higher is better for both, as in scikit-learn's convention for scorers.
        """
        params = self._check_params(params)
        X, y = self.check_data(X, y)
        return self._score(params, X, y)

    def _score(self, params, X, y) -> float:
        pred = self._predict(params, X)
        if self.task == "classification":
            return float(np.mean(pred == y))
        return -float(np.mean((pred - y) ** 2))


class LinearRegression(Model):
    r"""Linear regression with the squared loss.

    .. math::

        f(w, b) = \frac{1}{2n} \sum_{i=1}^n (x_i^\top w + b - y_i)^2 + \frac{\lambda}{2}\|w\|^2,
        \qquad \nabla_w f = \frac{1}{n} X^\top r + \lambda w, \quad \nabla_b f = \frac{1}{n}
        \sum_i r_i,

    with residuals :math:`r = Xw + b - y`. Parameters are packed as ``[w (n_features), b]``.

    Parameters
    ----------
    n_features : int
        Number of input features.
    l2 : float, default 0.0
        Ridge penalty :math:`\lambda` on the weights (not the bias).

    Examples
    --------
    >>> import numpy as np
    >>> model = LinearRegression(2)
    >>> X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 3.0])
    >>> loss, g = model.loss_and_grad(np.zeros(3), X, y)
    >>> float(loss), g.tolist()
    (2.5, [-0.5, -1.5, -2.0])
    """

    task = "regression"
    _targets = 1

    def __init__(self, n_features: int, l2: float = 0.0):
        self.n_features = _checks.positive_int("n_features", n_features)
        self.l2 = _checks.real("l2", l2, low=0.0)
        self.shapes = [(self.n_features,), (1,)]

    def __repr__(self) -> str:
        return f"LinearRegression(n_features={self.n_features}, l2={self.l2})"

    def _predict(self, params, X):
        w, b = self._unpack(params)
        return X @ w + b[0]

    def _loss_and_grad(self, params, X, y) -> tuple[float, np.ndarray]:
        w, b = self._unpack(params)
        n = X.shape[0]
        r = X @ w + b[0] - y
        loss = 0.5 * float(r @ r) / n + 0.5 * self.l2 * float(w @ w)
        grad = np.empty(self.n_params)
        grad[:-1] = (r @ X) / n + self.l2 * w
        grad[-1] = r.sum() / n
        return loss, grad


def _check_labels(y: np.ndarray, n_classes: int, name: str = "y") -> np.ndarray:
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of integer labels; got shape {y.shape}")
    if y.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold integer class labels 0 .. {n_classes - 1}; got dtype {y.dtype}"
        )
    if y.dtype.kind == "f":
        if not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"{name} must hold integer class labels; got fractions or NaN")
        y = y.astype(np.intp)
    lo, hi = y.min(), y.max()
    if lo < 0 or hi >= n_classes:
        raise ValueError(
            f"{name} must hold labels in 0 .. {n_classes - 1}; got values from {lo} to {hi}"
        )
    return y


_ACTIVATIONS = ("relu", "tanh")
_INITS = ("auto", "he", "lecun", "glorot")


class MLP(Model):
    r"""A multi-layer perceptron with ReLU or tanh hidden layers.

    For layers :math:`l = 1 .. K` with :math:`h_0 = x`,

    .. math::

        z_l = h_{l-1} W_l + b_l, \qquad h_l = \phi(z_l) \ (l < K), \qquad
        \text{output } z_K,

    and backpropagation of the loss :math:`f` runs the chain rule from the output back,
    :math:`\delta_K = \partial f / \partial z_K`, :math:`\nabla W_l = h_{l-1}^\top \delta_l`,
    :math:`\nabla b_l = \sum \delta_l`, :math:`\delta_{l-1} = (\delta_l W_l^\top) \odot
    \phi'(z_{l-1})`. The output loss is the mean cross-entropy of the softmax (classification)
    or half the mean squared error (regression), as in :class:`SoftmaxRegression` and
    :class:`LinearRegression`.

    Parameters
    ----------
    n_features : int
        Number of input features.
    hidden : tuple of int, default (32,)
        Widths of the hidden layers (may be empty: then the model is linear).
    n_outputs : int, optional
        Number of classes (classification, required, at least 2) or of regression targets
        (default 1; with one target ``y`` is 1-D).
    activation : {"relu", "tanh"}, default "relu"
        The nonlinearity :math:`\phi` of the hidden layers: :math:`\max(z, 0)` or
        :math:`\tanh z`.
    task : {"classification", "regression"}, default "classification"
        The output loss: the mean cross-entropy of the softmax over ``n_outputs`` classes
        (``y`` holds labels ``0 .. n_outputs - 1``), or half the mean squared error (``y``
        holds real targets).
    l2 : float, default 0.0
        Penalty :math:`\lambda \ge 0`, adding :math:`\tfrac\lambda2 \|W_l\|_F^2` for every
        weight matrix (not the biases).
    init : {"auto", "he", "lecun", "glorot"}, default "auto"
        How :meth:`init_params` draws the weights; biases start at zero. "he":
        :math:`\mathcal N(0, 2/\text{fan-in})` (He et al. 2015); "lecun":
        :math:`\mathcal N(0, 1/\text{fan-in})` (LeCun et al. 1998, "Efficient backprop");
        "glorot": uniform on :math:`\pm\sqrt{6 / (\text{fan-in} + \text{fan-out})}`, variance
        :math:`2 / (\text{fan-in} + \text{fan-out})` (Glorot & Bengio 2010; scikit-learn's
        ``MLPClassifier`` and Keras' default). "auto": "he" for ReLU, "lecun" for tanh.

    Examples
    --------
    >>> import numpy as np
    >>> mlp = MLP(n_features=4, hidden=(8,), n_outputs=3)
    >>> mlp.n_params        # 4*8 + 8 + 8*3 + 3
    67
    >>> params = mlp.init_params(np.random.default_rng(0))
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 0, 1, 2])
    >>> bool(gradient_check(mlp, params, X, y) < 1e-6)
    True
    """

    def __init__(
        self,
        n_features: int,
        hidden=(32,),
        n_outputs: int | None = None,
        activation: str = "relu",
        task: str = "classification",
        l2: float = 0.0,
        init: str = "auto",
    ):
        self.n_features = _checks.positive_int("n_features", n_features)
        if isinstance(hidden, numbers.Integral):
            hidden = (hidden,)
        if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
            raise TypeError(f"hidden must be a tuple of layer widths; got {hidden!r}")
        self.hidden = tuple(_checks.positive_int("hidden", h) for h in hidden)
        self.task = _checks.one_of("task", task, ("classification", "regression"))
        if n_outputs is None:
            if task == "classification":
                raise ValueError("n_outputs (the number of classes) is required for classification")
            n_outputs = 1
        self.n_outputs = _checks.positive_int("n_outputs", n_outputs)
        if task == "classification" and self.n_outputs < 2:
            raise ValueError(f"n_outputs must be at least 2 classes; got {n_outputs!r}")
        self.activation = _checks.one_of("activation", activation, _ACTIVATIONS)
        self.l2 = _checks.real("l2", l2, low=0.0)
        self.init = _checks.one_of("init", init, _INITS)
        sizes = (self.n_features, *self.hidden, self.n_outputs)
        self.shapes = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            self.shapes += [(fan_in, fan_out), (fan_out,)]

    def __repr__(self) -> str:
        return (
            f"MLP(n_features={self.n_features}, hidden={self.hidden}, n_outputs={self.n_outputs}, "
            f"activation={self.activation!r}, task={self.task!r}, l2={self.l2}, "
            f"init={self.init!r})"
        )

    @property
    def _targets(self) -> int:
        return 1 if self.task == "classification" else self.n_outputs

    @property
    def _classes(self) -> int:
        return self.n_outputs

    def init_params(self, rng=None) -> np.ndarray:
        """A starting parameter vector: weights drawn from ``rng`` (a Generator, a seed or None
        for fresh entropy) as ``init`` says, biases zero."""
        rng = _checks.as_rng(rng)
        init = self.init
        if init == "auto":
            init = "he" if self.activation == "relu" else "lecun"
        params = np.zeros(self.n_params)
        layers = self._unpack(params)
        for W in layers[0::2]:
            fan_in, fan_out = W.shape
            if init == "glorot":
                bound = np.sqrt(6.0 / (fan_in + fan_out))
                W[...] = rng.uniform(-bound, bound, size=W.shape)
            else:
                gain = 2.0 if init == "he" else 1.0
                W[...] = rng.normal(0.0, np.sqrt(gain / fan_in), size=W.shape)
        return params

    def _act(self, z):
        return np.maximum(z, 0.0) if self.activation == "relu" else np.tanh(z)

    def _forward(self, params, X, keep: bool = False):
        layers = self._unpack(params)
        h, hs = X, [X]
        n_layers = len(layers) // 2
        for i in range(n_layers):
            z = h @ layers[2 * i] + layers[2 * i + 1]
            h = self._act(z) if i < n_layers - 1 else z
            hs.append(h)
        return (h, hs) if keep else h

    def predict_proba(self, params, X) -> np.ndarray:
        """The class probabilities of the rows of ``X`` under ``params`` (classification
        only), shape ``(n_samples, n_outputs)``."""
        if self.task != "classification":
            raise AttributeError("predict_proba is defined for task='classification' only")
        params, X = self._check_params(params), self._check_X(X)
        return np.exp(_log_softmax(self._forward(params, X)))

    def _predict(self, params, X) -> np.ndarray:
        """Labels (classification) or values (regression; 1-D when ``n_outputs == 1``)."""
        out = self._forward(params, X)
        if self.task == "classification":
            return np.argmax(out, axis=1)
        return out[:, 0] if self.n_outputs == 1 else out

    def _output_loss(self, out, y):
        """Loss and its gradient with respect to the output ``out`` (the mean over rows)."""
        n = out.shape[0]
        if self.task == "classification":
            logp = _log_softmax(out)
            delta = np.exp(logp)
            delta[np.arange(n), y] -= 1.0
            return -float(logp[np.arange(n), y].mean()), delta / n
        r = out - (y.reshape(n, -1) if self.n_outputs == 1 else y)
        return 0.5 * float(np.sum(r * r)) / n, r / n

    def _check_y(self, X, y, name: str = "y") -> np.ndarray:
        y = super()._check_y(X, y, name)
        if self.task == "regression" and self.n_outputs > 1 and y.shape[1:] != (self.n_outputs,):
            raise ValueError(
                f"{name} must have shape ({X.shape[0]}, {self.n_outputs}) for {self!r}; "
                f"got {y.shape}"
            )
        return y

    def _loss_and_grad(self, params, X, y) -> tuple[float, np.ndarray]:
        out, hs = self._forward(params, X, keep=True)
        loss, delta = self._output_loss(out, y)
        layers = self._unpack(params)
        grad = np.empty(self.n_params)
        grads = self._unpack(grad)
        n_layers = len(layers) // 2
        for i in reversed(range(n_layers)):
            W = layers[2 * i]
            grads[2 * i][...] = hs[i].T @ delta + self.l2 * W
            grads[2 * i + 1][...] = delta.sum(axis=0)
            if i > 0:
                delta = delta @ W.T
                h = hs[i]
                delta *= (h > 0) if self.activation == "relu" else (1.0 - h * h)
        if self.l2:
            loss += 0.5 * self.l2 * sum(float(np.sum(W * W)) for W in layers[0::2])
        return loss, grad


class LinearClassifier(MLP):
    r"""Multinomial logistic (softmax) regression: an :class:`MLP` with no hidden layer.

    .. math::

        p_i = \mathrm{softmax}(W^\top x_i + b), \qquad
        f = -\frac{1}{n}\sum_i \log p_{i, y_i} + \frac{\lambda}{2}\|W\|_F^2, \qquad
        \nabla_W f = \frac{1}{n} X^\top (P - Y) + \lambda W,

    with :math:`Y` the one-hot labels. Parameters are packed as ``[W (n_features, n_classes)
    row-major, b (n_classes)]`` and start at zero (the loss is convex: no symmetry to break).
    The scikit-learn estimator built on it is ``optlib.SoftmaxRegression``.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_classes : int
        Number of classes (at least 2); labels are the integers ``0 .. n_classes - 1``.
    l2 : float, default 0.0
        Penalty :math:`\lambda` on the weights (not the biases).

    Examples
    --------
    >>> import numpy as np
    >>> model = LinearClassifier(n_features=4, n_classes=3)
    >>> params = model.init_params(np.random.default_rng(0))
    >>> X, y = np.ones((5, 4)), np.array([0, 1, 2, 1, 0])
    >>> bool(np.isclose(model.loss(params, X, y), np.log(3)))   # uniform at zero weights
    True
    """

    def __init__(self, n_features: int, n_classes: int, l2: float = 0.0):
        if _checks.positive_int("n_classes", n_classes) < 2:
            raise ValueError(f"n_classes must be at least 2; got {n_classes!r}")
        super().__init__(n_features, hidden=(), n_outputs=n_classes, l2=l2)
        self.n_classes = self.n_outputs

    def __repr__(self) -> str:
        return (
            f"LinearClassifier(n_features={self.n_features}, n_classes={self.n_classes}, "
            f"l2={self.l2})"
        )

    def init_params(self, rng=None) -> np.ndarray:
        """A starting parameter vector: zeros (``rng``, a Generator, a seed or None, is
        checked and not used: the loss is convex, with no symmetry to break)."""
        _checks.as_rng(rng)
        return np.zeros(self.n_params)


def gradient_check(model, params, X, y, eps: float = 1e-6) -> float:
    r"""The largest error of ``model``'s analytic gradient against central differences.

    Each coordinate is perturbed by :math:`\pm h` and the slope
    :math:`\hat g_i = (f(\theta + h e_i) - f(\theta - h e_i)) / 2h` compared with the
    analytic :math:`g_i`. The result is

    .. math::

        \frac{\max_i |g_i - \hat g_i|}{\max(\max_i |g_i|, \max_i |\hat g_i|, 10^{-12})},

    the worst coordinate's error relative to the scale of the gradient (so a coordinate whose
    true gradient is zero, e.g. a dead ReLU unit, does not turn round-off into a huge ratio).
    A correct gradient gives about ``1e-8`` or less in float64; a wrong one gives ``1e-2`` or
    more.

    Parameters
    ----------
    model : object
        Anything with ``loss(params, X, y)`` and ``loss_and_grad(params, X, y)``.
    params : array_like, 1-D
        Where to check (not modified).
    X : array_like, shape (n_samples, n_features)
        The inputs of the batch. Use float64 data: float32 round-off swamps the differences.
    y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        The targets of the batch.
    eps : float, default 1e-6
        :math:`h > 0`, the step of the central differences.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(8, 3)), rng.normal(size=8)
    >>> bool(gradient_check(LinearRegression(3), rng.normal(size=4), X, y) < 1e-8)
    True
    """
    _checks.instance("model", model, ("loss", "loss_and_grad"), "a model")
    _checks.real("eps", eps, low=0.0, low_open=True)
    theta = _checks.finite_array("params", params, ndim=1, dtype=np.float64).copy()
    _, g = model.loss_and_grad(theta.copy(), X, y)
    g = np.asarray(g, dtype=float)
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + eps
        up = model.loss(theta, X, y)
        theta[i] = old - eps
        down = model.loss(theta, X, y)
        theta[i] = old
        numeric[i] = (up - down) / (2 * eps)
    scale = max(np.max(np.abs(g)), np.max(np.abs(numeric)), 1e-12)
    return float(np.max(np.abs(g - numeric)) / scale)
