"""Saving and loading models as JSON: readable, diffable, and never pickle (which would run
whatever code a file holds).

    nn.save(model, "model.json")
    model = nn.load("model.json")

The file holds a marker and a version, the architecture (enough to rebuild the model) and
the state_dict, every parameter by its dotted name:

    {"format": "chainrule.nn", "version": 1,
     "model": {"class": "MLP", "nin": 2, "nouts": [16, 1], "activation": "relu", ...},
     "state_dict": {"layers.0.neurons.0.w.0": 0.23, ...}}

A save is atomic: it writes a temporary file next to the target and renames it over the
target only once the bytes are on disk, so a crash halfway leaves the previous file whole.
It writes through a symbolic link to the file the link points to, refuses to replace a
read-only file (PermissionError), and removes the temporary files of earlier saves that were
killed before their rename (nn/_atomic.py, shared with nn.save_checkpoint).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from nn._atomic import write_atomically
from nn.modules import MLP, Layer, Module, Neuron, StateDictError, is_size

FORMAT = "chainrule.nn"
VERSION = 1


class CorruptFileError(ValueError):
    """The file is not valid JSON: cut short by a crash or a copy, or edited by hand."""


class NotAModelFileError(ValueError):
    """The file is JSON, but not a model saved by nn.save."""


class UnsupportedVersionError(ValueError):
    """The file was written by a newer version of this format."""


def save(model: Module, path: str | os.PathLike) -> None:
    """Write the model's architecture and parameters to `path` as JSON, atomically: through
    a symbolic link to its target, never over a read-only file (PermissionError); see
    nn/_atomic.py."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "model": architecture(model),
        "state_dict": finite_state_dict(model),
    }
    _check_rebuildable(model, len(document["state_dict"]), parameter_count(document["model"]))
    write_atomically(path, json.dumps(document, indent=1) + "\n")


def finite_state_dict(model: Module) -> dict[str, float]:
    """model.state_dict(), for a file: ValueError if a parameter is nan or inf, which JSON
    cannot hold (nn.save and nn.save_checkpoint)."""
    state_dict = model.state_dict()
    for name, number in state_dict.items():
        if not math.isfinite(number):
            raise ValueError(f"cannot save: parameter {name} is {number} (did training diverge?)")
    return state_dict


def _check_rebuildable(model: Module, held: int, built: int | None) -> None:
    """load() builds the architecture afresh, so its parameters must be all the model has: a
    file of more or fewer would be written, then refused by load()."""
    if held == built:
        return
    why = (
        "a Value is in two places in it (tied weights)"
        if held < built
        else "Values were attached to it beyond its layers"
    )
    raise ValueError(
        f"cannot save: this {type(model).__name__} has {held} parameters where its "
        f"architecture has {built}: {why}, which nn.load, building the architecture afresh, "
        "would not restore. nn.save_checkpoint(path, model=model) saves the parameters by "
        "name, to load into a model made the same way"
    )


def load(path: str | os.PathLike) -> Module:
    """Rebuild the model saved in `path`, with its parameters.

    Raises CorruptFileError (not JSON, or what JSON does not allow: NaN, Infinity, 1e999, a
    key twice in one object),
    NotAModelFileError (JSON, but not ours), UnsupportedVersionError (a newer format), or
    StateDictError (parameters that do not fit the architecture); all are ValueErrors.
    The sizes the file declares are checked against the numbers it holds before anything is
    built, so a small file cannot make this build a huge model."""
    path = Path(path)
    document = read_document(path, FORMAT, VERSION, "model")
    state_dict = document.get("state_dict")
    if not isinstance(state_dict, dict):
        raise NotAModelFileError(f'{path} has no "state_dict" object')
    spec = document.get("model")
    declared = parameter_count(spec)
    if declared is not None and declared > len(state_dict):  # it could not fit: build nothing
        raise StateDictError(
            f"{path} declares a model of {declared} parameters but holds only "
            f"{len(state_dict)} numbers (was it edited, or saved from another architecture?)"
        )
    model = build(spec, where=str(path))
    model.load_state_dict(state_dict)
    return model


