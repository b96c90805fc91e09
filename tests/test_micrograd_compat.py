"""Code written for karpathy/micrograd and its lecture runs here with only the imports changed.

The numbers asserted are the ones micrograd's README and the lecture publish.
"""

import math
import random

from micrograd_examples import lecture_graph, lecture_training, readme_expression

from autograd import Value, draw_dot, topological_order
from nn import MLP, Neuron
from nn.data import make_moons


def test_readme_example_prints_micrograds_numbers():
    a = Value(-4.0)
    b = Value(2.0)
    g = readme_expression(a, b)
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_readme_neuron_draws():
    random.seed(1337)
    n = Neuron(2)
    x = [Value(1.0), Value(-2.0)]
    y = n(x)
    source = draw_dot(y).source
    # The neuron's edges carry x_i (from w_i), w_i (from x_i) and 1 (from the bias): since
    # issue 10 each in the cell of the linear node that its edge runs into.
    for local in (1.0, n.w[0].data, 1.0, n.w[1].data, -2.0):
        assert f"<TD>{local:.4g}</TD>" in source


def test_lecture_expression_L():
    L = lecture_graph()
    nodes = {v.label: v for v in topological_order(L)}
    a, b, c, d, e, f = (nodes[name] for name in "abcdef")
    assert L.data == -8.0
    L.backward()
    grads = {v.label: v.grad for v in (a, b, c, d, e, f, L)}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0, "L": 1.0}
    # The lecture nudges the leaves along their gradients and sees L rise.
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    assert ((a * b + c) * f).data > -8.0


def _lecture_neuron(tanh_from_exp: bool):
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    if tanh_from_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.label = "o"
    return o, (x1, x2, w1, w2, n)


def test_lecture_neuron_by_hand_with_underscore_backward():
    o, (x1, x2, w1, w2, n) = _lecture_neuron(tanh_from_exp=False)
    assert f"{o.data:.4f}" == "0.7071"
    # The lecture's manual phase: seed the output and call each node's _backward in turn.
    o.grad = 1.0
    o._backward()
    n._backward()
    n._prev[0]._backward()  # x1*w1 + x2*w2
    for product in n._prev[0]._prev:
        product._backward()
    assert f"{n.grad:.4f}" == "0.5000"
    grads = [round(v.grad, 4) for v in (x1, w1, x2, w2)]
    assert grads == [-1.5, 1.0, 0.5, 0.0]


def test_lecture_neuron_tanh_and_its_exp_form_agree():
    o1, leaves1 = _lecture_neuron(tanh_from_exp=False)
    o2, leaves2 = _lecture_neuron(tanh_from_exp=True)
    o1.backward()
    o2.backward()
    assert math.isclose(o1.data, o2.data, rel_tol=1e-12)
    for v1, v2 in zip(leaves1, leaves2):
        assert math.isclose(v1.grad, v2.grad, rel_tol=1e-9, abs_tol=1e-12)


def test_lecture_training_loop_reduces_the_loss():
    random.seed(42)
    n = MLP(3, [4, 4, 1], activation="tanh")
    losses = lecture_training(n, steps=20, lr=0.05)
    assert losses[-1] < 0.1 * losses[0]


def test_micrograd_demo_trains_two_moons_to_95_percent():
    # micrograd's demo.ipynb, unchanged but for the data source: MLP(2, [16, 16, 1]),
    # max-margin loss with L2 1e-4, SGD with its decaying learning rate, 100 steps.
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1, seed=1337)
    y = [yi * 2 - 1 for yi in y]  # make y be -1 or 1
    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    assert len(model.parameters()) == 337

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    first_loss, _ = loss()
    for k in range(100):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    final_loss, final_acc = loss()
    assert final_acc >= 0.95
    assert final_loss.data < first_loss.data
