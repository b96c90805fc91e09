"""Compiling a loss: trace its graph once, then replay forward and backward as float code.

    step = autograd.compile(lambda: loss_of(model, X, y))
    for k in range(100):
        loss = step()            # replays the trace on the parameters' current data
        model.zero_grad()
        loss.backward()          # adds d loss/d parameter to each parameter's .grad
        ...

The first call runs the function as usual and records its graph. From that graph the
compiler writes one straight-line Python function, a line per node forward and a line per
edge backward, on plain floats (`print(step.source)` shows it). Its backward half is an
optimisation of `engine.backward_pass()`, not another algorithm: the same visits in the
same order, the same `grad += local * upstream` per edge, unrolled once into code so that a
replay pays for no loop, no dict and no object per node. Later calls read the
leaves' current data, run that function, and return a node whose edges go straight to the
leaves, labelled with d output/d leaf: `backward()` on it is one step of the usual engine.

A trace fits only calls that would build the same graph:
- arguments (numbers, Values, nested lists of them) of another shape get a new trace;
- Python code that looked at a Value's number while tracing (`if v.data > 0`, `v.item()`,
  `f"{v:.2f}"`) may branch another way on new numbers: each such number is checked on
  replay, and if one differs the call runs the function again and retraces;
- Values created inside the function from Python numbers are constants of the trace:
  pass data that changes between calls (a mini-batch) as arguments.
"""

from __future__ import annotations

import builtins
import sys
import threading
import warnings
from collections.abc import Callable
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from autograd import anomaly, grad_mode, ops
from autograd.engine import Value, topological_order

_PACKAGE = str(Path(__file__).resolve().parent)
_ONE_TRACE_AT_A_TIME = threading.RLock()  # a compiled function may call another one
_RETRACE_WARNING_AFTER = 3  # retraces in a row before saying that the trace never fits

# Inline float forms for the ops that fill an MLP, to save a call per node; every other op
# calls its row of ops.py. Each must compute exactly what the row computes, in the same
# order (a test checks every op compiled against eager). `a` are the operands' variables.
_INLINE_VALUE: dict[str, Callable[[list[str]], str]] = {
    "+": lambda a: f"{a[0]} + {a[1]}",
    "sum": lambda a: " + ".join(a),
    "*": lambda a: f"{a[0]} * {a[1]}",
    "linear": lambda a: " + ".join([a[0], *(f"{w} * {x}" for w, x in ops.linear_terms(a)[1])]),
    "neg": lambda a: f"-{a[0]}",
    "relu": lambda a: f"0.0 if {a[0]} <= 0.0 else {a[0]}",
}
# Operand k's contribution: its local derivative times the node's gradient g.
_INLINE_CONTRIBUTION: dict[str, Callable[[list[str], int, str], str]] = {
    "+": lambda a, k, g: g,
    "sum": lambda a, k, g: g,
    "*": lambda a, k, g: f"{a[1 - k]} * {g}",
    "linear": lambda a, k, g: g if k == 0 else f"{_linear_local(a, k)} * {g}",  # x_i, w_i
    "neg": lambda a, k, g: f"-1.0 * {g}",
    "relu": lambda a, k, g: f"(1.0 if {a[0]} > 0.0 else 0.0) * {g}",
}


def _linear_local(a: list[str], k: int) -> str:
    """The variable that is operand k's local derivative on a linear node (k > 0): its
    partner in the term w*x. The row of ops.py says which, run on the variables' names."""
    return ops.OPS["linear"].derivatives(None, *a)[k]


def compile(  # noqa: A001
    fn: Callable[..., Value | tuple | list], backend: str = "python"
) -> Compiled:
    """Trace `fn` on its first call, then replay its forward and backward pass as float code.

    `fn` returns the loss (a Value), or a tuple whose first item is the loss and whose
    other items are Values (or lists of Values) returned as numbers-only leaves.

    backend: "python" writes a line of float code per node; "numpy" (numpy must be
    installed) runs the nodes of one op and one depth together as one array operation
    (autograd/compile_numpy.py), far faster on a batch of many points.
    """
    if not callable(fn):
        raise TypeError(f"compile() takes a function that returns a Value; got {fn!r}")
    return Compiled(fn, backend)


