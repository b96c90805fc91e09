"""Text that would reorder, hide or break a picture is shown escaped: bidirectional
controls in labels, and module reprs with NUL, ESC or a trailing backslash."""

import shutil
import xml.etree.ElementTree as ET

import pytest

import autograd
from autograd import Value

SVG = "{http://www.w3.org/2000/svg}"
BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c"]


@pytest.mark.parametrize("control", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidirectional_controls_in_a_label_are_shown_escaped(control):
    w = Value(2.0, label=f"w{control}evil")
    y = w * 3.0
    escaped = f"w\\u{ord(control):04x}evil"
    text = autograd.draw_text(y)
    assert control not in text and escaped in text
    source = autograd.draw_dot(y).source
    assert control not in source
    assert escaped.replace("\\", "\\\\") in source  # Graphviz reads one backslash from two


class HostileModule:
    def __init__(self, parameters):
        self._parameters = parameters

    def parameters(self):
        return self._parameters

    def __repr__(self):
        return "bad\x00name\x1b[31m\\"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_a_module_repr_with_nul_esc_and_a_trailing_backslash_still_renders():
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    y = (w * x).tanh()
    drawing = autograd.draw_dot(y, collapse=HostileModule([w]))
    assert "\x00" not in drawing.source and "\x1b" not in drawing.source
    svg = drawing.pipe(format="svg").decode()
    assert "bad\\x00name\\x1b[31m" in svg


class NamedModule(HostileModule):
    def __init__(self, parameters, text):
        super().__init__(parameters)
        self.text = text

    def __repr__(self):
        return self.text


# A module's repr, and how its collapsed box shows it: hidden characters spelled out as Python
# escapes them, a trailing backslash as one backslash (not an escape of the closing quote).
HOSTILE_REPRS = {"a\x00b": "a\\x00b", "\x1b[31mred": "\\x1b[31mred", "ends with \\": "ends with \\"}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("text", list(HOSTILE_REPRS), ids=["NUL", "ESC", "trailing-backslash"])
def test_each_hostile_module_repr_renders_escaped_in_its_box(text):
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    y = (w * x).tanh()
    y.label = "y"
    drawing = autograd.draw_dot(y, collapse=NamedModule([w], text))
    assert "\x00" not in drawing.source and "\x1b" not in drawing.source
    svg = drawing.pipe(format="svg").decode()  # dot would fail on a NUL, or lose the quote
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert HOSTILE_REPRS[text] in texts  # the box's title, bold, alone on its line
    assert {"x", "y", "1 parameter"} <= set(texts)  # and the rest of the picture intact
