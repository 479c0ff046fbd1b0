r"""scikit-learn compatible classifiers trained by optlib's own optimizers.

:class:`SoftmaxRegression` and :class:`MLPClassifier` wrap the models of :mod:`optlib.models`
and the loop of :func:`optlib.train.fit` in scikit-learn's estimator interface, so that
``GridSearchCV``, ``RandomizedSearchCV``, ``HalvingRandomSearchCV``, ``cross_val_score`` and
``clone`` work on them (chapter 9)::

    from sklearn.model_selection import RandomizedSearchCV
    from scipy.stats import loguniform
    search = RandomizedSearchCV(
        SoftmaxRegression(random_state=0),
        {"learning_rate": loguniform(1e-3, 1), "momentum": [0.5, 0.9, 0.99]},
        n_iter=10, cv=3, random_state=0,
    )

They follow scikit-learn's conventions: ``__init__`` stores its arguments verbatim (so
``get_params``/``set_params`` and ``clone`` work), every check happens in ``fit`` (a
``ValueError`` that names the parameter and its value), ``fit`` returns ``self`` and what is
learned ends with an underscore.

The optimizer is chosen by name and configured by *flat* hyperparameters. Each optimizer uses
the hyperparameters of its row below and ignores the others, so one search space can mix
optimizers (``{"optimizer": ["momentum", "adam"], "momentum": [...], "beta1": [...]}``):

===========  ==============================================  ====================================
optimizer    hyperparameters used                            optlib class
===========  ==============================================  ====================================
"sgd"        learning_rate, weight_decay                     :class:`~optlib.optimizers.SGD`
"momentum"   learning_rate, momentum, weight_decay           :class:`~optlib.optimizers.Momentum`
"nesterov"   learning_rate, momentum (> 0), weight_decay     :class:`~optlib.optimizers.Nesterov`
"adagrad"    learning_rate, eps, weight_decay                :class:`~optlib.optimizers.AdaGrad`
"rmsprop"    learning_rate, eps, weight_decay                :class:`~optlib.optimizers.RMSProp`
"adam"       learning_rate, beta1, beta2, eps, weight_decay  :class:`~optlib.optimizers.Adam`
"adamw"      learning_rate, beta1, beta2, eps, weight_decay  :class:`~optlib.optimizers.AdamW`
"adadelta"   learning_rate, eps, weight_decay                :class:`~optlib.beyond_adam.Adadelta`
"adamax"     learning_rate, beta1, beta2, eps, weight_decay  :class:`~optlib.beyond_adam.Adamax`
"nadam"      learning_rate, beta1, beta2, eps, weight_decay  :class:`~optlib.beyond_adam.NAdam`
"radam"      learning_rate, beta1, beta2, eps, weight_decay  :class:`~optlib.beyond_adam.RAdam`
"lion"       learning_rate, beta1, beta2, weight_decay       :class:`~optlib.beyond_adam.Lion`
"adafactor"  learning_rate, weight_decay                     :class:`~optlib.beyond_adam.Adafactor`
"muon"       learning_rate, momentum, weight_decay; the      :class:`~optlib.beyond_adam.Muon`
             biases: beta1, beta2, eps                       and :class:`~optlib.optimizers.AdamW`
===========  ==============================================  ====================================

``eps=None`` and ``weight_decay=None`` mean "the optimizer's own default" (eps is 1e-10 for
AdaGrad, 1e-6 for Adadelta and 1e-8 for the others; weight decay is 0, except 1e-2 for AdamW
and 0.1 for Muon).
The other options of the optimizers (RMSProp's ``alpha`` and ``centered``, AMSGrad, dampening,
Adadelta's ``rho``, ...) keep their defaults here; use :func:`optlib.train.fit` with an
optimizer object to change them.

Adafactor and Muon treat each weight matrix apart, so the estimators give them the model's
blocks (:class:`~optlib.blocks.Blocks`): "adafactor" is one Adafactor per weight matrix and
bias vector, and "muon" steps the weight matrices with Muon and the biases with AdamW at the
same learning rate, as torch's documentation of Muon advises.

**Divergence.** A learning rate that is too large makes the loss overflow. Then ``fit`` does
not raise: training stops at that step with a :class:`RuntimeWarning` carrying the message of
:func:`optlib.train.fit`, ``diverged_`` is True, and the estimator keeps the last finite
parameters, so ``predict`` and ``score`` still work (the score is simply poor). A search over
learning rates therefore ranks a divergent candidate low instead of crashing.

Reference: Buitinck et al. (2013), "API design for machine learning software: experiences from
the scikit-learn project", ECML PKDD workshop.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from optlib import _checks, models
from optlib.beyond_adam import Adadelta, Adafactor, Adamax, Lion, Muon, NAdam, RAdam
from optlib.blocks import Blocks
from optlib.optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp
from optlib.train import fit as _train

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def validate_data(estimator, /, X="no_validation", y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)


__all__ = ["MLPClassifier", "SoftmaxRegression"]

# optimizer name -> (class, the estimator's hyperparameters it takes)
_OPTIMIZERS = {
    "sgd": (SGD, ("learning_rate", "weight_decay")),
    "momentum": (Momentum, ("learning_rate", "momentum", "weight_decay")),
    "nesterov": (Nesterov, ("learning_rate", "momentum", "weight_decay")),
    "adagrad": (AdaGrad, ("learning_rate", "eps", "weight_decay")),
    "rmsprop": (RMSProp, ("learning_rate", "eps", "weight_decay")),
    "adam": (Adam, ("learning_rate", "beta1", "beta2", "eps", "weight_decay")),
    "adamw": (AdamW, ("learning_rate", "beta1", "beta2", "eps", "weight_decay")),
    "adadelta": (Adadelta, ("learning_rate", "eps", "weight_decay")),
    "adamax": (Adamax, ("learning_rate", "beta1", "beta2", "eps", "weight_decay")),
    "nadam": (NAdam, ("learning_rate", "beta1", "beta2", "eps", "weight_decay")),
    "radam": (RAdam, ("learning_rate", "beta1", "beta2", "eps", "weight_decay")),
    "lion": (Lion, ("learning_rate", "beta1", "beta2", "weight_decay")),
    "adafactor": (Adafactor, ("learning_rate", "weight_decay")),
    "muon": (Muon, ("learning_rate", "momentum", "weight_decay")),
}
_ADAMW_FOR_BIASES = ("learning_rate", "beta1", "beta2", "eps", "weight_decay")


def _for_model(optimizer, model, estimator):
    """The optimizer to train ``model`` with: the rules that see matrices get its blocks."""
    if isinstance(optimizer, Adafactor):
        return Blocks(model.shapes, (optimizer,) * len(model.shapes))
    if isinstance(optimizer, Muon):
        kwargs = {name: getattr(estimator, name) for name in _ADAMW_FOR_BIASES}
        biases = AdamW(**{k: v for k, v in kwargs.items() if v is not None})
        return Blocks.by_ndim(model.shapes, matrix=optimizer, vector=biases)
    return optimizer


# --------------------------------------------------------------------------------------------
# The shared estimator
# --------------------------------------------------------------------------------------------


class _OptlibClassifier(ClassifierMixin, BaseEstimator):
    """fit / predict / predict_proba for a classifier of :mod:`optlib.models`.

    Subclasses define ``__init__`` (the parameters, stored verbatim) and ``_make_model``.
    """

    def _check_model_params(self) -> None:
        """Check the subclass's own parameters (called first thing in ``fit``)."""

    def _make_model(self, n_features: int, n_classes: int):  # pragma: no cover
        raise NotImplementedError

    def _make_optimizer(self):
        """The optlib optimizer named by ``optimizer``, from the hyperparameters it uses."""
        if not isinstance(self.optimizer, str):
            raise TypeError(
                f"optimizer must be one of {sorted(_OPTIMIZERS)} (a name, not an object); "
                f"got {self.optimizer!r}"
            )
        _checks.one_of("optimizer", self.optimizer, sorted(_OPTIMIZERS))
        _checks.real("learning_rate", self.learning_rate, low=0, low_open=True)
        _checks.real("momentum", self.momentum, low=0, high=1, high_open=True)
        _checks.real("beta1", self.beta1, low=0, high=1, high_open=True)
        _checks.real("beta2", self.beta2, low=0, high=1, high_open=True)
        if self.eps is not None:
            _checks.real("eps", self.eps, low=0, low_open=True)
        if self.weight_decay is not None:
            _checks.real("weight_decay", self.weight_decay, low=0)
        if self.optimizer == "nesterov" and self.momentum == 0:
            raise ValueError("optimizer='nesterov' needs momentum > 0; got momentum=0")
        cls, uses = _OPTIMIZERS[self.optimizer]
        kwargs = {name: getattr(self, name) for name in uses}
        return cls(**{k: v for k, v in kwargs.items() if v is not None})

    def fit(self, X, y):
        """Train on ``(X, y)`` from freshly initialised parameters; returns ``self``.

        ``fit`` either completes or leaves the estimator exactly as it was: an error, or an
        interruption (Ctrl-C, Jupyter's stop button, which raises KeyboardInterrupt here
        once the current step is done), restores every attribute, so a refit that is
        stopped halfway never pairs new ``classes_`` with the old model.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
            Class labels of any type ``numpy.unique`` can sort (ints, strings, ...); at least
            two classes.
        """
        before = dict(self.__dict__)
        try:
            return self._fit(X, y)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit(self, X, y):
        self._check_model_params()
        optimizer = self._make_optimizer()
        batch_size = _checks.positive_int("batch_size", self.batch_size)
        epochs = _checks.positive_int("epochs", self.epochs)
        rng = _checks.as_rng(self.random_state, "random_state")
        progress = _checks.flag("progress", self.progress)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes to learn from; got 1 class "
                f"({classes[0]!r})"
            )
        model = self._make_model(X.shape[1], len(classes))
        optimizer = _for_model(optimizer, model, self)
        history = _train(
            model,
            optimizer,
            X,
            y_index,
            batch_size=batch_size,
            epochs=epochs,
            rng=rng,
            progress=progress,
        )
        if history.interrupted:  # fit() restores the estimator as it was
            raise KeyboardInterrupt(history.message)
        # scikit-learn's convention: the fitted attributes appear together, at the end.
        self.classes_ = classes
        self.model_ = model
        self.optimizer_ = optimizer
        self.history_ = history
        self.params_ = history.params
        self.loss_curve_ = list(history.epoch_loss)
        self.n_iter_ = len(history.epoch_loss)
        self.diverged_ = history.diverged
        self._set_weights()
        return self

    def _set_weights(self) -> None:
        """Named views of ``params_`` (``coef_`` and friends) for the subclass."""

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape ``(n_samples, n_classes)``, columns in ``classes_`` order."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with self._quiet_if_diverged():
            return self.model_.predict_proba(self.params_, X)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each example (a label from ``classes_``)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with self._quiet_if_diverged():
            return self.classes_[self.model_.predict(self.params_, X)]

    def _quiet_if_diverged(self):
        """After a divergence (already reported by ``fit``) the last finite parameters may be
        huge: silence NumPy's overflow warnings instead of repeating the news at each call."""
        if self.diverged_:
            return np.errstate(over="ignore", invalid="ignore")
        return contextlib.nullcontext()


