"""no_grad and detect_anomaly belong to a thread, as in PyTorch, and blocks that exit out of
order leave each mode as it was before them."""

import gc
import threading

import pytest

import autograd
from autograd import AnomalyError, Value, detect_anomaly, is_grad_enabled, no_grad


def run_in_thread(target):
    """Run target() in a thread of its own; re-raise what it raised."""
    failures = []

    def guarded():
        try:
            target()
        except BaseException as error:  # noqa: BLE001  (handed back to the test)
            failures.append(error)

    thread = threading.Thread(target=guarded)
    thread.start()
    return thread, failures


def test_no_grad_in_one_thread_leaves_another_threads_graph_whole():
    inside = threading.Event()
    done = threading.Event()

    def evaluate_without_grad():
        with no_grad():
            inside.set()
            assert done.wait(10)
            assert (Value(2.0) * Value(3.0))._prev == ()  # this thread records nothing

    thread, failures = run_in_thread(evaluate_without_grad)
    assert inside.wait(10)
    a, b = Value(2.0), Value(-3.0)  # built while the other thread is inside no_grad
    y = (a * b + a).tanh()
    y.backward()
    done.set()
    thread.join(10)
    assert not failures, failures
    assert is_grad_enabled() and y._op == "tanh"
    slope = 1.0 - y.data**2
    assert a.grad == pytest.approx(slope * (b.data + 1.0)) and a.grad != 0.0
    assert b.grad == pytest.approx(slope * a.data)


def test_no_grad_blocks_that_exit_out_of_order_restore_recording():
    first, second = no_grad(), no_grad()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the outer block ends first
    assert not is_grad_enabled()  # the inner one is still open
    second.__exit__(None, None, None)
    assert is_grad_enabled()
    assert (Value(1.0) + 1.0)._prev != ()


def test_enable_grad_inside_no_grad_exiting_out_of_order():
    outer, inner = no_grad(), autograd.enable_grad()
    outer.__enter__()
    inner.__enter__()
    assert is_grad_enabled()
    outer.__exit__(None, None, None)
    assert is_grad_enabled()
    inner.__exit__(None, None, None)
    assert is_grad_enabled()


def test_detect_anomaly_in_one_thread_does_not_check_another():
    inside = threading.Event()
    done = threading.Event()

    def check_here():
        with detect_anomaly():
            inside.set()
            assert done.wait(10)
            with pytest.raises(AnomalyError):
                Value(1e308) * 10.0

    thread, failures = run_in_thread(check_here)
    assert inside.wait(10)
    overflow = Value(1e308) * 10.0  # no check in this thread: inf, as IEEE says
    done.set()
    thread.join(10)
    assert not failures, failures
    assert overflow.data == float("inf")
    assert not autograd.anomaly.is_enabled()


def test_detect_anomaly_blocks_that_exit_out_of_order_end_checking():
    first, second = detect_anomaly(), detect_anomaly()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert autograd.anomaly.is_enabled()
    second.__exit__(None, None, None)
    assert not autograd.anomaly.is_enabled()
    assert (Value(1e308) * 10.0).data == float("inf")  # no AnomalyError any more


def _live_values() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is Value)


def test_detect_anomaly_does_not_keep_dead_nodes_alive():
    before = _live_values()
    with detect_anomaly():
        for _ in range(200):
            x = Value(0.5)
            y = (x * x + 1.0).tanh()
            assert "test_grad_mode.py" in y._created_at  # remembered: the line that made it
            del x, y
        assert _live_values() - before < 10  # each step's nodes were freed


def test_a_value_takes_attributes_a_users_code_sets():
    p = Value(1.0, label="w")
    assert vars(p) == {}  # no dict until an attribute is set
    p.m, p.v = 0.0, 0.0  # a hand-written Adam's moments
    p.m = 0.9 * p.m + 0.1 * 2.0
    assert p.m == pytest.approx(0.2) and vars(p) == {"m": p.m, "v": 0.0}
    y = p * 3.0
    y.colour = "red"  # a drawing's choice
    y.backward()
    assert p.grad == 3.0 and y.colour == "red"


def test_backward_on_a_loss_built_under_no_grad_raises():
    w = Value(2.0)
    with no_grad():
        loss = (w * 3.0).tanh()
    with pytest.raises(RuntimeError, match="computed under no_grad"):
        loss.backward()
    assert w.grad == 0.0
    leaf = Value(5.0)  # a leaf the user made is its own graph, as in micrograd
    leaf.backward()
    assert leaf.grad == 1.0
