"""optlib.objectives: values, gradients, minimisers, grids and windows of the test functions."""

import math

import numpy as np
import pytest

from optlib import Beale, Booth, Himmelblau, Quadratic, Rosenbrock, Saddle

# Objectives with a minimiser, by name; the quadratics cover the default axes, a rotation by
# angle, a random rotation from rng in 3-D, and from_condition_number.
WITH_MINIMUM = {
    "quadratic": Quadratic([1.0, 10.0]),
    "quadratic-shifted-rotated": Quadratic([1.0, 10.0], minimizer=[1.0, -2.0], angle=0.5),
    "quadratic-3d-random-rotation": Quadratic([1.0, 4.0, 9.0], minimizer=[1.0, -2.0, 0.5], rng=0),
    "quadratic-kappa-100": Quadratic.from_condition_number(100.0, minimizer=[0.5, 0.5]),
    "rosenbrock": Rosenbrock(),
    "rosenbrock-a0.5-b10": Rosenbrock(a=0.5, b=10.0),
    "beale": Beale(),
    "himmelblau": Himmelblau(),
    "booth": Booth(),
}
ALL = {**WITH_MINIMUM, "saddle": Saddle(), "saddle-curvature-3": Saddle(curvature=3.0)}

with_minimum = pytest.mark.parametrize("f", WITH_MINIMUM.values(), ids=WITH_MINIMUM.keys())
every_objective = pytest.mark.parametrize("f", ALL.values(), ids=ALL.keys())


def minimisers(f):
    return list(getattr(f, "minimizers", [f.minimizer]))


def central_differences(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f.value(x + e) - f.value(x - e)) / (2 * h)
    return grad


def random_points(f, n, seed=0):
    """n points drawn uniformly in the plotting window (2-D) or around the minimiser."""
    rng = np.random.default_rng(seed)
    if f.dim == 2:
        (x0, x1), (y0, y1) = f.window
        return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    return f.minimizer + 2.0 * rng.standard_normal((n, f.dim))


# --------------------------------------------------------------------------------------------
# Minimiser, gradient, finite differences
# --------------------------------------------------------------------------------------------


@with_minimum
def test_value_at_the_minimiser_is_min_value(f):
    for m in minimisers(f):
        assert f.value(m) == pytest.approx(f.min_value, abs=1e-12)
    assert f.value(f.minimizer) == f.min_value == 0.0


@with_minimum
def test_gradient_vanishes_at_the_minimiser(f):
    for m in minimisers(f):
        np.testing.assert_allclose(f.grad(m), np.zeros(f.dim), atol=1e-12)


@with_minimum
def test_the_minimiser_is_lower_than_its_neighbours(f):
    rng = np.random.default_rng(1)
    for m in minimisers(f):
        for _ in range(10):
            assert f.value(m + 1e-3 * rng.standard_normal(f.dim)) > f.min_value


@every_objective
def test_gradient_matches_central_differences(f):
    for x in random_points(f, 8):
        fd = central_differences(f, x)
        scale = 1.0 + abs(f.value(x))
        np.testing.assert_allclose(f.grad(x), fd, rtol=1e-6, atol=1e-7 * scale)


@every_objective
def test_value_is_a_float_and_grad_an_array_for_one_point(f):
    x = random_points(f, 1)[0]
    assert isinstance(f.value(x), float)
    assert f(x) == f.value(x)
    g = f.grad(x)
    assert isinstance(g, np.ndarray) and g.shape == (f.dim,)


@every_objective
def test_accepts_lists(f):
    x = random_points(f, 1)[0]
    assert f.value(x.tolist()) == f.value(x)
    np.testing.assert_array_equal(f.grad(x.tolist()), f.grad(x))


# --------------------------------------------------------------------------------------------
# A whole grid in one call (coordinates on the first axis)
# --------------------------------------------------------------------------------------------


def grid(f, shape=(5, 7)):
    """Coordinates of shape (dim, H, W): a meshgrid over the window, or random points."""
    if f.dim == 2:
        (x0, x1), (y0, y1) = f.window
        X, Y = np.meshgrid(np.linspace(x0, x1, shape[1]), np.linspace(y0, y1, shape[0]))
        return np.stack([X, Y])
    return np.random.default_rng(2).standard_normal((f.dim, *shape))


