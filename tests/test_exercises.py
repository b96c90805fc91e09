"""The exercises: the checkers of autograd/exercises.py, and the notebooks that use them.

Each checker is tried with the answer (right), with blanks as shipped (not done), with wrong
answers (wrong, at which input, the expected and the given numbers, a hint) and with answers
that raise (wrong, the exception's type and message): it returns a Result, never raises.

Each exercise notebook runs twice: as shipped, where every checker must say "not done yet" and
the notebook must run to its end; and with the cells of notebooks/answers/ put in place of its
blank cells (tagged `"exercise": name` in their metadata; the checker cells `"checker": name`),
where every checker must say right.
"""

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import exercises
from autograd.exercises import NOT_DONE, RIGHT, WRONG, Result

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*_exercises_*.ipynb"))
ANSWERS = ROOT / "notebooks" / "answers"
CHECKERS = sorted(name for name in dir(exercises) if name.startswith("check_"))
# What a checker is given, when it is not the function named after the exercise.
ARGUMENT = {"backward_by_hand": "grads"}
SECTION = re.compile(r"^# %% exercise: (\S+)[ \t]*$", re.MULTILINE)


def answer_sections(path: Path) -> tuple[str, dict[str, str]]:
    """An answers file's header (imports, in no cell) and its sections, by exercise name."""
    header, *rest = SECTION.split(path.read_text())
    return header, {name: code.strip() + "\n" for name, code in zip(rest[::2], rest[1::2])}


def answers() -> dict[str, object]:
    """Every answer of notebooks/answers/, by exercise name, each file run as its sections."""
    found = {}
    for path in sorted(ANSWERS.glob("*.py")):
        header, sections = answer_sections(path)
        namespace: dict = {}
        exec(header, namespace)
        for name, code in sections.items():
            exec(code, namespace)
            found[name] = namespace[ARGUMENT.get(name, name)]
    return found


ANSWER = answers()


def check(name: str, answer: object) -> Result:
    result = getattr(exercises, f"check_{name}")(answer)
    assert isinstance(result, Result) and result.exercise == name
    assert result.status in (RIGHT, WRONG, NOT_DONE)
    prefix = {RIGHT: "right: ", WRONG: "wrong", NOT_DONE: "not done yet: "}[result.status]
    assert result.message.startswith(prefix), result.message
    assert "\n" not in result.message and repr(result) == result.message
    assert result.passed == (result.status == RIGHT)
    return result


# --- the checkers, one answer at a time ---------------------------------------------------


def test_every_checker_has_an_answer():
    assert sorted(f"check_{name}" for name in ANSWER) == CHECKERS


@pytest.mark.parametrize("name", sorted(ANSWER))
def test_the_answer_is_right(name):
    result = check(name, ANSWER[name])
    assert result.status == RIGHT, result.message


def blank_returning_none(*args): ...  # your code here (a body that is only this returns None)


def blank_raising(*args):
    raise NotImplementedError


# name: what a shipped blank gives its checker. A function's cell is `...  # your code here`,
# which returns None; a learner may also write `raise NotImplementedError`, or run the checker
# on `...` itself.
BLANKS = {name: [blank_returning_none, blank_raising, ...] for name in ANSWER}
BLANKS["backward_by_hand"] = [dict.fromkeys(["L", "f", "d", "e", "b", "a"], ...), {}]


