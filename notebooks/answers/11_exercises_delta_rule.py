"""Answers to notebooks/11_exercises_delta_rule.ipynb: try the exercises first.

Each `# %% exercise: NAME` section is the filled-in cell the notebook tags "exercise": NAME;
tests/test_exercises.py runs the notebook with these in place and expects every checker to
say right.
"""


# %% exercise: output_delta
def output_delta(grad_a, a):
    """δ of a sigmoid output layer: dE/da times σ'(z) = a (1 - a), neuron by neuron."""
    return [g * ai * (1.0 - ai) for g, ai in zip(grad_a, a)]


# %% exercise: hidden_delta
def hidden_delta(w_next, delta_next, a):
    """δ of a tanh layer from the next layer's: (w_nextᵀ δ_next) times tanh'(z) = 1 - a²."""
    delta = []
    for j, aj in enumerate(a):
        back = sum(w_next[i][j] * delta_next[i] for i in range(len(delta_next)))
        delta.append(back * (1.0 - aj * aj))
    return delta


# %% exercise: weight_grads
def weight_grads(delta, a_prev):
    """dE/dw of a layer: row i (neuron i), column j (input j) is delta[i] · a_prev[j]."""
    return [[d * x for x in a_prev] for d in delta]
