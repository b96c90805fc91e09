"""Benchmarks: chainrule against micrograd, PyTorch on scalars and hand-written floats.

`make bench` (or `python -m benchmarks.run`) runs them; benchmarks/README.md says what each
figure means. Nothing here is imported by `autograd` or `nn`.
"""