class Compiled:
    """A function compiled by autograd.compile: call it as you would call the function."""

    def __init__(self, fn: Callable[..., Any], backend: str = "python") -> None:
        _backend_writer(backend)  # an unknown name, or numpy missing, is said now
        self.fn = fn
        self.backend = backend
        self.traces: dict[tuple, _Trace] = {}  # by the shape of the arguments
        self.trace_count = 0  # how many times fn has been traced, for the curious and tests
        self.eager_because = ""  # why fn cannot be replayed at all, once that is known
        self._retraces_in_a_row = 0
        self._captured = _Captured(fn)

    @property
    def source(self) -> str:
        """The straight-line code of the latest trace."""
        if not self.traces:
            return "# not traced yet: call the compiled function once"
        return list(self.traces.values())[-1].source

    def __call__(self, *args: Any) -> Any:
        flat, shape = _flatten(args)
        if anomaly.checking() or not grad_mode.recording() or self.eager_because:
            return self.fn(*args)  # detect_anomaly checks op by op; no_grad wants no graph
        key = (shape, _aliases(flat))  # the same Value twice is another trace than two Values
        trace = self.traces.get(key)
        if trace is not None:
            result = trace.replay(flat) if self._captured.unchanged() else None
            if result is not None:
                self._retraces_in_a_row = 0
                return result
            self._note_retrace(trace)
        with _ONE_TRACE_AT_A_TIME:  # tracing patches Value.data for the whole process
            return self._trace(args, flat, shape, key)

    def _trace(self, args: tuple, flat: list, shape: tuple, key: tuple) -> Any:
        inputs = [x if isinstance(x, Value) else Value(x) for x in flat]
        observed: list[tuple[Value, float, str]] = []
        blocks_before = grad_mode.blocks_entered()
        with _observing_data(observed):
            result = self.fn(*_unflatten(shape, inputs))
        if grad_mode.blocks_entered() != blocks_before:
            self._run_eagerly_from_now_on(
                "it switches grad mode inside (no_grad, enable_grad or autograd.grad): what it "
                "computes there is a number of this call, which a replay would repeat stale"
            )
            return result
        outputs = _outputs(result)
        self.traces[key] = _Trace(inputs, outputs, observed, result, self.backend)
        self._captured = _Captured(self.fn)  # what fn refers to, as this trace saw it
        self.trace_count += 1
        return result

    def _run_eagerly_from_now_on(self, reason: str) -> None:
        self.eager_because = reason
        self.traces.clear()
        warnings.warn(
            f"autograd.compile cannot replay this function: {reason}; it runs as it is, "
            "uncompiled, on every call",
            stacklevel=4,
        )

    def _note_retrace(self, trace: _Trace) -> None:
        self._retraces_in_a_row += 1
        if self._retraces_in_a_row == _RETRACE_WARNING_AFTER:
            where = trace.observed_where[0] if trace.observed_where else "an unknown place"
            warnings.warn(
                f"the compiled function retraced {_RETRACE_WARNING_AFTER} times in a row, so it "
                f"runs no faster than without compile: it reads the number of a Value that "
                f"changes between calls (at {where}); move that read out of the function",
                stacklevel=3,
            )


