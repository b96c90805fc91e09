"""The backprop explorer, in a real browser: headless Chromium driven by Selenium.

One browser serves the whole file (a module fixture); each test loads a saved page from disk
and reads it through `window.explorer`. What they protect: the page is one file that asks the
network for nothing and logs no error; its numbers are the engine's (grads after the last step,
paths whose products sum to the grad, every value and grad again after setLeaf on random graphs
of every op, the graph of a typed expression); its op table is ops.py's, op for op; and it draws
something. The tests without a browser (the expression language, the command line, the size
limit, the static picture) run everywhere.

Chromium and chromedriver are Debian's `chromium` and `chromium-driver` (`make chromium`);
without them the browser tests skip, saying so.
"""

import base64
import io
import json
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import autograd
import nn
from autograd import Value
from autograd.drawing.names import node_names
from autograd.engine import gradients, topological_order
from autograd.explorer import MAX_DRAWN, explore
from autograd.explorer.expression import parse_expression
from autograd.ops import OPS

ROOT = Path(__file__).resolve().parents[1]
PAGE_JS = ROOT / "autograd" / "explorer" / "page.js"
FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
    " --disable-background-networking --disable-component-update --disable-sync"
).split()


def close(got, expected, tolerance=1e-12):
    if got is None or expected is None:
        return got is expected
    if got == expected or (math.isnan(got) and math.isnan(expected)):
        return True
    return abs(got - expected) <= tolerance * max(1.0, abs(expected))


def engine_numbers(root):
    """name -> (data, grad) for every node, as draw_text names them and backward() computes."""
    order = topological_order(root)
    grads = gradients({root: 1.0})
    return {name: (node.data, grads[node]) for node, name in node_names(order).items()}


def readme_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    L = (a * b + c) * f
    L.label = "L"
    return L