@every_objective
def test_value_on_a_grid_matches_pointwise_calls(f):
    xy = grid(f)
    Z = f.value(xy)
    assert Z.shape == (5, 7)
    expected = [[f.value(xy[:, i, j]) for j in range(7)] for i in range(5)]
    np.testing.assert_allclose(Z, expected, rtol=1e-13, atol=1e-13)


@every_objective
def test_grad_on_a_grid_matches_pointwise_calls(f):
    xy = grid(f)
    G = f.grad(xy)
    assert G.shape == (f.dim, 5, 7)
    for i in range(5):
        for j in range(7):
            np.testing.assert_allclose(G[:, i, j], f.grad(xy[:, i, j]), rtol=1e-13, atol=1e-13)


@every_objective
def test_value_on_a_batch_of_points(f):
    points = random_points(f, 6)  # (6, dim): one point per row, so pass the transpose
    np.testing.assert_allclose(f.value(points.T), [f.value(p) for p in points], rtol=1e-13)


# --------------------------------------------------------------------------------------------
# Windows
# --------------------------------------------------------------------------------------------


def inside(window, point):
    (x0, x1), (y0, y1) = window
    return x0 < point[0] < x1 and y0 < point[1] < y1


@with_minimum
def test_window_contains_the_minimisers(f):
    assert len(f.window) == 2 and all(lo < hi for lo, hi in f.window)
    for m in minimisers(f):
        assert inside(f.window, m), m


def test_quadratic_window_is_centred_on_the_minimiser():
    f = Quadratic([1.0, 2.0], minimizer=[4.0, -1.0])
    assert f.window == ((4.0 - 6.0, 4.0 + 6.0), (-1.0 - 6.0, -1.0 + 6.0))  # 1.5 * max |x*|


def test_saddle_window_contains_the_saddle_point():
    assert inside(Saddle().window, Saddle().saddle_point)


def test_himmelblau_has_four_distinct_minimisers():
    f = Himmelblau()
    assert f.minimizers.shape == (4, 2)
    np.testing.assert_array_equal(f.minimizer, [3.0, 2.0])
    assert len({tuple(np.round(m, 6)) for m in f.minimizers}) == 4
    for m in f.minimizers:
        assert abs(f.value(m)) < 1e-25


# --------------------------------------------------------------------------------------------
# Quadratic
# --------------------------------------------------------------------------------------------


