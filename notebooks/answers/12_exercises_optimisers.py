"""Answers to notebooks/12_exercises_optimisers.ipynb: try the exercises first.

Each `# %% exercise: NAME` section is the filled-in cell the notebook tags "exercise": NAME;
tests/test_exercises.py runs the notebook with these in place and expects every checker to
say right.
"""


# %% exercise: sgd_momentum_step
def sgd_momentum_step(p, g, buf, lr, momentum):
    """One step of SGD with momentum, as torch.optim.SGD: returns the new p and buf."""
    buf = momentum * buf + g  # a decaying sum of past gradients
    return p - lr * buf, buf


# %% exercise: adam_step
def adam_step(p, g, m, v, t, lr, beta1, beta2, eps):
    """One step of Adam, as torch.optim.Adam (t counts from 1): returns p, m, v."""
    m = beta1 * m + (1 - beta1) * g  # running mean of g
    v = beta2 * v + (1 - beta2) * g * g  # running mean of g²
    m_hat = m / (1 - beta1**t)  # both start at 0: undo that bias
    v_hat = v / (1 - beta2**t)
    return p - lr * m_hat / (v_hat**0.5 + eps), m, v  # v_hat**0.5 is √v̂
