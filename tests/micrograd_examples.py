"""micrograd's own examples, written once for every test that uses them."""

import random  # the lecture's classes draw from Python's global random

from autograd import Value


def readme_expression(a, b):
    """The expression of micrograd's README, on Values or on float64 tensors: g(a, b)."""
    c = a + b
    d = a * b + b**3
    c += c + 1  # rebinds c on Values; in place on tensors, which torch allows here
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def lecture_graph() -> Value:
    """The first expression of micrograd's lecture, L = (a*b + c) * f, labelled as there."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L


# --- the second half of the lecture: its network, its data and its training loop -------------
# As the video and its notebook write them, on autograd.Value.


class LectureNeuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out

    def parameters(self):
        return self.w + [self.b]


class LectureLayer:
    def __init__(self, nin, nout):
        self.neurons = [LectureNeuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class LectureMLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [LectureLayer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


LECTURE_XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
LECTURE_YS = [1.0, -1.0, -1.0, 1.0]  # desired targets


def lecture_training(n, steps, lr):
    """The lecture's training loop, word for word, on any model n: the loss of each step."""
    losses = []
    for _k in range(steps):
        # forward pass
        ypred = [n(x) for x in LECTURE_XS]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(LECTURE_YS, ypred))
        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        # update
        for p in n.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses
