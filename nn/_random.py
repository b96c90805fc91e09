"""Where random numbers come from: one rule for every `seed=` argument in nn.

    seed=None             Python's global `random` (so `random.seed(1337)` works, as in micrograd)
    seed=42               a fresh random.Random(42): the same numbers every time
    seed=random.Random()  that generator, advanced by what is drawn (share it across calls)

scikit-learn's `random_state` follows the same rule with numpy generators.
"""

from __future__ import annotations

import random

Seed = int | random.Random | None


def generator(seed: Seed) -> random.Random:
    if seed is None:
        return random._inst  # the generator behind random.uniform, random.seed...
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"seed must be an int, a random.Random or None; got {seed!r}")