class _Trace:
    """One recorded graph and the float code that replays it."""

    def __init__(
        self,
        inputs: list[Value],
        outputs: list[Value],
        observed: list[tuple[Value, float, str]],
        result: Any,
        backend: str = "python",
    ) -> None:
        self.result_shape = _result_shape(result)
        # The program computes the outputs and every number the Python code looked at.
        looked_at = [node for node, _, _ in observed]
        program = _program(outputs + looked_at, inputs)
        position = {node: i for i, node in enumerate(program)}
        input_set = set(inputs)
        self.free_leaves = [n for n in program if not n._prev and n not in input_set]
        self.input_positions = [position.get(x) for x in inputs]
        # Numbers the Python code looked at, checked on replay: an argument's against the new
        # call's, any other node's against its replayed value.
        argument = {x: k for k, x in enumerate(inputs)}
        self.guards_on_arguments = [(argument[n], v) for n, v, _ in observed if n in argument]
        self.guards_inside = [(position[n], v) for n, v, _ in observed if n not in argument]
        self.observed_where = [where for _, _, where in observed]
        write = _backend_writer(backend)
        self.source, self._run = write(program, position, inputs, outputs, self)

    def replay(self, flat: list) -> Any:
        """The function's result, replayed; None if a number it looked at has changed."""
        numbers = [x.data if isinstance(x, Value) else float(x) for x in flat]
        for k, value in self.guards_on_arguments:
            if numbers[k] != value:
                return None
        output, extras, grads, looked_at = self._run(numbers, [n.data for n in self.free_leaves])
        for (_, value), now in zip(self.guards_inside, looked_at):
            if now != value:
                return None
        # The loss as one node whose edges lead to the leaves, labelled d loss/d leaf.
        edges = [x for x in flat if isinstance(x, Value)] + self.free_leaves
        input_grads = [g for x, g in zip(flat, grads) if isinstance(x, Value)]
        loss = Value(output)
        loss._op = "compiled"
        loss._prev = tuple(edges)
        loss._local = tuple(input_grads) + tuple(grads[len(flat) :])
        if self.result_shape is None:
            return loss
        return _rebuild_result(self.result_shape, loss, extras)


def _program(roots: list[Value], inputs: list[Value]) -> list[Value]:
    """The nodes the roots need, operands first, stopping at the inputs (the roots are in
    it, even an input returned as it is)."""
    stop = set(inputs)
    needed: set[Value] = set(roots)
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in stop:
            continue
        for operand in node._prev:
            if operand not in needed:
                needed.add(operand)
                stack.append(operand)
    return [node for node in topological_order(*roots) if node in needed]


BACKENDS = ("python", "numpy")  # how a trace is replayed: float code, or numpy arrays


