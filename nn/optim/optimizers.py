"""Optimisers, with torch.optim's names, arguments and update formulas.

    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for step in range(100):
        loss = ...
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

Each one updates every parameter on its own, from its gradient g = p.grad and a little
memory of past gradients (`optimizer.state[p]`), in the order of the pseudo-code in
PyTorch's documentation, so that on the same gradients the numbers agree with torch.optim:

    SGD        plain steps, optionally with momentum (a running sum of past steps)
    Adam       momentum divided by a running root-mean-square of gradients, bias-corrected
    AdamW      Adam with the weight decay applied to the weights directly (decoupled)
    RMSprop    gradient divided by a running root-mean-square of gradients
    Adagrad    gradient divided by the root of the sum of all past squared gradients

Parameters can be given in groups with their own settings, as in torch:
`SGD([{"params": a, "lr": 0.1}, {"params": b}], lr=0.01)`. Learning-rate schedules are in
`nn.optim.lr_scheduler`; the base class, with state_dict() to save and resume, in optimizer.py.
"""

from __future__ import annotations

import math
from typing import Any

from nn.optim.optimizer import Optimizer, Params, at_least

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]


class SGD(Optimizer):
    """p ← p - lr·g, with optional momentum (Nesterov's if asked) and L2 weight decay."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening)
        defaults.update(weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        at_least(0.0, group, "lr", "momentum", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p, g, group, state):
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            # The first step starts the buffer at g; then it is a decaying sum of gradients.
            buf = g if buf is None else momentum * buf + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + momentum * buf if group["nesterov"] else buf  # Nesterov: look one step ahead
        p.data -= group["lr"] * g


class Adam(Optimizer):
    """Adaptive moments: m, a running mean of g, and v, of g²; p ← p - lr·m̂ / (sqrt(v̂) + eps),
    where the hats undo the bias of starting both at 0 (divide by 1 - beta**t)."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        at_least(0.0, group, "lr", "eps", "weight_decay")
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta at index {i}: {beta!r} (need 0 <= beta < 1)")

    def _update(self, p, g, group, state):
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        t = state["step"] = state.get("step", 0) + 1
        if wd and self.decoupled_weight_decay:  # AdamW: shrink the weight, apart from g
            p.data *= 1 - lr * wd
        m = state["exp_avg"] = beta1 * state.get("exp_avg", 0.0) + (1 - beta1) * g
        v = state["exp_avg_sq"] = beta2 * state.get("exp_avg_sq", 0.0) + (1 - beta2) * g * g
        if group["amsgrad"]:  # never let the denominator shrink
            v = state["max_exp_avg_sq"] = max(state.get("max_exp_avg_sq", 0.0), v)
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        denom = math.sqrt(v) / math.sqrt(bias_correction2) + group["eps"]
        p.data -= lr / bias_correction1 * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p ← p·(1 - lr·wd), then Adam."""

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class RMSprop(Optimizer):
    """p ← p - lr·g / (sqrt(v) + eps), v a running mean of g² (decay `alpha`). centered=True
    divides by the running variance of g instead; momentum adds a buffer as in SGD."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay)
        defaults.update(momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        at_least(0.0, group, "lr", "alpha", "eps", "weight_decay", "momentum")

    def _update(self, p, g, group, state):
        alpha = group["alpha"]
        state["step"] = state.get("step", 0) + 1  # unused here; torch counts it too
        v = state["square_avg"] = alpha * state.get("square_avg", 0.0) + (1 - alpha) * g * g
        if group["centered"]:  # subtract the squared running mean: a running variance
            mean = state["grad_avg"] = alpha * state.get("grad_avg", 0.0) + (1 - alpha) * g
            v = v - mean * mean
        avg = math.sqrt(v) + group["eps"]
        if group["momentum"] > 0:
            buf = group["momentum"] * state.get("momentum_buffer", 0.0) + g / avg
            state["momentum_buffer"] = buf
            p.data -= group["lr"] * buf
        else:
            p.data -= group["lr"] * g / avg


class Adagrad(Optimizer):
    """p ← p - lr·g / (sqrt(Σ g²) + eps): each parameter's steps shrink as its gradients add up,
    so rarely-updated parameters keep larger steps."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay)
        defaults.update(initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        at_least(0.0, group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(self, p, g, group, state):
        t = state["step"] = state.get("step", 0) + 1
        lr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        total = state.get("sum", group["initial_accumulator_value"]) + g * g
        state["sum"] = total
        p.data -= lr * g / (math.sqrt(total) + group["eps"])