class SoftmaxRegression(_OptlibClassifier):
    r"""Multinomial logistic regression trained by an optlib optimizer.

    The model is :class:`optlib.models.LinearClassifier`: class probabilities
    :math:`p = \mathrm{softmax}(W^\top x + b)` and the mean cross-entropy loss
    :math:`-\frac1n\sum_i \log p_{i, y_i}`, minimised by mini-batch steps of the chosen
    optimizer (:func:`optlib.train.fit`). Unlike scikit-learn's ``LogisticRegression`` it keeps
    one output per class even for two classes, so ``coef_`` always has ``n_classes`` rows.

    Reference: Bishop (2006), *Pattern Recognition and Machine Learning*, section 4.3.4.

    Parameters
    ----------
    optimizer : str, default "momentum"
        The optlib optimizer: "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
        "adamw", "adadelta", "adamax", "nadam", "radam", "lion", "adafactor" or "muon"; see
        the table in :mod:`optlib.estimators` for the hyperparameters each one uses (the
        others are ignored).
    learning_rate : float, default 0.1
        :math:`\eta > 0`.
    momentum : float, default 0.9
        :math:`\beta \in [0, 1)`, the momentum coefficient; "momentum", "nesterov" (which
        needs it > 0) and "muon" (whose own default is 0.95) only.
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, the decay rate of the first moment (for "lion", the
        weight of the momentum in the sign); the Adam family, "lion" and the biases under
        "muon" only.
    beta2 : float, default 0.999
        :math:`\beta_2 \in [0, 1)`, the decay rate of the second moment (for "lion", of the
        momentum, and Lion's own default is 0.99); the Adam family, "lion" and the biases
        under "muon" only.
    eps : float, optional
        :math:`\epsilon > 0`, added to the denominator of the adaptive methods; None
        (default): the optimizer's own default.
    weight_decay : float, optional
        :math:`\lambda \ge 0`, the L2 penalty (decoupled for "adamw", "lion", "adafactor" and
        "muon"); None (default): the optimizer's own default (0; 1e-2 for AdamW and for the
        biases under "muon", 0.1 for Muon's weight matrices).
    batch_size : int, default 32
        Examples per step (the last batch of an epoch may be smaller).
    epochs : int, default 30
        Passes over the training data.
    random_state : None, int, numpy.random.Generator or RandomState, default None
        Seeds the initial parameters and the shuffling: the same int gives the same model;
        None draws fresh entropy at each ``fit``.
    progress : bool, default False
        Show :func:`optlib.train.fit`'s progress bar.

    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
        The sorted class labels; column ``j`` of :meth:`predict_proba` is ``classes_[j]``.
    coef_ : ndarray, shape (n_classes, n_features)
        The weights :math:`W^\top` (a view into ``params_``).
    intercept_ : ndarray, shape (n_classes,)
        The biases :math:`b`.
    params_ : ndarray
        The learned flat parameter vector (the last finite one if training diverged).
    model_ : optlib.models.LinearClassifier
        The model, e.g. for ``model_.loss(params_, X, np.searchsorted(classes_, y))``.
    optimizer_ : optlib optimizer
        The optimizer that was used, with all its hyperparameters (for "adafactor" and "muon",
        the :class:`~optlib.blocks.Blocks` that pair each block of the model with its own).
    loss_curve_ : list of float
        The mean training loss of each completed epoch.
    n_iter_ : int
        Epochs completed (``epochs`` unless training diverged).
    diverged_ : bool
        True if training stopped because the loss or the parameters became NaN or inf.
    history_ : optlib.train.History
        Everything :func:`optlib.train.fit` recorded (loss per step, time per epoch, ...).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> from optlib.datasets import load_iris
    >>> X, y = load_iris()
    >>> clf = SoftmaxRegression(learning_rate=0.1, momentum=0.9, random_state=0).fit(X, y)
    >>> clf.coef_.shape, clf.n_iter_, clf.score(X, y) >= 0.95
    ((3, 4), 30, True)
    >>> clf.predict(X[:2]).tolist(), clf.predict_proba(X[:1]).shape
    ([0, 0], (1, 3))
    """

    def __init__(
        self,
        *,
        optimizer="momentum",
        learning_rate=0.1,
        momentum=0.9,
        beta1=0.9,
        beta2=0.999,
        eps=None,
        weight_decay=None,
        batch_size=32,
        epochs=30,
        random_state=None,
        progress=False,
    ):
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state
        self.progress = progress

    def _make_model(self, n_features, n_classes):
        return models.LinearClassifier(n_features=n_features, n_classes=n_classes)

    def _set_weights(self):
        W, b = self.model_.unpack(self.params_)
        self.coef_, self.intercept_ = W.T, b