@pytest.mark.parametrize("name", sorted(ANSWER))
def test_a_blank_is_not_done_yet(name):
    for blank in BLANKS[name]:
        result = check(name, blank)
        assert result.status == NOT_DONE, result.message


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# name: (a wrong answer, what the message must say). Each names the input it fails at, the
# expected and the given numbers, and the hint; a known mistake is named as such.
WRONG_ANSWERS = {
    "tanh_derivative": (
        lambda out, x: 1.0 - x * x,
        [
            "wrong at x = 0.5:",
            "tanh_derivative(out=0.4621172, x=0.5) returned 0.75, expected 0.7864477",
            "square out, not x",
            "Hint: d/dx tanh(x) = 1 − tanh(x)²",
        ],
    ),
    "sigmoid_derivative": (
        lambda out, x: out,
        ["wrong at x = 0.5:", "returned 0.6224593, expected 0.2350037", "Hint: d/dx σ(x)"],
    ),
    "power_derivative": (
        lambda out, x, n: n * x**n,
        ["wrong at x = 2, n = 3:", "returned 24, expected 12", "The exponent drops by one"],
    ),
    "softplus_derivative": (
        lambda out, x: sigmoid(-x),
        ["wrong at x = 0.5:", "returned 0.3775407, expected 0.6224593", "sign of x is flipped"],
    ),
    "silu_derivative": (
        lambda out, x: sigmoid(x),
        ["wrong at x = 0.5:", "returned 0.6224593, expected 0.7399612", "product rule"],
    ),
    "backward_by_hand": (
        {"L": 1.0, "f": -3.0, "d": 0.5, "e": 0.5, "b": 1.5, "a": -1.0},  # a's second share lost
        ["wrong at a:", "dL/da is -0.5, you gave -1", "1 × 0.5 (from d) + -2 × 0.5 (from e)"],
    ),
    "backward_step": (
        lambda node: [
            setattr(o, "grad", loc * node.grad) for o, loc in zip(node._prev, node._local)
        ],
        [
            "wrong at node y (used 2 times):",
            "y.grad is -0.4621172 after the pass, expected -0.9242343",
            "With = a second share overwrites the first",
        ],
    ),
    "output_delta": (
        lambda grad_a, a: list(grad_a),
        [
            "wrong at the output layer of MLP(3, [4, 3, 2]), seed 0",
            "delta[0]: expected",
            "multiply by σ'(z)",
        ],
    ),
    "hidden_delta": (
        lambda w, d, a: [
            sum(w[i][j] * d[i] for i in range(len(d))) * aj * (1 - aj) for j, aj in enumerate(a)
        ],
        ["wrong at hidden layer 2 of MLP", "delta[0]: expected", "this layer is tanh"],
    ),
    "weight_grads": (
        lambda delta, a_prev: [[d * x for x in delta] for d in a_prev],  # transposed
        ["wrong at layer 1 of MLP", "returned 3 rows, expected 4 rows (one per neuron)"],
    ),
    "sgd_momentum_step": (
        lambda p, g, buf, lr, mu: (p - lr * g, buf),
        ["wrong at step 2 (g = -1.2): p is 1.07, expected 1.025", "That is plain SGD"],
    ),
    "adam_step": (
        lambda p, g, m, v, t, lr, b1, b2, eps: (
            p - lr * (b1 * m + (1 - b1) * g) / ((b2 * v + (1 - b2) * g * g) ** 0.5 + eps),
            b1 * m + (1 - b1) * g,
            b2 * v + (1 - b2) * g * g,
        ),
        ["wrong at step 1 (g = 0.5): p is 0.6837724, expected 0.9", "without the bias corrections"],
    ),
}


def test_every_checker_has_a_wrong_answer():
    assert sorted(f"check_{name}" for name in WRONG_ANSWERS) == CHECKERS


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_a_wrong_answer_says_where_what_and_a_hint(name):
    answer, said = WRONG_ANSWERS[name]
    result = check(name, answer)
    assert result.status == WRONG
    for words in said:
        assert words in result.message, result.message
    assert "Hint: " in result.message


FUNCTIONS = sorted(name for name, answer in ANSWER.items() if callable(answer))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_an_answer_that_raises_is_reported_not_raised(name):
    def raising(*args):
        return {}["no such key"]

    result = check(name, raising)
    assert result.status == WRONG
    assert "raised KeyError: 'no such key'" in result.message and "Hint: " in result.message


@pytest.mark.parametrize("name", FUNCTIONS)
def test_an_answer_of_the_wrong_kind_is_wrong_not_an_error(name):
    for answer in (0.5, "tanh"):
        result = check(name, answer)
        assert result.status == WRONG and "takes your function itself" in result.message
    if name != "backward_step":  # which returns nothing: it changes grads
        returns_text = check(name, lambda *args: "0.5")
        assert returns_text.status == WRONG and "'0.5'" in returns_text.message


def test_a_rule_that_returns_nothing_past_its_first_input_is_wrong():
    def half_written(out, x):
        if x > 0:
            return 1.0 - out * out  # the other branch forgets its return

    result = check("tanh_derivative", half_written)
    assert result.status == WRONG and "returned None" in result.message
    assert "wrong at x = -2:" in result.message


def test_numbers_that_differ_late_are_shown_apart():
    result = check("tanh_derivative", lambda out, x: (1.0 - out * out) * (1 + 1e-8))
    assert result.status == WRONG
    shown = re.search(r"returned (\S+), expected (\S+)\.", result.message).groups()
    assert shown[0] != shown[1]


def test_ops_py_form_is_accepted_and_a_value_is_refused():
    from autograd import Value

    assert check("tanh_derivative", lambda out, x: (1.0 - out * out,)).status == RIGHT
    as_value = check("tanh_derivative", lambda out, x: 1.0 - Value(out) * out)
    assert as_value.status == WRONG and "return its number, .data" in as_value.message