def architecture(model: Module) -> dict[str, Any]:
    """What it takes to rebuild `model`, as a JSON-ready dict."""
    if isinstance(model, MLP):
        keys = ("nin", "nouts", "activation", "output_activation")
        return {"class": "MLP", **{key: getattr(model, key) for key in keys}}
    if isinstance(model, Layer):
        first = model.neurons[0]
        sizes = {"nin": len(first.w), "nout": len(model.neurons)}
        return {"class": "Layer", **sizes, "activation": first.activation}
    if isinstance(model, Neuron):
        return {"class": "Neuron", "nin": len(model.w), "activation": model.activation}
    raise TypeError(f"nn.save can save an MLP, a Layer or a Neuron; got {type(model).__name__}")


def parameter_count(spec: Any) -> int | None:
    """How many parameters the model an architecture() dict describes has, worked out from
    its sizes alone (nothing is built); None if the sizes are missing or not positive whole
    numbers, which build() then refuses. Each neuron has a weight per input and a bias."""
    if not isinstance(spec, dict):
        return None
    if spec.get("class") == "MLP":
        nouts = spec.get("nouts")
        sizes = [spec.get("nin"), *nouts] if isinstance(nouts, list) and nouts else []
    elif spec.get("class") == "Layer":
        sizes = [spec.get("nin"), spec.get("nout")]
    elif spec.get("class") == "Neuron":
        sizes = [spec.get("nin"), 1]
    else:
        return None
    if not sizes or not all(map(is_size, sizes)):
        return None
    return sum((nin + 1) * nout for nin, nout in zip(sizes, sizes[1:]))


def build(spec: Any, where: str = "the file") -> Module:
    """The model an architecture() dict describes, with its weights at zero."""
    classes = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron}
    if not isinstance(spec, dict) or spec.get("class") not in classes:
        raise NotAModelFileError(f"{where} does not describe an MLP, a Layer or a Neuron: {spec!r}")
    arguments = {key: value for key, value in spec.items() if key != "class"}
    try:
        return classes[spec["class"]](**arguments, init="zeros")
    except (TypeError, ValueError) as error:
        message = f"{where} describes a model that cannot be built: {error}"
        raise NotAModelFileError(message) from None


def read_document(path: Path, format: str, version: int, what: str) -> dict[str, Any]:
    """The JSON object in `path`, checked to carry the `format` marker and a version this code
    reads: the checks every file of ours passes before its contents are looked at."""
    try:
        text = path.read_text(encoding="utf-8")
        # Python's json reads what JSON does not allow and save() never writes: NaN,
        # Infinity, 1e999 (as inf), a key twice in one object (the last one wins). Refuse them
        # here rather than load a model of nans, or a number the file's reader never saw.
        document = json.loads(
            text, parse_constant=_not_a_number, parse_float=_finite, object_pairs_hook=_unique
        )
    except _NeverSaved as error:
        raise CorruptFileError(
            f"{path} {error}; was the file written by another program, or edited?"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CorruptFileError(
            f"{path} is not valid JSON ({error}); was it cut short while being written?"
        ) from None
    except RecursionError:  # thousands of nested brackets: no file of ours
        raise CorruptFileError(f"{path} nests lists or objects too deeply to read") from None
    except ValueError as error:  # an integer of more than 4300 digits, say
        raise CorruptFileError(f"{path} holds a number Python will not read: {error}") from None
    if not isinstance(document, dict) or document.get("format") != format:
        raise NotAModelFileError(
            f'{path} is JSON but not a chainrule {what}: it has no "format": "{format}" marker'
        )
    found = document.get("version")
    if isinstance(found, bool) or not isinstance(found, int) or found > version:
        raise UnsupportedVersionError(
            f"{path} has format version {found!r}; this chainrule reads version {version} "
            "and older: upgrade chainrule to read it"
        )
    return document


class _NeverSaved(ValueError):
    """Something Python's json reads but save() never writes; the message says what."""


def _not_a_number(constant: str) -> float:  # NaN, Infinity, -Infinity
    raise _NeverSaved(
        f"holds {constant}, which is not a number JSON allows (save() never writes it)"
    )


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999 overflows to inf
        raise _NeverSaved(
            f"holds {text}, which is not a number JSON allows (save() never writes it)"
        )
    return number


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _NeverSaved(f"holds the key {key!r} twice in one object (save() never does)")
        seen.add(key)
    return dict(pairs)