_ACTIVATIONS = ("relu", "tanh")


class MLPClassifier(_OptlibClassifier):
    r"""A multi-layer perceptron classifier trained by an optlib optimizer.

    The model is :class:`optlib.models.MLP`: ReLU or tanh hidden layers, a softmax output and
    the mean cross-entropy loss, with initial weights drawn from ``random_state``; it is
    minimised by mini-batch steps of the chosen optimizer
    (:func:`optlib.train.fit`). scikit-learn's ``sklearn.neural_network.MLPClassifier`` is the
    peer it is measured against (its Adam puts epsilon where Keras does, chapter 6).

    Reference: Rumelhart, Hinton & Williams (1986), "Learning representations by
    back-propagating errors", Nature 323.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (32,)
        Widths of the hidden layers (an int means one layer; ``()`` gives a linear model).
    activation : {"relu", "tanh"}, default "relu"
        The nonlinearity of the hidden layers: :math:`\max(z, 0)` or :math:`\tanh z`.
    optimizer : str, default "adam"
        The optlib optimizer, one of the names of :class:`SoftmaxRegression`; see the table in
        :mod:`optlib.estimators` for the hyperparameters each one uses (the others are
        ignored).
    learning_rate : float, default 0.01
        :math:`\eta > 0`.
    momentum : float, default 0.9
        :math:`\beta \in [0, 1)`, the momentum coefficient; "momentum", "nesterov" (which
        needs it > 0) and "muon" (whose own default is 0.95) only.
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, the decay rate of the first moment (for "lion", the
        weight of the momentum in the sign); the Adam family, "lion" and the biases under
        "muon" only.
    beta2 : float, default 0.999
        :math:`\beta_2 \in [0, 1)`, the decay rate of the second moment (for "lion", of the
        momentum, and Lion's own default is 0.99); the Adam family, "lion" and the biases
        under "muon" only.
    eps : float, optional
        :math:`\epsilon > 0`, added to the denominator of the adaptive methods; None
        (default): the optimizer's own default.
    weight_decay : float, optional
        :math:`\lambda \ge 0`, the L2 penalty (decoupled for "adamw", "lion", "adafactor" and
        "muon"); None (default): the optimizer's own default (0; 1e-2 for AdamW and for the
        biases under "muon", 0.1 for Muon's weight matrices).
    batch_size : int, default 32
        Examples per step (the last batch of an epoch may be smaller).
    epochs : int, default 30
        Passes over the training data.
    random_state : None, int, numpy.random.Generator or RandomState, default None
        Seeds the initial parameters and the shuffling: the same int gives the same model;
        None draws fresh entropy at each ``fit``.
    progress : bool, default False
        Show :func:`optlib.train.fit`'s progress bar.
    init : {"glorot", "he", "lecun"}, default "glorot"
        How the initial weights are drawn (see :class:`optlib.models.MLP`); biases start at
        zero. "glorot": uniform on :math:`\pm\sqrt{6 / (\text{fan-in} + \text{fan-out})}`,
        variance :math:`2 / (\text{fan-in} + \text{fan-out})` (Glorot & Bengio 2010);
        "he": :math:`\mathcal N(0, 2/\text{fan-in})` (He et al. 2015); "lecun":
        :math:`\mathcal N(0, 1/\text{fan-in})` (LeCun et al. 1998). "glorot" is
        scikit-learn's: against its ``MLPClassifier`` (``benchmarks/bench_training.py``),
        He's normal weights left optlib's Adam behind in short runs, and started from this
        initialization it matched.

    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
        The sorted class labels; column ``j`` of :meth:`predict_proba` is ``classes_[j]``.
    coefs_ : list of ndarray
        The weight matrix of each layer, shape ``(fan_in, fan_out)`` (views into
        ``params_``).
    intercepts_ : list of ndarray
        The bias vector of each layer (views into ``params_``).
    params_ : ndarray
        The learned flat parameter vector (the last finite one if training diverged).
    model_ : optlib.models.MLP
        The model, e.g. for ``model_.loss(params_, X, np.searchsorted(classes_, y))``.
    optimizer_ : optlib optimizer
        The optimizer that was used, with all its hyperparameters (for "adafactor" and "muon",
        the :class:`~optlib.blocks.Blocks` that pair each block of the model with its own).
    loss_curve_ : list of float
        The mean training loss of each completed epoch.
    n_iter_ : int
        Epochs completed (``epochs`` unless training diverged).
    diverged_ : bool
        True if training stopped because the loss or the parameters became NaN or inf.
    history_ : optlib.train.History
        Everything :func:`optlib.train.fit` recorded (loss per step, time per epoch, ...).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> from optlib.datasets import load_iris
    >>> X, y = load_iris()
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), random_state=0).fit(X, y)
    >>> [W.shape for W in clf.coefs_], clf.score(X, y) >= 0.95
    ([(4, 16), (16, 3)], True)
    """

    def __init__(
        self,
        *,
        hidden_layer_sizes=(32,),
        activation="relu",
        optimizer="adam",
        learning_rate=0.01,
        momentum=0.9,
        beta1=0.9,
        beta2=0.999,
        eps=None,
        weight_decay=None,
        batch_size=32,
        epochs=30,
        random_state=None,
        progress=False,
        init="glorot",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state
        self.progress = progress
        self.init = init

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        try:
            return tuple(_checks.positive_int("hidden_layer_sizes", h) for h in sizes)
        except (TypeError, ValueError):
            raise ValueError(
                "hidden_layer_sizes must be a tuple of positive integers; "
                f"got {self.hidden_layer_sizes!r}"
            ) from None

    def _check_model_params(self):
        self._hidden_sizes()
        _checks.one_of("activation", self.activation, _ACTIVATIONS)
        _checks.one_of("init", self.init, ("glorot", "he", "lecun"))

    def _make_model(self, n_features, n_classes):
        return models.MLP(
            n_features,
            hidden=self._hidden_sizes(),
            n_outputs=n_classes,
            activation=self.activation,
            init=self.init,
        )

    def _set_weights(self):
        layers = self.model_.unpack(self.params_)
        self.coefs_, self.intercepts_ = layers[0::2], layers[1::2]