class TestQuadratic:
    def test_values_by_hand(self):
        f = Quadratic([1.0, 10.0])
        assert f.value(np.array([1.0, 1.0])) == 0.5 * (1.0 * 1.0 + 10.0 * 1.0)  # 5.5
        np.testing.assert_array_equal(f.grad(np.array([1.0, 1.0])), [1.0, 10.0])
        g = Quadratic([2.0, 8.0], minimizer=[1.0, -1.0])
        assert g.value(np.array([2.0, -1.0])) == 0.5 * 2.0 * 1.0**2
        assert g.value(np.array([1.0, 0.0])) == 0.5 * 8.0 * 1.0**2
        np.testing.assert_array_equal(g.grad(np.array([3.0, 1.0])), [2.0 * 2.0, 8.0 * 2.0])

    def test_constants(self):
        f = Quadratic([10.0, 1.0, 4.0])
        assert (f.L, f.mu, f.condition_number) == (10.0, 1.0, 10.0)
        assert f.dim == 3
        np.testing.assert_allclose(np.linalg.eigvalsh(f.A), [1.0, 4.0, 10.0])
        np.testing.assert_array_equal(f.A, np.diag([10.0, 1.0, 4.0]))  # axis-aligned
        np.testing.assert_array_equal(f.minimizer, np.zeros(3))
        assert f.min_value == 0.0

    def test_rotation_by_angle(self):
        # Q = [[c, -s], [s, c]] with c = s = 1/sqrt(2): A = Q diag(1, 3) Q^T = [[2, -1], [-1, 2]]
        f = Quadratic([1.0, 3.0], angle=math.pi / 4)
        np.testing.assert_allclose(f.A, [[2.0, -1.0], [-1.0, 2.0]], atol=1e-15)
        # the flat direction (eigenvalue 1) is now the diagonal
        np.testing.assert_allclose(f.grad(np.array([1.0, 1.0])), [1.0, 1.0], atol=1e-15)
        assert f.condition_number == 3.0

    @pytest.mark.parametrize("angle", [0.0, 0.3, -1.2, math.pi])
    def test_rotation_keeps_the_eigenvalues(self, angle):
        f = Quadratic([1.0, 10.0], minimizer=[1.0, -2.0], angle=angle)
        np.testing.assert_allclose(np.linalg.eigvalsh(f.A), [1.0, 10.0])
        np.testing.assert_allclose(f.Q @ f.Q.T, np.eye(2), atol=1e-15)
        np.testing.assert_allclose(f.A, f.A.T)
        np.testing.assert_allclose(f.grad(f.minimizer), [0.0, 0.0])

    def test_random_rotation_from_rng(self):
        f = Quadratic([1.0, 4.0, 9.0], rng=7)
        np.testing.assert_allclose(np.linalg.eigvalsh(f.A), [1.0, 4.0, 9.0])
        np.testing.assert_allclose(f.Q @ f.Q.T, np.eye(3), atol=1e-14)
        np.testing.assert_allclose(f.A, f.A.T, atol=1e-14)
        assert not np.allclose(f.A, np.diag(np.diag(f.A)))  # really rotated
        np.testing.assert_array_equal(f.A, Quadratic([1.0, 4.0, 9.0], rng=7).A)  # seeded
        same = Quadratic([1.0, 4.0, 9.0], rng=np.random.default_rng(7))  # a Generator works
        np.testing.assert_array_equal(f.A, same.A)
        assert not np.allclose(f.A, Quadratic([1.0, 4.0, 9.0], rng=8).A)

    def test_angle_wins_over_rng(self):
        np.testing.assert_array_equal(
            Quadratic([1.0, 2.0], angle=0.3, rng=1).A, Quadratic([1.0, 2.0], angle=0.3).A
        )

    def test_from_condition_number(self):
        f = Quadratic.from_condition_number(100.0, dim=3)
        np.testing.assert_allclose(f.eigenvalues, [1.0, 10.0, 100.0])
        assert f.condition_number == pytest.approx(100.0)
        assert (f.mu, f.L) == (1.0, pytest.approx(100.0))
        g = Quadratic.from_condition_number(10.0)
        np.testing.assert_allclose(g.eigenvalues, [1.0, 10.0])
        assert Quadratic.from_condition_number(1.0, dim=1).condition_number == 1.0

    def test_from_condition_number_passes_options_on(self):
        f = Quadratic.from_condition_number(10.0, minimizer=[1.0, 2.0], angle=0.4)
        np.testing.assert_array_equal(f.minimizer, [1.0, 2.0])
        np.testing.assert_array_equal(f.A, Quadratic([1.0, 10.0], angle=0.4).A)

    def test_hessian_is_a_copy_of_A(self):
        f = Quadratic([1.0, 10.0], angle=0.2)
        H = f.hessian(np.zeros(2))
        np.testing.assert_array_equal(H, f.A)
        H[0, 0] = 99.0
        assert f.A[0, 0] != 99.0

    def test_grad_is_A_times_offset(self):
        f = WITH_MINIMUM["quadratic-3d-random-rotation"]
        x = np.array([0.3, -1.0, 2.0])
        np.testing.assert_allclose(f.grad(x), f.A @ (x - f.minimizer))
        z = x - f.minimizer
        assert f.value(x) == pytest.approx(0.5 * z @ f.A @ z)


# --------------------------------------------------------------------------------------------
# The classic surfaces, by hand
# --------------------------------------------------------------------------------------------


