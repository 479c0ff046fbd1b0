"""optlib.check: a reader's rule against the library's, and the diagnosis of the usual slips."""

import numpy as np
import pytest

from optlib import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
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


# --------------------------------------------------------------------------------------------
# The three wrong answers of the issue, and the other slips, with their exact messages
# --------------------------------------------------------------------------------------------

OLD_BUFFER = (
    "Your step uses the buffer before updating it: it matches the step the library would take "
    "with its previous buffer (zero before the first step). Add this step's gradient to the "
    "buffer first, then step with the new buffer."
)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"steps": 0}, ValueError, "steps"),
        ({"size": 0}, ValueError, "size"),
        ({"rtol": float("inf")}, ValueError, "rtol"),
        ({"atol": float("inf")}, ValueError, "atol"),
        ({"rtol": -1e-7}, ValueError, "rtol"),
        ({"steps": 2.5}, TypeError, "steps"),
        ({"seed": -1}, ValueError, "seed"),
        ({"params": []}, ValueError, "params"),
        ({"params": [0.0, float("nan")]}, ValueError, "params"),
    ],
)
def test_arguments_that_would_report_a_vacuous_match_are_refused(kwargs, error, name):
    # Each of these used to come back "matches": 0 steps or 0 parameters compare nothing, an
    # infinite tolerance accepts anything.
    def wrong(th, g, mem):
        return th + 1.0

    with pytest.raises(error, match=name):
        compare_rule(wrong, SGD(learning_rate=0.1), **kwargs)


def test_a_rule_that_forgets_return_is_told_so():
    def no_return(theta, g, memory):
        theta - 0.1 * g  # noqa: B018 -- the slip under test

    result = compare_rule(no_return, SGD(learning_rate=0.1))
    assert not result.ok and result.step == 1 and result.got is None
    assert result.message == (
        "Your rule returned None at step 1: it probably forgot `return` (end it with "
        "return params - ...)."
    )


def test_a_step_with_the_old_momentum_buffer_is_diagnosed():
    def late(theta, g, memory, lr=0.1, mu=0.9):
        step = theta - lr * memory.get("b", 0.0)  # the buffer before this step's update
        memory["b"] = mu * memory.get("b", 0.0) + g
        return step

    result = compare_rule(late, Momentum(learning_rate=0.1))
    assert not result.ok and result.step == 1
    assert result.message.splitlines()[-1] == "  " + OLD_BUFFER
    assert "did not move" not in result.message


def test_the_old_buffer_in_nesterov_is_diagnosed_with_its_factor():
    def slipped(theta, g, memory, lr=0.1, mu=0.9):
        step = g + mu * memory.get("b", 0.0)  # the old buffer
        memory["b"] = mu * memory.get("b", 0.0) + g
        return theta - lr * step

    result = compare_rule(slipped, Nesterov(learning_rate=0.1, momentum=0.9))
    assert result.step == 1
    last = result.message.splitlines()[-1]
    assert last == "  " + OLD_BUFFER + (
        " (Your update is the library's times 0.526316 on every coordinate.)"
    )


def test_the_old_buffer_in_rmsprop_with_momentum_is_diagnosed():
    def late(theta, g, memory, lr=0.01, alpha=0.99, mu=0.9, eps=1e-8):
        memory["v"] = alpha * memory.get("v", 0.0) + (1 - alpha) * g**2
        step = theta - lr * memory.get("b", 0.0)
        memory["b"] = mu * memory.get("b", 0.0) + g / (np.sqrt(memory["v"]) + eps)
        return step

    result = compare_rule(late, RMSProp(learning_rate=0.01, momentum=0.9))
    assert result.step == 1 and OLD_BUFFER in result.message


def test_a_rule_that_returns_params_unchanged_did_not_move():
    result = compare_rule(lambda th, g, mem: th.copy(), Momentum(learning_rate=0.1))
    assert result.step == 1
    assert "did not move the parameters" in result.message
    assert "buffer before updating" not in result.message


def test_a_forgotten_buffer_is_the_step_from_a_fresh_start():
    def forgetful(theta, g, memory, lr=0.1, mu=0.9):
        return theta - lr * (mu * memory.get("b", 0.0) + g)

    result = compare_rule(forgetful, Momentum(learning_rate=0.1))
    assert result.step == 2
    assert "Your step 2 is the step the library takes from a fresh start" in result.message


def test_a_constant_factor_near_one_is_a_factor_not_epsilon():
    result = compare_rule(lambda th, g, mem: th - 0.10005 * g, SGD(learning_rate=0.1))
    assert result.step == 1 and "times 1.0005" in result.message
    assert "epsilon" not in result.message


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (lambda th, g, mem: (th - 0.1 * g)[:-1], "returned shape (4,) at step 1; params have"),
        (lambda th, g, mem: np.round(th - 0.1 * g).astype(int), "dtype int64 at step 1"),
        (lambda th, g, mem: [str(v) for v in th], "dtype <U"),
        (lambda th, g, mem: float(th.sum()), "returned shape () at step 1"),
    ],
    ids=["short", "int", "strings", "scalar"],
)
def test_a_rule_returning_the_wrong_thing(rule, text):
    result = compare_rule(rule, SGD(learning_rate=0.1))
    assert not result.ok and result.step == 1 and text in result.message


def test_an_optimizer_class_instead_of_an_instance():
    with pytest.raises(
        TypeError, match=r"optimizer must be an optimizer, an instance; got the class SGD"
    ):
        compare_rule(lambda th, g, mem: th - 0.1 * g, SGD)


def test_params_are_copied_and_used():
    p = np.array([1.0, -2.0, 3.0])
    result = compare_rule(lambda th, g, mem: th - 0.1 * g, SGD(learning_rate=0.1), params=p)
    assert result.ok and p.tolist() == [1.0, -2.0, 3.0]
