"""autograd.compile never replays a trace that does not fit the call: each case here gave a
wrong number before. The reference is the same function run without compile."""

import threading
import warnings

import pytest

import autograd
from autograd import Value


def eager_and_compiled(fn, *calls):
    """fn's results on each call's arguments, uncompiled and compiled, as (data, grads)."""
    compiled = autograd.compile(fn)
    results = []
    for runner in (fn, compiled):
        per_call = []
        for make_args in calls:
            args = make_args()
            leaves = [a for a in args if isinstance(a, Value)]
            for leaf in leaves:
                leaf.grad = 0.0
            out = runner(*args)
            out.backward()
            per_call.append((out.data, [leaf.grad for leaf in leaves]))
        results.append(per_call)
    return results, compiled


def test_the_same_value_for_two_arguments_gets_a_trace_of_its_own():
    def f(a, b):
        return a * b + a

    x, y = Value(3.0), Value(-2.0)
    calls = [lambda: (Value(3.0), Value(-2.0)), lambda: (x, x), lambda: (x, y)]
    (eager, compiled_results), compiled = eager_and_compiled(f, *calls)
    assert compiled_results[1][0] == eager[1][0] == 12.0  # x*x + x
    assert compiled_results == eager
    assert compiled.trace_count == 2


def test_traced_with_one_value_twice_then_two_values():
    def f(a, b):
        return a * b

    x = Value(3.0)
    calls = [lambda: (x, x), lambda: (Value(2.0), Value(5.0))]
    (eager, compiled_results), _ = eager_and_compiled(f, *calls)
    assert compiled_results[1][0] == 10.0 and compiled_results == eager


def test_a_bool_argument_is_not_a_value():
    def f(x, square):
        return x * x if square else x * 3.0

    calls = [lambda: (Value(2.0), True), lambda: (Value(2.0), False)]
    (eager, compiled_results), compiled = eager_and_compiled(f, *calls)
    assert [r[0] for r in compiled_results] == [4.0, 6.0] == [r[0] for r in eager]
    assert compiled.trace_count == 2


def test_an_int_argument_counts_as_given():
    def f(x, n):
        total = x
        for _ in range(n):
            total = total * x
        return total

    calls = [lambda: (Value(2.0), 2), lambda: (Value(2.0), 3), lambda: (Value(3.0), 2)]
    (eager, compiled_results), compiled = eager_and_compiled(f, *calls)
    assert [r[0] for r in compiled_results] == [8.0, 16.0, 27.0]
    assert compiled_results == eager
    assert compiled.trace_count == 2  # n=2 replayed for x=3


def test_an_int_returned_beside_the_loss_is_refused():
    compiled = autograd.compile(lambda x: (x * 2.0, 3))
    with pytest.raises(TypeError, match="loss as a Value"):
        compiled(Value(1.0))


def test_no_grad_inside_the_function_runs_it_uncompiled():
    scale = Value(2.0)

    def f(x):
        with autograd.no_grad():
            frozen = scale * x  # a number of this call: a replay would repeat it stale
        return x * frozen

    compiled = autograd.compile(f)
    with pytest.warns(UserWarning, match="switches grad mode"):
        first = compiled(Value(1.0))
    assert first.data == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        second = compiled(Value(3.0))
    assert second.data == 18.0 == f(Value(3.0)).data
    assert compiled.trace_count == 0 and compiled.eager_because


def test_autograd_grad_inside_the_function_runs_it_uncompiled():
    def f(x):
        (slope,) = autograd.grad(x * x, [x])  # 2x, as a number of this call
        return x * slope

    compiled = autograd.compile(f)
    with pytest.warns(UserWarning, match="autograd.grad"):
        compiled(Value(1.0))
    assert compiled(Value(3.0)).data == 18.0


def test_a_captured_value_that_is_replaced_is_not_replayed():
    w = Value(2.0)

    def f(x):
        return x * w

    compiled = autograd.compile(f)
    assert compiled(Value(3.0)).data == 6.0
    assert compiled(Value(3.0)).data == 6.0 and compiled.trace_count == 1
    w = Value(5.0)  # rebinding the closure's name  # noqa: F841  (read by f)
    assert compiled(Value(3.0)).data == 15.0
    assert compiled.trace_count == 2


SCALE = 0.5


def test_a_global_number_that_is_rebound_is_not_replayed():
    global SCALE
    compiled = autograd.compile(lambda x: x * SCALE)
    assert compiled(Value(4.0)).data == 2.0
    try:
        SCALE = 0.25
        assert compiled(Value(4.0)).data == 1.0
    finally:
        SCALE = 0.5


def test_a_captured_value_changed_in_place_is_replayed_with_its_new_data():
    w = Value(2.0)
    compiled = autograd.compile(lambda x: x * w)
    compiled(Value(3.0))
    w.data = 4.0  # an optimiser's update: the same leaf, new data
    out = compiled(Value(3.0))
    assert out.data == 12.0 and compiled.trace_count == 1


def test_two_threads_tracing_at_once_each_get_their_own_branch():
    def f(x):
        return x * 2.0 if x.data > 0 else x * -3.0  # reads data: a guarded branch

    compiled = autograd.compile(f)
    start = threading.Barrier(2)
    results = {}

    def worker(name, number):
        start.wait()
        for _ in range(50):
            results.setdefault(name, []).append(compiled(Value(number)).data)

    threads = [
        threading.Thread(target=worker, args=("positive", 1.5)),
        threading.Thread(target=worker, args=("negative", -1.5)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert set(results["positive"]) == {3.0}
    assert set(results["negative"]) == {4.5}
    assert "data" in Value.__dict__ and type(Value.__dict__["data"]).__name__ == "member_descriptor"