def test_rosenbrock_by_hand():
    f = Rosenbrock()
    assert f.value(np.array([0.0, 0.0])) == 1.0  # (1 - 0)^2 + 100 (0 - 0)^2
    assert f.value(np.array([-1.0, 2.0])) == 4.0 + 100.0 * 1.0
    np.testing.assert_array_equal(f.grad(np.array([0.0, 0.0])), [-2.0, 0.0])
    # df/dx = -2 (1 - x) - 400 x (y - x^2), df/dy = 200 (y - x^2) at (-1, 2)
    np.testing.assert_array_equal(f.grad(np.array([-1.0, 2.0])), [-4.0 + 400.0, 200.0])
    g = Rosenbrock(a=2.0, b=5.0)
    np.testing.assert_array_equal(g.minimizer, [2.0, 4.0])
    assert g.value(np.array([0.0, 0.0])) == 4.0


def test_beale_by_hand():
    f = Beale()
    # at (0, 0): 1.5^2 + 2.25^2 + 2.625^2
    assert f.value(np.array([0.0, 0.0])) == 1.5**2 + 2.25**2 + 2.625**2
    # at (1, 1): every residual is c_i - 1 + 1 = c_i
    assert f.value(np.array([1.0, 1.0])) == 1.5**2 + 2.25**2 + 2.625**2
    np.testing.assert_array_equal(f.minimizer, [3.0, 0.5])


def test_himmelblau_by_hand():
    f = Himmelblau()
    assert f.value(np.array([0.0, 0.0])) == 11.0**2 + 7.0**2
    np.testing.assert_array_equal(f.grad(np.array([0.0, 0.0])), [-14.0, -22.0])


def test_booth_by_hand():
    f = Booth()
    assert f.value(np.array([0.0, 0.0])) == 7.0**2 + 5.0**2
    np.testing.assert_array_equal(f.grad(np.array([0.0, 0.0])), [-14.0 - 20.0, -28.0 - 10.0])
    # its Hessian [[10, 8], [8, 10]] has eigenvalues 2 and 18: condition number 9
    hessian = np.column_stack([f.grad(e) - f.grad(np.zeros(2)) for e in np.eye(2)])
    np.testing.assert_allclose(hessian, [[10.0, 8.0], [8.0, 10.0]])
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [2.0, 18.0])


class TestSaddle:
    def test_no_minimiser_and_a_saddle_point_at_the_origin(self):
        f = Saddle()
        assert f.minimizer is None and f.min_value is None
        np.testing.assert_array_equal(f.saddle_point, [0.0, 0.0])
        assert f.value(f.saddle_point) == 0.0
        np.testing.assert_array_equal(f.grad(f.saddle_point), [0.0, 0.0])

    def test_up_along_x_down_along_y(self):
        f = Saddle(curvature=2.0)
        assert f.value(np.array([1.0, 0.0])) == 0.5
        assert f.value(np.array([0.0, 1.0])) == -1.0
        np.testing.assert_array_equal(f.grad(np.array([1.0, 1.0])), [1.0, -2.0])


# --------------------------------------------------------------------------------------------
# Bad inputs: ValueError (wrong value) or TypeError (wrong kind) naming the parameter
# --------------------------------------------------------------------------------------------

NAN = float("nan")

