"""micrograd 0.1.0 with its recursion limit raised, as someone who met its RecursionError
would run it: the same engine, on the long chains and sums where the default limit stops it.

Its topological sort recurses once per level of the graph. Python 3.11 keeps Python-to-Python
calls off the C stack, so a limit of a few million levels is safe here; only this engine's
worker process has it.
"""

from __future__ import annotations

import sys

from benchmarks.engines.micrograd_pypi import VERSION, backward, chain, gradients, sum_of_products

__all__ = ["VERSION", "backward", "chain", "gradients", "sum_of_products"]

sys.setrecursionlimit(3_000_000)  # a chain or a sum of 1e6 ops, with room to spare
