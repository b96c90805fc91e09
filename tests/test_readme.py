"""The README tells the truth: its example prints what it says and draws the picture shown."""

import contextlib
import html
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def _svg_texts(svg: str) -> list[str]:
    return sorted(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def _run_example(tmp_path, monkeypatch) -> tuple[str, dict]:
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(_blocks("python")[0], namespace)
    return printed.getvalue(), namespace


def test_example_prints_what_the_readme_says(tmp_path, monkeypatch):
    printed, _ = _run_example(tmp_path, monkeypatch)
    assert printed == _blocks("text")[0]


def test_example_draws_the_pictured_graph(tmp_path, monkeypatch):
    _run_example(tmp_path, monkeypatch)
    drawn = (tmp_path / "graph.svg").read_text()
    pictured = (ROOT / "notebooks/figures/readme_graph.svg").read_text()
    assert "notebooks/figures/readme_graph.svg" in README
    # Layout coordinates may differ between Graphviz versions; every word and number may not.
    assert _svg_texts(drawn) == _svg_texts(pictured)
    assert {"-3", "2", "data -8.0000", "grad 6.0000"} <= set(_svg_texts(drawn))


def test_text_view_in_the_readme_is_what_draw_text_prints(tmp_path, monkeypatch):
    from autograd import draw_text

    _, namespace = _run_example(tmp_path, monkeypatch)
    assert draw_text(namespace["L"]) + "\n" == _blocks("text")[1]


def test_every_python_example_runs_and_prints_what_follows_it(tmp_path, monkeypatch):
    # Each ```python block is run on its own; where "prints" and a ```text block follow it,
    # that is exactly what it must print.
    monkeypatch.chdir(tmp_path)
    pieces = re.split(r"```python\n(.*?)```", README, flags=re.DOTALL)
    for code, after in zip(pieces[1::2], pieces[2::2]):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, {})
        claimed = re.match(r"\s*prints\s*```text\n(.*?)```", after, flags=re.DOTALL)
        if claimed:
            assert printed.getvalue() == claimed.group(1)


def test_the_readme_commands_are_make_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"^make (\w+)", _blocks("sh")[0], flags=re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target


def test_the_speed_figures_are_the_latest_benchmark_runs():
    # The README's benchmark tables are what the report prints of the committed run: no
    # figure is typed in by hand.
    from benchmarks import report

    printed = report.render_readme_file(ROOT / "benchmarks/results/latest.json")
    speed = README[README.index("## Speed") : README.index("## Coming from micrograd")]
    tables = re.findall(r"```text\n(.*?)\n```", speed, flags=re.DOTALL)
    assert tables == printed.split("\n\n")


def test_the_node_counts_of_the_readme_are_the_graphs():
    # One step of micrograd's demo loss, with our neurons and with micrograd's (a product
    # and a sum per weight); the README quotes both sizes.
    from autograd import Value, topological_order
    from nn import MLP
    from nn.data import make_moons

    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1])

    def micrograd_neuron(neuron, x):
        act = sum((wi * xi for wi, xi in zip(neuron.w, x)), neuron.b)
        return act.relu() if neuron.nonlin else act

    def micrograd_model(x):
        for layer in model.layers:
            x = [v if isinstance(v, Value) else Value(v) for v in x]
            x = [micrograd_neuron(n, x) for n in layer.neurons]
        return x[0]

    sizes = []
    for forward in (micrograd_model, model):
        scores = [forward(x) for x in X]
        losses = [(1 + -(2 * yi - 1) * s).relu() for yi, s in zip(y, scores)]
        loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        sizes.append(len(topological_order(loss)))
    assert f"has {sizes[1]} nodes instead of {sizes[0]}" in " ".join(README.split())