def test_a_power_rule_that_divides_by_x_is_wrong_at_0():
    # n·out/x is n·xⁿ⁻¹ wherever x ≠ 0: only x = 0 tells it from the rule.
    by_out = check("power_derivative", lambda out, x, n: n * out / x)
    assert by_out.status == WRONG and "wrong at x = 0, n = 2:" in by_out.message
    assert "ZeroDivisionError" in by_out.message and "out / x fails at x = 0" in by_out.message
    no_zero_case = check("power_derivative", lambda out, x, n: n * x ** (n - 1))
    assert no_zero_case.status == WRONG and "wrong at x = 0, n = 0:" in no_zero_case.message

    # A known mistake that cannot be computed at x = 0 (x ** (n - 1) is 0.0 ** -1) is skipped:
    # the answer is still reported, not "could not be used".
    def zero_only_wrong(out, x, n):
        return 1.0 if x == 0.0 and n == 0.0 else ANSWER["power_derivative"](out, x, n)

    one = check("power_derivative", zero_only_wrong)
    assert one.status == WRONG and "returned 1, expected 0" in one.message, one.message
    patched = check("power_derivative", lambda out, x, n: n * out / x if x else 0.0)
    assert patched.status == WRONG and "wrong at x = 0, n = 1:" in patched.message


def test_a_set_is_refused_and_any_sequence_of_numbers_is_taken():
    from array import array

    output_delta, sgd = ANSWER["output_delta"], ANSWER["sgd_momentum_step"]
    as_set = check("output_delta", lambda grad_a, a: set(output_delta(grad_a, a)))
    assert as_set.status == WRONG and "returned set {" in as_set.message  # it has no order
    as_array = check("sgd_momentum_step", lambda *args: array("d", sgd(*args)))
    assert as_array.status == RIGHT, as_array.message


def test_every_known_mistake_can_be_told_from_the_answer():
    # A mistake the checker names must give a number it can tell from the right one at some
    # input, or its diagnosis is dead code (as eps under Adam's square root was: p moved by
    # 3e-10, below the 1e-9 the checker tells apart).
    for rule in (exercises.TANH, exercises.SIGMOID, exercises.POWER, exercises.SOFTPLUS):
        for mistake, said in rule.mistakes:
            right = [exercises._engine_derivative(rule, xs) for xs in rule.points]
            inputs = [(rule.value(*xs), *xs) for xs in rule.points]
            assert not all(map(exercises._gives, [mistake] * len(right), inputs, right)), said


def test_a_step_that_keeps_its_own_state_is_wrong():
    # Right p at every step, from a buffer of its own; the buf it returns is not nn.optim's.
    kept = {"buf": 0.0}

    def own_buffer(p, g, buf, lr, momentum):
        kept["buf"] = momentum * kept["buf"] + g
        return p - lr * kept["buf"], 0.0

    result = check("sgd_momentum_step", own_buffer)
    assert result.status == WRONG, result.message
    assert "wrong at step 1 (g = 0.5): buf is 0, expected 0.5 (p is right)" in result.message


def test_the_counts_a_right_answer_states_are_the_checks_made():
    passes = exercises.delta_rule_passes()
    hidden, layers = len(exercises._SIZES) - 1, len(exercises._SIZES)
    said = {
        "output_delta": f"on {len(passes)} passes",
        "hidden_delta": f"on {len(passes) * hidden} layers",
        "weight_grads": f"on {len(passes) * layers} layers",
        "tanh_derivative": f"at {len(exercises.TANH.points)} inputs",
        "power_derivative": f"at {len(exercises.POWER.points)} inputs",
        "adam_step": f"over {len(exercises.GRADIENTS)} steps",
    }
    for name, count in said.items():
        calls = []

        def counting(*args, answer=ANSWER[name], calls=calls):
            calls.append(args)
            return answer(*args)

        result = check(name, counting)
        assert result.status == RIGHT and count in result.message, result.message
        assert str(len(calls)) in count  # one call of the answer per input, layer or step


def test_a_backward_step_is_named_a_known_mistake_only_when_it_is_that_mistake():
    def first_operand_only(node):  # at y * y it gives what `=` gives: one share of two
        if node._prev:
            node._prev[0].grad += node._local[0] * node.grad

    result = check("backward_step", first_operand_only)
    assert result.status == WRONG and "wrong at node y (used 2 times):" in result.message
    assert "With = a second share" not in result.message, result.message


