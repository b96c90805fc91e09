"""micrograd's own examples, written once for every test that uses them."""

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
