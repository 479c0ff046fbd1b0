"""optlib.check: a reader's rule against the library's, and the diagnosis of the usual slips."""

import numpy as np
import pytest

from optlib import SGD, AdaGrad, Adam, Momentum, RMSProp
from optlib.check import assert_rule_matches, compare_rule


def adam_rule(bias_correction=True, eps_inside=False):
    def rule(theta, g, memory, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
        t = memory["t"]
        memory["m"] = b1 * memory.get("m", 0.0) + (1 - b1) * g
        memory["v"] = b2 * memory.get("v", 0.0) + (1 - b2) * g**2
        m, v = memory["m"], memory["v"]
        if bias_correction:
            m, v = m / (1 - b1**t), v / (1 - b2**t)
        denom = np.sqrt(v + eps) if eps_inside else np.sqrt(v) + eps
        return theta - lr * m / denom

    return rule


def test_correct_rules_match():
    assert_rule_matches(lambda th, g, mem: th - 0.1 * g, SGD(learning_rate=0.1))
    assert_rule_matches(adam_rule(), Adam(learning_rate=0.01))

    def adagrad(theta, g, memory, lr=0.1, eps=1e-10):
        memory["G"] = memory.get("G", 0.0) + g * g
        return theta - lr * g / (np.sqrt(memory["G"]) + eps)

    assert_rule_matches(adagrad, AdaGrad(learning_rate=0.1))

    def rmsprop(theta, g, memory, lr=0.01, alpha=0.99, eps=1e-8):
        memory["v"] = alpha * memory.get("v", 0.0) + (1 - alpha) * g * g
        return theta - lr * g / (np.sqrt(memory["v"]) + eps)

    assert_rule_matches(rmsprop, RMSProp(learning_rate=0.01))


def test_missing_bias_correction_is_a_scale_factor_at_step_one():
    result = compare_rule(adam_rule(bias_correction=False), Adam(learning_rate=0.01))
    assert not result.ok and result.step == 1
    assert "times" in result.message and "bias correction" in result.message


def test_eps_inside_the_root_is_caught_on_small_gradients():
    result = compare_rule(adam_rule(eps_inside=True), Adam(learning_rate=0.01, eps=1e-3))
    assert not result.ok and result.step == 1


def test_sign_flip():
    result = compare_rule(lambda th, g, mem: th + 0.1 * g, SGD(learning_rate=0.1))
    assert result.step == 1 and "opposite sign" in result.message


def test_a_buffer_not_carried_shows_at_step_two():
    def forgetful(theta, g, memory, lr=0.1, mu=0.9):
        b = mu * memory.get("b", 0.0) + g
        return theta - lr * b

    result = compare_rule(forgetful, Momentum(learning_rate=0.1))
    assert result.step == 2 and "agree for 1 step" in result.message
    assert "carried between steps" in result.message


def test_in_place_update_is_reported():
    def in_place(theta, g, memory):
        theta -= 0.1 * g
        return theta

    result = compare_rule(in_place, SGD(learning_rate=0.1))
    assert not result.ok and "in place" in result.message


def test_nan_is_reported():
    with np.errstate(divide="ignore"):
        result = compare_rule(lambda th, g, mem: th - g / 0.0, SGD(learning_rate=0.1))
    assert not result.ok and "NaN or inf" in result.message


def test_assert_rule_matches_raises_with_the_explanation():
    with pytest.raises(AssertionError, match="differ at step 1"):
        assert_rule_matches(lambda th, g, mem: th - 0.2 * g, SGD(learning_rate=0.1))


def test_rule_must_be_callable():
    with pytest.raises(TypeError, match="rule"):
        compare_rule("theta - lr * g", SGD())


def test_eps_inside_the_root_with_a_tiny_eps_points_at_epsilon():
    def adagrad_eps_inside(theta, g, memory, lr=0.1, eps=1e-10):
        memory["G"] = memory.get("G", 0.0) + g * g
        return theta - lr * g / np.sqrt(memory["G"] + eps)

    result = compare_rule(adagrad_eps_inside, AdaGrad(learning_rate=0.1), rtol=1e-12, atol=0)
    assert not result.ok and "epsilon" in result.message
