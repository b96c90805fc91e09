"""state_dict, load_state_dict, nn.save and nn.load: names, round trips, atomic saves (a save
killed halfway leaves the previous file), and the distinct errors for files we cannot load."""

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc

import pytest

import nn
from autograd import Value
from nn import MLP, Layer, Neuron

X = [[0.3, -1.2], [2.0, 0.5], [-0.7, -0.1]]


def test_state_dict_names_follow_pytorchs_dotted_style_in_parameter_order():
    model = MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    assert list(state)[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert list(state)[-1] == "layers.1.neurons.0.b" and len(state) == 13
    assert list(state.values()) == [p.data for p in model.parameters()]
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert list(Neuron(2).state_dict()) == ["w.0", "w.1", "b"]
    assert list(Layer(1, 2).state_dict()) == [
        "neurons.0.w.0",
        "neurons.0.b",
        "neurons.1.w.0",
        "neurons.1.b",
    ]


def test_load_state_dict_copies_the_numbers_and_the_outputs_follow():
    source, target = MLP(2, [4, 2], seed=1), MLP(2, [4, 2], seed=2)
    assert [v.data for v in target(X[0])] != [v.data for v in source(X[0])]
    assert target.load_state_dict(source.state_dict()) == ([], [])
    assert [v.data for v in target(X[0])] == [v.data for v in source(X[0])]
    target.layers[0].neurons[0].b.data = 5.0  # a copy of the numbers, not shared Values
    assert source.layers[0].neurons[0].b.data == 0.0


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("layers.1.neurons.0.w.3"), "missing keys layers.1.neurons.0.w.3"),
        (lambda s: s.update({"layers.2.neurons.0.b": 1.0}), "unexpected keys layers.2.neurons.0.b"),
        (lambda s: s.update({"layers.0.neurons.0.b": "0.5"}), "not numbers: layers.0.neurons.0.b"),
        (lambda s: s.update({"layers.0.neurons.0.b": True}), "not numbers"),
    ],
)
def test_load_state_dict_refuses_what_does_not_fit_and_changes_nothing(change, message):
    model = MLP(2, [4, 1], seed=3)
    before = model.state_dict()
    state = {name: number + 1.0 for name, number in before.items()}
    change(state)
    with pytest.raises(nn.StateDictError, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_a_number_too_big_for_a_float_is_refused_before_any_parameter_changes():
    model = MLP(2, [4, 1], seed=3)
    before = model.state_dict()
    state = {name: number + 1.0 for name, number in before.items()}
    state["layers.0.neurons.2.w.1"] = 10**400  # the 9th of 17: float() overflows
    with pytest.raises(nn.StateDictError, match="too big for a float: layers.0.neurons.2.w.1"):
        model.load_state_dict(state)
    assert model.state_dict() == before  # every parameter, not only the ones after it


def test_load_state_dict_of_another_shape_names_what_differs():
    small, big = MLP(2, [3, 1], seed=0), MLP(2, [4, 1], seed=1)
    with pytest.raises(ValueError, match="missing keys layers.0.neurons.3.w.0.*architecture"):
        big.load_state_dict(small.state_dict())
    result = big.load_state_dict(small.state_dict(), strict=False)  # loads what fits
    assert result.unexpected_keys == []
    assert result.missing_keys == [
        "layers.0.neurons.3.w.0",
        "layers.0.neurons.3.w.1",
        "layers.0.neurons.3.b",
        "layers.1.neurons.0.w.3",
    ]
    assert big.layers[1].neurons[0].w[2].data == small.layers[1].neurons[0].w[2].data
    with pytest.raises(nn.StateDictError, match="unexpected keys layers.0.neurons.3.w.0"):
        small.load_state_dict(big.state_dict())


@pytest.mark.parametrize(
    "model",
    [
        MLP(2, [5, 3, 1], seed=4),
        MLP(2, [4, 2], activation="tanh", output_activation="sigmoid", seed=5),
        MLP(2, [3, 1], activation="leaky_relu", seed=6),
        Layer(2, 3, activation="tanh", seed=7),
        Neuron(2, activation="sigmoid", seed=8),
    ],
    ids=repr,
)
def test_save_and_load_round_trip_gives_identical_outputs(model, tmp_path):
    path = tmp_path / "model.json"
    nn.save(model, path)
    loaded = nn.load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()
    for x in X:
        ours, theirs = model(x), loaded(x)
        ours = ours if isinstance(ours, list) else [ours]
        theirs = theirs if isinstance(theirs, list) else [theirs]
        assert [v.data for v in ours] == [v.data for v in theirs]
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule.nn" and document["version"] == 1
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_save_overwrites_and_keeps_the_file_mode(tmp_path):
    path = tmp_path / "model.json"
    nn.save(MLP(2, [1], seed=0), path)
    os.chmod(path, 0o640)
    nn.save(MLP(2, [1], seed=1), path)
    assert nn.load(path).state_dict() == MLP(2, [1], seed=1).state_dict()
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_model_that_load_could_not_rebuild_is_refused_before_the_file_is_written(tmp_path):
    path = tmp_path / "model.json"
    tied = MLP(2, [3, 1], seed=0)
    tied.layers[0].neurons[1].w[0] = tied.layers[0].neurons[0].w[0]  # one Value in two places
    with pytest.raises(ValueError, match=r"MLP has 12 parameters where its architecture has 13"):
        nn.save(tied, path)
    grown = MLP(2, [3, 1], seed=0)
    grown.temperature = Value(1.0)  # a parameter of one's own, beyond the layers
    with pytest.raises(ValueError, match=r"14 parameters where its architecture has 13: Values"):
        nn.save(grown, path)
    assert not path.exists()
    nn.save_checkpoint(path, model=tied, step=1)  # by name: into a model tied the same way
    again = MLP(2, [3, 1], seed=1)
    again.layers[0].neurons[1].w[0] = again.layers[0].neurons[0].w[0]
    nn.load_checkpoint(path, model=again)
    assert again.state_dict() == tied.state_dict()


# nn.save and nn.save_checkpoint write through the same helper (nn/_atomic.py): each
# guarantee below is checked on both.
SAVES = {
    "save": lambda model, path: nn.save(model, path),
    "save_checkpoint": lambda model, path: nn.save_checkpoint(path, model=model, step=1),
}
LOADS = {
    "save": lambda path: nn.load(path).state_dict(),
    "save_checkpoint": lambda path: json.loads(path.read_text())["model"]["state_dict"],
}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
@pytest.mark.parametrize("how", SAVES)
def test_a_save_through_a_symlink_writes_the_file_it_points_to(tmp_path, how):
    (tmp_path / "runs").mkdir()
    (tmp_path / "latest").mkdir()
    target, link = tmp_path / "runs" / "model-7.json", tmp_path / "latest" / "model.json"
    SAVES[how](MLP(2, [1], seed=0), target)
    link.symlink_to(os.path.join("..", "runs", "model-7.json"))  # relative, as `ln -s` makes
    SAVES[how](MLP(2, [1], seed=1), link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("..", "runs", "model-7.json")
    assert LOADS[how](target) == MLP(2, [1], seed=1).state_dict()  # the target has the new
    assert LOADS[how](link) == LOADS[how](target)
    os.chmod(target, 0o444)  # the target decides: read-only through the link too
    with pytest.raises(PermissionError, match=r"model.json \(a link to .*model-7.json\) is read"):
        SAVES[how](MLP(2, [1], seed=2), link)
    assert LOADS[how](target) == MLP(2, [1], seed=1).state_dict()
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "latest",
        "model-7.json",
        "model.json",
        "runs",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_save_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "model.json"
    link.symlink_to("first-run.json")
    nn.save(MLP(2, [1], seed=0), link)
    assert link.is_symlink() and (tmp_path / "first-run.json").is_file()
    assert nn.load(link).state_dict() == MLP(2, [1], seed=0).state_dict()


def test_a_directory_without_write_permission_is_named_in_the_error(tmp_path, monkeypatch):
    def no_permission(**kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".model.json.1.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", no_permission)  # as for a user who is not root
    with pytest.raises(PermissionError, match="no permission to create files in .*model-dir"):
        nn.save(MLP(2, [1]), tmp_path / "model-dir" / "model.json")


@pytest.mark.parametrize("how", SAVES)
def test_a_read_only_file_is_refused_not_replaced(tmp_path, how):
    path = tmp_path / "model.json"
    SAVES[how](MLP(2, [1], seed=0), path)
    before = path.read_bytes()
    os.chmod(path, 0o444)  # refused even for root, who could write it anyway
    with pytest.raises(PermissionError, match="model.json is read-only, so it is not replaced"):
        SAVES[how](MLP(2, [1], seed=1), path)
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444
    assert list(tmp_path.iterdir()) == [path]  # and no temporary file left
    os.chmod(path, 0o644)
    SAVES[how](MLP(2, [1], seed=1), path)  # writable again: saved
    assert LOADS[how](path) == MLP(2, [1], seed=1).state_dict()


@pytest.mark.parametrize("how", SAVES)
def test_a_directory_where_the_file_should_be_is_named_and_left_as_it_was(tmp_path, how):
    (tmp_path / "runs").mkdir()
    with pytest.raises(IsADirectoryError, match=r"cannot save .*runs: it is a directory; give"):
        SAVES[how](MLP(2, [1], seed=0), tmp_path / "runs")
    assert list(tmp_path.rglob("*")) == [tmp_path / "runs"]  # no temporary file left


def _ended_pid():
    """The process id of a process that has run and ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    return child.pid


@pytest.mark.skipif(os.name != "posix", reason="stale files are recognised on POSIX")
@pytest.mark.parametrize("how", SAVES)
def test_a_save_removes_its_own_stale_temporary_files_and_nothing_else(tmp_path, how):
    path = tmp_path / "model.json"
    dead = _ended_pid()
    stale = tmp_path / f".model.json.{dead}.k3x_9qzw.tmp"  # a save killed before its rename
    kept = [
        tmp_path / f".model.json.{os.getppid()}.a1b2c3d4.tmp",  # a save still running
        tmp_path / f".model.json.{os.getpid()}.e5f6g7h8.tmp",  # another thread of ours
        tmp_path / f".other.json.{dead}.k3x_9qzw.tmp",  # another file's
        tmp_path / ".model.json.notes.tmp",  # not named as ours
        tmp_path / f"model.json.{dead}.k3x_9qzw.tmp",
    ]
    for debris in [stale, *kept]:
        debris.write_text("{")
    SAVES[how](MLP(2, [1], seed=0), path)
    assert not stale.exists()
    assert all(debris.exists() for debris in kept)
    assert sorted(tmp_path.iterdir()) == sorted([path, *kept])


OURS = {"format": "chainrule.nn", "version": 1, "state_dict": {}}


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=9)
    nn.save(model, path)
    return path, model


def test_a_truncated_file_is_reported_as_corrupt(saved):
    path, _ = saved
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(nn.CorruptFileError, match="is not valid JSON.*cut short"):
        nn.load(path)
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(nn.CorruptFileError):
        nn.load(path)


@pytest.mark.parametrize(
    "document, error, message",
    [
        ({"weights": [1, 2, 3]}, nn.NotAModelFileError, "not a chainrule model"),
        ([1, 2, 3], nn.NotAModelFileError, "not a chainrule model"),
        ({"format": "chainrule.nn", "version": 99}, nn.UnsupportedVersionError, "version 99"),
        ({**OURS, "model": {"class": "CNN"}}, nn.NotAModelFileError, "does not describe an MLP"),
        ({**OURS, "model": {"class": "MLP", "nin": 2}}, nn.NotAModelFileError, "cannot be built"),
        ({**OURS, "state_dict": [0.5]}, nn.NotAModelFileError, 'no "state_dict" object'),
    ],
)
def test_json_that_is_not_ours_is_refused_with_its_own_error(saved, document, error, message):
    path, _ = saved
    path.write_text(json.dumps(document))
    with pytest.raises(error, match=message):
        nn.load(path)


def _load_measuring_memory(path, most=1_000_000):
    """nn.load(path), asserting that it allocated at most `most` bytes at its peak, whether it
    returns or raises: a file is refused before a model of its declared size is built."""
    tracemalloc.start()
    try:
        return nn.load(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < most, f"nn.load({path}) allocated {peak:,} bytes"


@pytest.mark.parametrize(
    "model",
    [
        {"class": "MLP", "nin": 1000, "nouts": [1000]},  # 1,001,000 parameters, ~240 MB
        {"class": "MLP", "nin": 10**9, "nouts": [10**9, 1]},  # would never finish
        {"class": "Layer", "nin": 10**6, "nout": 1000, "activation": "relu"},
        {"class": "Neuron", "nin": 10**8, "activation": "relu"},
    ],
    ids=["MLP(1000, [1000])", "MLP(1e9, [1e9, 1])", "Layer", "Neuron"],
)
def test_a_small_file_declaring_a_huge_model_is_refused_before_anything_is_built(tmp_path, model):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**OURS, "model": model, "state_dict": {"w.0": 0.5, "b": 0.0}}))
    assert path.stat().st_size < 200
    with pytest.raises(nn.StateDictError, match="declares a model of .* only 2 numbers"):
        _load_measuring_memory(path)  # a million Values would take hundreds of MB


def test_a_bad_layer_size_late_in_nouts_is_refused_before_the_first_layer_is_built(tmp_path):
    path = tmp_path / "model.json"
    model = {"class": "MLP", "nin": 1000, "nouts": [1000, "ten"]}
    path.write_text(json.dumps({**OURS, "model": model}))
    with pytest.raises(nn.NotAModelFileError, match="every layer size in nouts must be"):
        _load_measuring_memory(path)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_a_file_with_a_number_save_never_writes_is_refused(saved, number):
    path, _ = saved
    text = path.read_text()
    first = text.index('"layers.0.neurons.0.w.0": ') + len('"layers.0.neurons.0.w.0": ')
    end = text.index(",", first)
    path.write_text(text[:first] + number + text[end:])
    with pytest.raises(nn.CorruptFileError, match=f"holds {number}, which is not a number JSON"):
        nn.load(path)
    assert math.isinf(json.loads(number)) or math.isnan(json.loads(number))  # Python reads it


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a": ' * 100_000],
    ids=["unclosed lists", "closed lists", "objects"],
)
def test_deeply_nested_json_is_refused_as_corrupt_not_a_recursion_error(tmp_path, text):
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(nn.CorruptFileError, match="nests lists or objects too deeply"):
        nn.load(path)


def test_a_name_given_twice_is_refused_not_read_as_its_last_number(saved):
    path, _ = saved
    text = path.read_text()
    path.write_text(
        text.replace(
            '"layers.0.neurons.0.b": ', '"layers.0.neurons.0.b": 7.0,\n  "layers.0.neurons.0.b": '
        )
    )
    assert json.loads(path.read_text())["state_dict"]["layers.0.neurons.0.b"] != 7.0
    with pytest.raises(nn.CorruptFileError, match="holds the key 'layers.0.neurons.0.b' twice"):
        nn.load(path)


def test_integers_no_float_holds_are_refused(saved):
    path, model = saved
    document = json.loads(path.read_text())
    document["state_dict"]["layers.0.neurons.0.b"] = 10**400
    path.write_text(json.dumps(document))
    with pytest.raises(nn.StateDictError, match="too big for a float: layers.0.neurons.0.b"):
        nn.load(path)
    path.write_text(path.read_text().replace("1" + "0" * 400, "1" + "0" * 5000))
    with pytest.raises(nn.CorruptFileError, match="holds a number Python will not read"):
        nn.load(path)


def test_a_file_whose_parameters_do_not_fit_its_architecture_is_refused(saved):
    path, _ = saved
    document = json.loads(path.read_text())
    document["model"]["nouts"] = [4, 1]
    path.write_text(json.dumps(document))
    with pytest.raises(nn.StateDictError, match="declares a model of 17 .* only 13 numbers"):
        nn.load(path)
    document["model"]["nouts"] = [2, 1]  # fewer parameters than numbers: named one by one
    path.write_text(json.dumps(document))
    with pytest.raises(nn.StateDictError, match="unexpected keys layers.0.neurons.2"):
        nn.load(path)


def test_the_errors_are_distinct_value_errors():
    errors = [nn.CorruptFileError, nn.NotAModelFileError, nn.UnsupportedVersionError]
    errors.append(nn.StateDictError)
    assert all(issubclass(e, ValueError) for e in errors) and len(set(errors)) == 4


def test_a_save_that_fails_halfway_leaves_the_old_file_and_no_debris(saved, monkeypatch):
    path, model = saved
    before = path.read_bytes()

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        nn.save(MLP(2, [3, 1], seed=10), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]
    diverged = MLP(2, [3, 1])
    diverged.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match="layers.0.neurons.0.b is nan"):
        nn.save(diverged, path)
    assert nn.load(path).state_dict() == model.state_dict()


# A child process that saves a new model but stops between writing the temporary file and
# renaming it over the target, where the test kills it with SIGKILL: no cleanup can run.
_KILLED_SAVE = textwrap.dedent(
    """
    import os, sys, time
    import nn

    def stalled_replace(src, dst):
        print(src, flush=True)
        time.sleep(60)

    os.replace = stalled_replace
    nn.save(nn.MLP(2, [16, 16, 1], seed=1), sys.argv[1])
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_a_save_killed_before_the_rename_leaves_the_previous_file_loadable(saved):
    path, model = saved
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SAVE, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        temporary = child.stdout.readline().strip()  # the new file is written and synced
        assert temporary and os.path.dirname(temporary) == str(path.parent)
        assert len(json.loads(open(temporary).read())["state_dict"]) == 337
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert nn.load(path).state_dict() == model.state_dict()
    assert os.path.exists(temporary)  # the killed save's debris, named with its pid
    nn.save(model, path)  # the next save removes it
    assert not os.path.exists(temporary) and list(path.parent.iterdir()) == [path]