BAD_CONSTRUCTION = {
    "zero-eigenvalue": (lambda: Quadratic([1.0, 0.0]), r"eigenvalues must be finite and > 0"),
    "negative-eigenvalue": (lambda: Quadratic([1.0, -2.0]), r"eigenvalues must be finite"),
    "nan-eigenvalue": (lambda: Quadratic([1.0, NAN]), r"eigenvalues must be finite"),
    "no-eigenvalues": (lambda: Quadratic([]), r"eigenvalues"),
    "minimizer-too-long": (
        lambda: Quadratic([1.0, 2.0], minimizer=[0.0, 0.0, 0.0]),
        r"minimizer must be 2 finite numbers",
    ),
    "minimizer-too-short": (lambda: Quadratic([1.0, 2.0, 3.0], minimizer=[0.0]), r"minimizer"),
    "nan-minimizer": (lambda: Quadratic([1.0, 2.0], minimizer=[0.0, NAN]), r"minimizer"),
    "angle-on-3d": (lambda: Quadratic([1.0, 2.0, 3.0], angle=0.1), r"angle .*2-D.*got 3"),
    "kappa-below-1": (lambda: Quadratic.from_condition_number(0.5), r"kappa must be .*>= 1"),
    "kappa-nan": (lambda: Quadratic.from_condition_number(NAN), r"kappa"),
    "dim-0": (lambda: Quadratic.from_condition_number(10.0, dim=0), r"dim must be a positive"),
    "kappa-with-dim-1": (lambda: Quadratic.from_condition_number(10.0, dim=1), r"kappa=10"),
    "rosenbrock-b-0": (lambda: Rosenbrock(b=0.0), r"b must be a finite number > 0; got 0\.0"),
    "rosenbrock-a-nan": (lambda: Rosenbrock(a=NAN), r"a must be a finite number; got nan"),
    "saddle-curvature-0": (lambda: Saddle(curvature=0.0), r"curvature must be a finite number > 0"),
    "eigenvalues-2d": (lambda: Quadratic([[1.0, 2.0]]), r"eigenvalues must be 1-dimensional"),
    "angle-nan": (lambda: Quadratic([1.0, 2.0], angle=NAN), r"angle must be a finite"),
}

BAD_KIND = {
    "eigenvalues-strings": (
        lambda: Quadratic(["a", "b"]),
        r"eigenvalues must be an array of floats",
    ),
    "eigenvalues-complex": (lambda: Quadratic([1.0 + 1j, 2.0]), r"eigenvalues must be an array"),
    "dim-not-integer": (lambda: Quadratic.from_condition_number(10.0, dim=2.5), r"dim"),
    "rosenbrock-a-string": (lambda: Rosenbrock(a="1"), r"a must be a real number"),
    "angle-string": (lambda: Quadratic([1.0, 2.0], angle="30deg"), r"angle must be a real"),
    "rng-string": (lambda: Quadratic([1.0, 2.0], rng="seed"), r"rng must be a numpy Generator"),
}


@pytest.mark.parametrize("make, match", BAD_CONSTRUCTION.values(), ids=BAD_CONSTRUCTION.keys())
def test_bad_construction(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("make, match", BAD_KIND.values(), ids=BAD_KIND.keys())
def test_bad_kind_of_argument(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_quadratic_keeps_copies_of_the_callers_arrays():
    lam, x_star = np.array([1.0, 10.0]), np.array([1.0, -2.0])
    f = Quadratic(lam, minimizer=x_star)
    before = (f.value(np.zeros(2)), f.grad(np.zeros(2)).tolist(), f.condition_number)
    lam[1], x_star[0] = 1000.0, 50.0  # the caller reuses its arrays
    assert (f.value(np.zeros(2)), f.grad(np.zeros(2)).tolist(), f.condition_number) == before
    assert f.eigenvalues.tolist() == [1.0, 10.0] and f.minimizer.tolist() == [1.0, -2.0]
    with pytest.raises(ValueError, match="read-only"):  # and its own cannot drift from A
        f.eigenvalues[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        f.minimizer[0] = 5.0


def test_rosenbrock_minimizer_is_read_only():
    with pytest.raises(ValueError, match="read-only"):
        Rosenbrock().minimizer[0] = 0.0


@every_objective
def test_x_that_is_not_numbers_is_a_type_error_naming_x(f):
    for wrong in (["a", "b"], None, np.array([True, False])):
        with pytest.raises(TypeError, match=r"^x must be an array"):
            f.value(wrong)


def test_nan_x_is_not_scanned_in_the_loop():
    # value and grad only check the shape: a diverged iterate gives NaN back, not an error
    assert math.isnan(Rosenbrock().value(np.array([NAN, 0.0])))
    assert np.isnan(Quadratic([1.0, 2.0]).grad(np.array([NAN, 0.0]))).any()


@every_objective
@pytest.mark.parametrize("method", ["value", "grad"])
def test_x_with_the_wrong_number_of_coordinates(f, method):
    for wrong in (np.zeros(f.dim + 1), np.zeros((f.dim - 1, 4)), np.float64(1.0)):
        with pytest.raises(ValueError, match=rf"x must have {f.dim} coordinates"):
            getattr(f, method)(wrong)