def test_a_row_of_ops_replaced_in_the_notebook_is_not_the_reference(monkeypatch):
    # A learner who installs their own rule as ops.OPS["tanh"] is still checked against the
    # engine's rule, not against their own.
    from autograd import ops

    def wrong(out, x):
        return 1.0 - x * x

    monkeypatch.setitem(ops.OPS, "tanh", ops.Op("tanh", math.tanh, lambda out, x: (wrong(out, x),)))
    result = check("tanh_derivative", wrong)
    assert result.status == WRONG and "square out, not x" in result.message


def test_backward_by_hand_partly_done_and_misnamed():
    half = {**ANSWER["backward_by_hand"], "b": ..., "a": ...}
    assert check("backward_by_hand", half).message.endswith("fill in the grads of b, a (still ...)")
    misnamed = check("backward_by_hand", {**ANSWER["backward_by_hand"], "c": 1.0})
    assert misnamed.status == WRONG and "no node is named 'c'" in misnamed.message


def test_the_references_agree_with_central_differences():
    # The checkers' numbers for the table's ops are ops.OPS rows: guard them independently.
    for rule in (exercises.TANH, exercises.SIGMOID, exercises.POWER, exercises.SOFTPLUS):
        for x, *arg in rule.points:
            h = 1e-6
            slope = (rule.value(x + h, *arg) - rule.value(x - h, *arg)) / (2 * h)
            assert abs(exercises._engine_derivative(rule, (x, *arg)) - slope) < 1e-6


def test_importing_autograd_costs_nothing_and_exercises_need_no_nn():
    code = (
        "import sys, autograd; a = 'autograd.exercises' in sys.modules; "
        "import autograd.exercises; print(a, 'nn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"], out.stderr


# --- the notebooks, as shipped and with the answers ----------------------------------------


def tagged(notebook: dict, key: str) -> list[dict]:
    return [cell for cell in notebook["cells"] if key in cell.get("metadata", {})]


def statuses(notebook: dict) -> dict[str, str]:
    """Each checker cell's exercise -> the status its one line of output says."""
    found = {}
    for cell in tagged(notebook, "checker"):
        text = "".join(
            "".join(output.get("text") or output.get("data", {}).get("text/plain", ""))
            for output in cell["outputs"]
        ).strip()
        assert "\n" not in text, text
        starts = [(RIGHT, "right: "), (NOT_DONE, "not done yet: "), (WRONG, "wrong")]
        status = next((s for s, start in starts if text.startswith(start)), None)
        assert status, f"checker cell {cell['metadata']['checker']} printed {text!r}"
        found[cell["metadata"]["checker"]] = status
    return found


def run(nb):
    nbclient = pytest.importorskip("nbclient")
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError if any cell raises
    return nb


def test_the_exercise_notebooks_are_found():
    assert [path.name[:3] for path in NOTEBOOKS] == ["10_", "11_", "12_"]
    used = {
        cell["metadata"]["checker"] for path in NOTEBOOKS for cell in tagged(load(path), "checker")
    }
    assert sorted(f"check_{name}" for name in used) == CHECKERS  # every checker has a place


def load(path: Path):
    nbformat = pytest.importorskip("nbformat")  # with nbclient, installed along with nbmake
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_blank_has_a_checker_and_an_answer(path):
    notebook = load(path)
    blanks = [cell["metadata"]["exercise"] for cell in tagged(notebook, "exercise")]
    checks = [cell["metadata"]["checker"] for cell in tagged(notebook, "checker")]
    assert blanks and blanks == checks
    _, sections = answer_sections(ANSWERS / f"{path.stem}.py")
    assert list(sections) == blanks
    for cell in tagged(notebook, "exercise"):
        assert "# your code here" in "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_saved_notebook_reads_as_shipped(path):
    notebook = load(path)  # saved executed, with the blanks: every checker says not done yet
    assert set(statuses(notebook).values()) == {NOT_DONE}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_as_shipped_every_checker_says_not_done(path):
    notebook = load(path)
    executed = run(notebook)
    found = statuses(executed)
    assert list(found) == [cell["metadata"]["checker"] for cell in tagged(notebook, "checker")]
    assert set(found.values()) == {NOT_DONE}, found
    assert all(cell.get("execution_count") for cell in executed.cells if cell.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_with_the_answers_every_checker_says_right(path):
    notebook = load(path)
    _, sections = answer_sections(ANSWERS / f"{path.stem}.py")
    for cell in tagged(notebook, "exercise"):
        cell["source"] = sections[cell["metadata"]["exercise"]]
    found = statuses(run(notebook))
    assert found and set(found.values()) == {RIGHT}, found