def _backend_writer(backend: str) -> Callable[..., tuple[str, Callable]]:
    """The backend's `write(program, position, inputs, outputs, trace) -> (source, replay)`,
    replay(numbers, free) returning (output, extras, grads, looked_at) for _Trace.replay."""
    if backend == "python":
        return _python_replay
    if backend == "numpy":
        from autograd import compile_numpy  # imports numpy, or says how to install it

        return compile_numpy.replay_function
    raise ValueError(f"compile() has no backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def _python_replay(program, position, inputs, outputs, trace) -> tuple[str, Callable]:
    source, namespace = _write_code(program, position, inputs, outputs, trace)
    return source, _compile_source(source, namespace)


def _write_code(program, position, inputs, outputs, trace) -> tuple[str, dict]:
    """The source of `replay(numbers, free) -> (output, extras, grads, looked_at)`."""
    namespace: dict[str, Any] = {}
    lines = ["def replay(numbers, free):"]
    v = [f"v{i}" for i in range(len(program))]
    input_names = [v[p] if p is not None else "_" for p in trace.input_positions]
    if inputs:
        lines.append(f"    {', '.join(input_names)}, = numbers")
    free_names = [v[position[leaf]] for leaf in trace.free_leaves]
    if free_names:
        lines.append(f"    {', '.join(free_names)}, = free  # parameters and constants")
    input_set = set(inputs)

    lines.append("    # forward: one line per node")
    for i, node in enumerate(program):
        if not node._prev or node in input_set:
            continue
        args = [v[position[operand]] for operand in node._prev]
        comment = f"  # {node._op}" + (f" {node.label}" if node.label else "")
        if node._op in _INLINE_VALUE:
            lines.append(f"    {v[i]} = {_INLINE_VALUE[node._op](args)}{comment}")
            continue
        if node._op not in ops.OPS:
            raise ValueError(f"compile() cannot replay the op {node._op!r}")
        name = _bind(namespace, node._op)
        if node._arg is not None:
            args.append(repr(node._arg))
        lines.append(f"    {v[i]} = {name}_value({', '.join(args)}){comment}")
        lines.append(f"    d{i} = {name}_derivatives({v[i]}, {', '.join(args)})")

    lines.append("    # backward: g = d output/d node, one line per edge")
    lines.append(f"    g{position[outputs[0]]} = 1.0")
    assigned = {position[outputs[0]]}  # nodes whose g has a first contribution
    for i in range(len(program) - 1, -1, -1):
        node = program[i]
        if i not in assigned or not node._prev or node in input_set:
            continue
        args = [v[position[operand]] for operand in node._prev]
        for k, operand in enumerate(node._prev):
            j = position[operand]
            if node._op in _INLINE_CONTRIBUTION:
                term = _INLINE_CONTRIBUTION[node._op](args, k, f"g{i}")
            else:
                term = f"d{i}[{k}] * g{i}"
            lines.append(f"    g{j} {'+=' if j in assigned else '='} {term}")
            assigned.add(j)

    def grad_of(p: int | None) -> str:
        return f"g{p}" if p is not None and p in assigned else "0.0"

    grads = [grad_of(p) for p in trace.input_positions]
    grads += [grad_of(position[leaf]) for leaf in trace.free_leaves]
    extras = [v[position[o]] for o in outputs[1:]]
    looked_at = [v[p] for p, _ in trace.guards_inside]
    lines.append(
        f"    return {v[position[outputs[0]]]}, ({_items(extras)}), ({_items(grads)}), "
        f"({_items(looked_at)})"
    )
    return "\n".join(lines) + "\n", namespace


def _items(names: list[str]) -> str:
    return "".join(f"{name}, " for name in names)


def _bind(namespace: dict, op_name: str) -> str:
    """Put op's value and derivative rule into the code's namespace; return their prefix."""
    name = "op_" + "".join(c if c.isalnum() else f"_{ord(c)}_" for c in op_name)
    namespace[f"{name}_value"] = ops.OPS[op_name].value
    namespace[f"{name}_derivatives"] = ops.OPS[op_name].derivatives
    return name


def _compile_source(source: str, namespace: dict) -> Callable:
    exec(builtins.compile(source, "<autograd.compile trace>", "exec"), namespace)
    return namespace["replay"]


# --- what the traced function looked at ---------------------------------------------------


class _ObservedData:
    """Value.data while tracing: the same slot, but a read made by code outside autograd
    (the user's, or nn's) is recorded, with the node, the number and the line."""

    def __init__(self, slot: Any, observed: list) -> None:
        self.slot = slot
        self.observed = observed
        self.thread = threading.get_ident()  # only the tracing thread's reads are its trace's

    def __get__(self, node: Any, owner: Any = None) -> Any:
        if node is None:
            return self
        value = self.slot.__get__(node, owner)
        if threading.get_ident() != self.thread:
            return value
        caller = sys._getframe(1)
        reader = caller.f_code.co_name
        if not caller.f_code.co_filename.startswith(_PACKAGE) or reader in ("item", "__format__"):
            if reader in ("item", "__format__"):
                caller = caller.f_back or caller
            where = f"{caller.f_code.co_filename}:{caller.f_lineno}"
            self.observed.append((node, value, where))
        return value

    def __set__(self, node: Any, value: Any) -> None:
        self.slot.__set__(node, value)


class _observing_data:
    def __init__(self, observed: list) -> None:
        self.observed = observed

    def __enter__(self) -> None:
        self.slot = Value.__dict__["data"]
        Value.data = _ObservedData(self.slot, self.observed)  # type: ignore[assignment]

    def __exit__(self, *exc: Any) -> None:
        Value.data = self.slot  # type: ignore[assignment]


# --- arguments and results ----------------------------------------------------------------


def _aliases(flat: list) -> tuple[int, ...]:
    """For each argument, the position of the first argument that is the same object: a
    trace made with f(x, x) computes with one leaf, so it fits only calls that share alike."""
    first: dict[int, int] = {}
    return tuple(first.setdefault(id(x), i) for i, x in enumerate(flat))


class _Captured:
    """What a function refers to by name, outside its arguments: the cells of its closure
    and the globals its code names. A replay fits only while each is the same object:
    after `w = Value(2.0)` or `scale = 0.7`, a replay would compute with the old one. (A
    Value replaced deeper inside an object, `model.layers[0] = ...`, is not seen.)"""

    def __init__(self, fn: Any) -> None:
        function = getattr(fn, "__func__", fn)  # a bound method: its function, and self below
        code = getattr(function, "__code__", None)
        namespace = getattr(function, "__globals__", {})
        self.cells = tuple(getattr(function, "__closure__", None) or ())
        self.contents = [_cell_contents(cell) for cell in self.cells]
        self.namespace = namespace
        names = code.co_names if code is not None else ()
        self.names = [name for name in names if name in namespace]
        self.objects = [namespace[name] for name in self.names]
        self.owner = getattr(fn, "__self__", None)
        self.fn = fn

    def unchanged(self) -> bool:
        if getattr(self.fn, "__self__", None) is not self.owner:
            return False
        for cell, seen in zip(self.cells, self.contents):
            if _cell_contents(cell) is not seen:
                return False
        get = self.namespace.get
        return all(get(name) is seen for name, seen in zip(self.names, self.objects))


_EMPTY_CELL = object()


def _cell_contents(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # a name of the enclosing function that is not assigned yet
        return _EMPTY_CELL


def _flatten(args: Any) -> tuple[list, tuple]:
    """The numbers and Values in `args`, in order, and the shape they sit in.

    A bool or an int is part of the shape, not a number of the trace: code branches on it
    (`if training:`) or counts with it (`range(n)`), so each value gets its own trace.
    """
    flat: list = []
    shape: list = []
    stack = [args]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            shape.append(len(item))
            stack.extend(reversed(item))
        elif isinstance(item, Value):
            shape.append("v")
            flat.append(item)
        elif isinstance(item, Integral):  # bool too
            shape.append((type(item), item))
        elif isinstance(item, Real):
            shape.append("n")
            flat.append(item)
        else:
            raise TypeError(
                f"a compiled function takes numbers, Values and lists of them; got "
                f"{type(item).__name__}: {item!r}"
            )
    return flat, tuple(shape)


def _unflatten(shape: tuple, values: list[Value]) -> tuple:
    """`args` again, with each number or Value replaced by the next of `values`."""
    items = iter(values)
    root: list = []
    stack: list[tuple[list, int]] = [(root, 1)]  # a list being filled, and how many to go
    for token in shape:
        container, remaining = stack.pop()
        if remaining > 1:
            stack.append((container, remaining - 1))
        if token in ("v", "n"):
            container.append(next(items))
        elif type(token) is tuple:  # a bool or an int, as it was given
            container.append(token[1])
        else:
            child: list = []
            container.append(child)
            if token:
                stack.append((child, token))
    return tuple(root[0])


def _outputs(result: Any) -> list[Value]:
    if isinstance(result, Value):
        return [result]
    if isinstance(result, (tuple, list)) and result and isinstance(result[0], Value):
        extras, shape = _flatten(result[1:])
        numbers_left = any(type(token) is tuple for token in shape)  # an int would be replayed
        if all(isinstance(x, Value) for x in extras) and not numbers_left:
            return [result[0], *extras]
    raise TypeError(
        "a compiled function must return its loss as a Value, or a tuple (loss, Values...); "
        f"got {type(result).__name__}"
    )


def _result_shape(result: Any) -> tuple | None:
    return None if isinstance(result, Value) else _flatten(result[1:])[1]


def _rebuild_result(shape: tuple, loss: Value, extras: tuple) -> tuple:
    return (loss, *_unflatten(shape, [Value(x) for x in extras]))