# --- the browser ---


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[test]'")
    binary, driver_path = _chromium(), shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip(
            "headless Chromium is missing: `make chromium` installs it (Debian's chromium and"
            " chromium-driver packages)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chainrule-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return tmp_path_factory.mktemp("pages")


def open_page(browser, pages, explorer, name="page.html"):
    path = explorer.save(pages / name)
    browser.get(path.resolve().as_uri())
    return path


def js(browser, script, *args):
    return browser.execute_script(script, *args)


# WebDriver sends numbers as JSON, which has no inf or nan: the page's answers come back as JSON
# text with those spelled out as strings, turned back into floats here.
_SPELLED = "const s = (k, v) => typeof v === 'number' && !isFinite(v) ? String(v) : v;"


def numbers_of(browser, expression, *args):
    text = js(browser, f"{_SPELLED} return JSON.stringify({expression}, s)", *args)
    return json.loads(text, object_hook=_floats, parse_constant=float)


def _floats(obj):
    return {k: _float(v) for k, v in obj.items()}


def _float(v):
    if isinstance(v, str) and v in ("Infinity", "-Infinity", "NaN"):
        return float(v)
    if isinstance(v, list):
        return [_float(x) for x in v]
    return v


def errors_in_console(browser):
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def check_against_engine(browser, root):
    """After the last step, every node's data and grad in the page are the engine's."""
    expected = engine_numbers(root)
    js(browser, "explorer.go(explorer.steps() - 1)")
    names = js(browser, "return explorer.names()")
    assert names == list(expected)
    got = numbers_of(browser, "explorer.names().map((n) => explorer.node(n))")
    for name, node in zip(names, got):
        data, grad = expected[name]
        assert close(node["data"], data), (name, node["data"], data)
        assert close(node["grad"], grad), (name, node["grad"], grad)


# --- the page: one file, offline, no errors ---


def test_saved_page_is_one_file_that_asks_the_network_for_nothing(browser, pages):
    path = explore(readme_graph()).save(pages / "offline.html")
    text = path.read_text()
    assert not re.search(r"<script[^>]*\bsrc=", text), "a script loaded from elsewhere"
    assert not re.search(r"<link[^>]*\bhref=", text), "a stylesheet loaded from elsewhere"
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", text)
    uri = path.resolve().as_uri()
    browser.get_log("performance")  # drop what came before
    browser.get(uri)
    assert js(browser, "return typeof window.explorer") == "object"
    events = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    requested = [
        event["params"]["request"]["url"]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
        and event["params"].get("documentURL") == uri
    ]
    assert requested == [uri], requested  # the page itself, and nothing else
    assert js(browser, "return performance.getEntriesByType('resource').length") == 0
    assert errors_in_console(browser) == []


def test_steps_go_forward_node_by_node_then_backward(browser, pages):
    L = readme_graph()
    open_page(browser, pages, explore(L))
    n = len(topological_order(L))
    assert js(browser, "return explorer.steps()") == 2 * n
    first = js(browser, "explorer.go(0); return explorer.names().map((m) => explorer.node(m))")
    assert [node["data"] is not None for node in first] == [True] + [False] * (n - 1)
    assert all(node["grad"] is None for node in first)
    at_root = js(browser, f"explorer.go({n}); return explorer.node('L')")
    assert at_root["grad"] == 1.0 and at_root["status"] == "current"
    assert js(browser, "return explorer.node('a').grad") is None  # nothing reached it yet
    assert js(browser, "return explorer.go(-5)") == 0  # clamped to the steps there are
    assert errors_in_console(browser) == []


def test_after_the_last_step_every_grad_is_the_engines(browser, pages):
    from micrograd_examples import readme_expression

    for root in (readme_graph(), readme_expression(Value(-4.0), Value(2.0))):
        open_page(browser, pages, explore(root))
        check_against_engine(browser, root)


def test_a_value_used_twice_shows_both_terms(browser, pages):
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    open_page(browser, pages, explore(y))
    node = js(browser, "explorer.go(explorer.steps() - 1); return explorer.node('x')")
    assert node["terms"] == [3.0, 3.0] and node["grad"] == 6.0
    text = js(browser, "return document.querySelector('[data-id=v0]').textContent")
    assert "3 + 3 = 6" in text


def test_paths_products_sum_to_the_grad(browser, pages):
    from micrograd_examples import readme_expression

    root = readme_expression(Value(-4.0, label="a"), Value(2.0, label="b"))
    open_page(browser, pages, explore(root))
    expected = engine_numbers(root)
    for name in ("a", "b"):
        paths = js(browser, "return explorer.paths(arguments[0])", name)
        assert len(paths) > 1
        assert all(p["nodes"][0] == name and p["nodes"][-1] == list(expected)[-1] for p in paths)
        total = math.fsum(p["product"] for p in paths)
        assert close(total, expected[name][1], 1e-9), (name, total, expected[name][1])


def test_selecting_a_node_lists_its_paths_or_counts_them(browser, pages):
    x = Value(0.5, label="x")
    y = x
    for _ in range(4):  # y*y + y: 3 paths up from each y, 3**4 = 81 from x to the root
        y = y * y + y
    open_page(browser, pages, explore(y))
    assert js(browser, "return explorer.pathCount('x')") == 81
    js(browser, "explorer.select('x')")
    panel = js(browser, "return document.querySelector('.cr-panel').textContent")
    assert "81 paths: too many to list" in panel
    highlighted = js(browser, "return document.querySelectorAll('.cr-edge.cr-on-path').length")
    assert highlighted > 6


# --- the op table in JavaScript ---

POSITIVE = [0.3, 1.7, 25.0]
ANY = [-2.5, -0.3, 0.0, 0.7, 3.1]
# Inputs for each op (operands' data, then the op's constant argument), kinks included. A test
# fails when OPS has an op without a row here.
OP_INPUTS = {
    "+": [(a, b) for a in ANY for b in ANY[:3]],
    "sum": [(1.5,), (0.1, 0.2, 0.3), tuple(ANY)],
    "*": [(a, b) for a in ANY for b in ANY[1:4]],
    "linear": [(0.5, 1.5, -2.0), (0.1, -0.3, 2.0, 0.7, 0.25), (0.0,)],
    "neg": [(a,) for a in ANY],
    "**": [(a, n) for a in ANY if a for n in (2.0, 3.0, -1.0, 0.0)]
    + [(a, n) for a in POSITIVE for n in (0.5, -0.5, 1.5)]
    + [(0.0, 2.0), (0.0, 0.0), (0.0, 0.5)],
    "pow": [(a, b) for a in POSITIVE for b in (-1.3, 0.0, 2.2)] + [(-2.0, 3.0), (0.0, 2.0)],
    "exp": [(a,) for a in ANY + [50.0, 800.0]],
    "log": [(a,) for a in POSITIVE],
    "sqrt": [(a,) for a in POSITIVE + [0.0]],
    "tanh": [(a,) for a in ANY + [30.0]],
    "sigmoid": [(a,) for a in ANY + [-800.0, 800.0]],
    "softplus": [(a,) for a in ANY + [-50.0, 50.0]],
    "relu": [(a,) for a in ANY],
    "leaky_relu": [(a, alpha) for a in ANY for alpha in (0.01, 0.2)],
    "abs": [(a,) for a in ANY],
    "sin": [(a,) for a in ANY],
    "cos": [(a,) for a in ANY],
}
# Inputs outside the domain: an error in Python, an error in the page.
OP_ERRORS = {"log": [(0.0,), (-1.0,)], "sqrt": [(-1.0,)], "**": [(-2.0, 0.5), (0.0, -1.0)]}


def test_every_op_has_a_row_in_page_js():
    # Without a browser: the keys of page.js's OPS table, read from its text.
    table = PAGE_JS.read_text().split("const OPS = {", 1)[1].split("\n  };", 1)[0]
    keys = set(re.findall(r'^    "([^"]+)": op\(', table, re.MULTILINE))
    assert set(OPS) - keys == set(), f"ops.py has ops that page.js lacks: {set(OPS) - keys}"
    assert set(OP_INPUTS) == set(OPS), "each op of ops.py needs inputs in OP_INPUTS"


def test_page_op_table_agrees_with_ops_py_on_every_op(browser, pages):
    open_page(browser, pages, explore(readme_graph()))
    assert set(js(browser, "return explorer.ops()")) >= set(OPS)
    cases = [(name, list(inputs)) for name, rows in OP_INPUTS.items() for inputs in rows]
    got = [
        _float(row)
        for row in numbers_of(
            browser, "arguments[0].map(([op, xs]) => explorer.evaluate(op, xs))", cases
        )
    ]
    for (name, inputs), (value, derivatives) in zip(cases, got):
        op = OPS[name]
        expected = op.value(*inputs)
        assert close(value, expected), (name, inputs, value, expected)
        for d, e in zip(derivatives, op.derivatives(expected, *inputs), strict=True):
            assert close(d, e), (name, inputs, derivatives)
    for name, rows in OP_ERRORS.items():
        for inputs in rows:
            with pytest.raises((ValueError, ZeroDivisionError)):
                OPS[name].value(*inputs)
            thrown = js(
                browser,
                "try { explorer.evaluate(arguments[0], arguments[1]); return null; }"
                " catch (e) { return e.message; }",
                name,
                list(inputs),
            )
            assert thrown, (name, inputs)


# Steps of a random graph, each safe for any moderate input: log, sqrt and pow get a positive
# base (a*a + 0.5), division a denominator of at least 1.
STEPS = {
    "+": (2, lambda a, b: a + b),
    "-": (2, lambda a, b: a - b),
    "*": (2, lambda a, b: a * b),
    "/": (2, lambda a, b: a / (b * b + 1)),
    "sum": (3, lambda *xs: autograd.sum(xs)),
    "linear": (5, lambda b, w1, x1, w2, x2: autograd.linear([x1, x2], [w1, w2], b)),
    "**2": (1, lambda a: a**2),
    "**3": (1, lambda a: a**3),
    "**-0.5": (1, lambda a: (a * a + 0.5) ** -0.5),
    "pow": (2, lambda a, b: (a * a + 0.5) ** b.tanh()),
    "rpow": (1, lambda a: 2 ** a.tanh()),
    "exp": (1, lambda a: a.tanh().exp()),
    "log": (1, lambda a: (a * a + 0.5).log()),
    "sqrt": (1, lambda a: (a * a + 0.5).sqrt()),
    "tanh": (1, Value.tanh),
    "sigmoid": (1, Value.sigmoid),
    "softplus": (1, Value.softplus),
    "relu": (1, Value.relu),
    "leaky_relu": (1, lambda a: a.leaky_relu(0.1)),
    "abs": (1, Value.abs),
    "sin": (1, Value.sin),
    "cos": (1, Value.cos),
}


def random_program(rng):
    """Leaf values and steps (a step's name, indices of earlier nodes, whether it is squashed)."""
    leaves = [round(rng.uniform(-2.0, 2.0), 3) for _ in range(rng.randint(2, 4))]
    steps = []
    for size in range(len(leaves), len(leaves) + rng.randint(4, 10)):
        name = rng.choice(sorted(STEPS))
        steps.append((name, [rng.randrange(size) for _ in range(STEPS[name][0])]))
    return leaves, steps


def run_program(leaves, steps, squash=None):
    """The graph of a program; a result past 5 is squashed with tanh, decided on the first run
    and kept on the next, so that both runs build the same graph."""
    values = [Value(x, label=f"x{i}") for i, x in enumerate(leaves)]
    decided = []
    for k, (name, operands) in enumerate(steps):
        value = STEPS[name][1](*[values[i] for i in operands])
        big = abs(value.data) > 5.0 if squash is None else squash[k]
        if big:
            value = value.tanh()
        decided.append(big)
        values.append(value)
    root = autograd.sum(values[len(leaves) :])  # every step on a path to the root
    return root, decided


def test_set_leaf_gives_the_engines_numbers_on_random_graphs_of_every_op(browser, pages):
    rng = random.Random(2024)
    covered = set()
    for trial in range(14):
        leaves, steps = random_program(rng)
        if trial < len(STEPS):  # make sure each step appears
            steps.append((sorted(STEPS)[trial], [0] * STEPS[sorted(STEPS)[trial]][0]))
        root, squash = run_program(leaves, steps)
        covered.update(node._op for node in topological_order(root))
        open_page(browser, pages, explore(root), f"random{trial}.html")
        names = js(browser, "return explorer.names()")
        which = rng.choice([i for i in range(len(leaves)) if f"x{i}" in names])
        changed = list(leaves)
        changed[which] = round(leaves[which] + rng.uniform(-0.5, 0.5), 3)
        js(browser, "explorer.setLeaf(arguments[0], arguments[1])", f"x{which}", changed[which])
        again, _ = run_program(changed, steps, squash)
        check_against_engine(browser, again)
        assert errors_in_console(browser) == []
    for name in sorted(STEPS)[14:]:  # the steps the trials above did not force
        leaves, steps = [0.3, -1.2], [(name, [0, 1, 0, 1, 0][: STEPS[name][0]])]
        root, squash = run_program(leaves, steps)
        covered.update(node._op for node in topological_order(root))
        open_page(browser, pages, explore(root), f"op-{name}.html")
        js(browser, "explorer.setLeaf('x0', 0.9)")
        check_against_engine(browser, run_program([0.9, -1.2], steps, squash)[0])
    assert covered - {""} == set(OPS), f"no random graph used {set(OPS) - covered}"


def test_set_leaf_outside_the_domain_says_so_and_keeps_the_graph(browser, pages):
    x = Value(2.0, label="x")
    y = x.log()
    open_page(browser, pages, explore(y))
    message = js(
        browser,
        "try { explorer.setLeaf('x', -1); return null; } catch (e) { return e.message; }",
    )
    assert "positive numbers only" in message
    assert js(browser, "return explorer.node('x').data") == 2.0
    assert "log is defined" in js(browser, "return explorer.message()")
    with pytest.raises(Exception, match="not a leaf"):
        js(browser, "explorer.setLeaf('#1', 3)")


def test_module_boxes_keep_every_number(browser, pages):
    rng = random.Random(1)
    model = nn.MLP(2, [4, 4, 1])
    for p in model.parameters():
        p.data = rng.uniform(-1.0, 1.0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    open_page(browser, pages, explore(out, collapse=model.layers))
    assert js(browser, "return document.querySelectorAll('.cr-box').length") == 3
    check_against_engine(browser, out)
    js(browser, "explorer.setLeaf('x1', 0.25)")
    check_against_engine(browser, model([Value(0.25, label="x1"), Value(-1.0, label="x2")]))
    assert errors_in_console(browser) == []


# --- the expression box ---

EXPRESSIONS = [
    ("tanh(x*w + b)", {"x": 1.0, "w": 0.5, "b": -0.2}),
    ("relu(a) * a", {"a": 1.5}),
    ("2 * x - x / 3 + x ** 2 + 2 ** x - -x + 1 / x", {"x": 0.7}),
    ("sigmoid(u) ** v + leaky_relu(u - 3, 0.2) + sqrt(u) * log(v) + exp(-u)", {"u": 2.0, "v": 1.5}),
    ("sin(t) * cos(t) + abs(t) + softplus(t * 2 ** -1)", {"t": -0.4}),
]


def type_expression(browser, text, values):
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.CSS_SELECTOR, ".cr-expression input[name=expression]")
    box.clear()
    box.send_keys(text)
    field = browser.find_element(By.CSS_SELECTOR, ".cr-expression input[name=values]")
    field.clear()
    field.send_keys(" ".join(f"{k}={v}" for k, v in values.items()))
    browser.find_element(By.CSS_SELECTOR, ".cr-expression button").click()


def test_a_typed_expression_gives_the_engines_graph_and_grads(browser, pages):
    open_page(browser, pages, explore(readme_graph()))
    for text, values in EXPRESSIONS:
        type_expression(browser, text, values)
        assert js(browser, "return explorer.message()") == "", text
        check_against_engine(browser, parse_expression(text, values))
    assert errors_in_console(browser) == []


@pytest.mark.parametrize(
    "text, values, message",
    [
        ("x % 2", {"x": 1.0}, "takes numbers, names"),
        ("foo(x)", {"x": 1.0}, "not a function of the engine"),
        ("x * q", {"x": 1.0}, "q has no value"),
        ("(x + 1", {"x": 1.0}, "cannot read"),
        ("3 * 4", {}, "is a number"),
        ("log(x - 5)", {"x": 1.0}, "positive numbers only"),
    ],
)
def test_a_bad_expression_gets_a_clear_message_in_python(text, values, message):
    with pytest.raises(ValueError, match=message):
        parse_expression(text, values)


def test_a_bad_expression_gets_a_clear_message_in_the_page(browser, pages):
    open_page(browser, pages, explore(readme_graph()))
    for text, message in [
        ("x % 2", "takes numbers, names"),
        ("foo(x)", "not a function of the engine"),
        ("x * q", "q has no value"),
        ("(x + 1", "')'"),
        ("log(x - 5)", "positive numbers only"),
    ]:
        type_expression(browser, text, {"x": 1.0})
        assert message in js(browser, "return explorer.message()"), text
        assert js(browser, "return explorer.names()")[-1] == "L"  # the graph stays


def test_the_expression_language_never_evaluates_python():
    with pytest.raises(ValueError, match="not a function of the engine"):
        parse_expression("__import__('os').system('true')", {})
    with pytest.raises(ValueError, match="not a function of the engine"):
        parse_expression("open('f')", {})
    with pytest.raises(ValueError, match="not in the language"):
        parse_expression("x.data", {"x": 1.0})


# --- the command line, the size limit, the static picture ---


def test_the_command_line_writes_a_page(tmp_path):
    page = tmp_path / "page.html"
    command = [sys.executable, "-m", "autograd", "explore", "tanh(x*w + b)", "x=1", "w=0.5"]
    done = subprocess.run(
        [*command, "b=-0.2", "-o", str(page)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert str(page) in done.stdout and page.exists()
    assert "tanh(x*w + b)" in page.read_text()
    missing = subprocess.run([*command, "-o", str(page)], capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2 and "b has no value" in missing.stderr


def test_a_graph_past_the_size_limit_is_refused():
    x = Value(0.1)
    for _ in range(MAX_DRAWN):
        x = x.tanh()
    with pytest.raises(ValueError, match="draws at most"):
        explore(x)


def test_notebooks_get_html_and_a_static_picture():
    bundle = explore(readme_graph())._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<svg")
    assert "<svg" in bundle["text/html"] and "ChainruleExplorer.mount" in bundle["text/html"]
    assert "grad 6.0000" in bundle["image/svg+xml"]  # a's final grad, with no script run


def test_a_screenshot_is_not_blank(browser, pages):
    from PIL import Image

    open_page(browser, pages, explore(readme_graph()))
    js(browser, "explorer.go(9); explorer.select('a')")
    png = base64.b64decode(browser.get_screenshot_as_base64())
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50, "the page drew (almost) nothing"
    white = max(count for count, colour in colours if colour == (255, 255, 255))
    assert white < 0.97 * image.width * image.height
