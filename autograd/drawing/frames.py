"""A backward pass as frames: one picture per step, to flip through as slides or animate.

    from autograd import backward_steps
    from autograd.drawing import draw_frames, save_frames, save_gif

    save_frames(backward_steps(loss), "frames")      # frames/step_01.png, step_02.png, ...
    save_gif(backward_steps(loss), "pass.gif")       # needs Pillow: pip install pillow

Every frame of a pass has one layout (see layout.py): each node at the same place, the picture
the same size. A leaf's step passes nothing on, and a network has many (its weights, its
inputs): `skip_leaves=True`, the default, leaves their frames out. The steps are still all
taken, so after the last frame every `.grad` is what `backward()` leaves.

A network's pass reads best a layer at a time, each layer (or neuron) a box: drawn whole, the
59 boxes of MLP(2, [4, 4, 1]) on one point are some 3,900 pt wide; collapsed by layers, its 19
frames are 1,200 pt, readable 900 px wide:

    steps = backward_steps(loss, order="layers")     # a layer at a time, all points together
    save_frames(steps, "frames", collapse=model.layers)   # or collapse=[every neuron]
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.drawing.dot import draw_dot
from autograd.drawing.steps import DrawnStep

if TYPE_CHECKING:
    import graphviz

PILLOW_HINT = (
    "save_gif needs Pillow to put the frames together: install it with `pip install pillow`"
    " (save_frames writes them as separate images without it)"
)


def draw_frames(
    steps: Iterable[DrawnStep], *, skip_leaves: bool = True, **draw_options: Any
) -> list[graphviz.Digraph]:
    """A drawing of each step (draw_dot's options apply), leaving out those of leaves, and
    those of nodes the picture leaves out (around=, or another point of a batch)."""
    frames = []
    for step in steps:  # every step is taken, drawn or not
        if skip_leaves and not step.contributions:
            continue
        frame = draw_dot(step.root, step=step, **draw_options)
        if frame.shows_step:
            frames.append(frame)
    return frames


def save_frames(
    steps: Iterable[DrawnStep],
    directory: str | Path,
    *,
    format: str = "png",
    skip_leaves: bool = True,
    **draw_options: Any,
) -> list[Path]:
    """Write each frame to `directory` as step_01.png, step_02.png, ...; return the paths."""
    frames = draw_frames(steps, skip_leaves=skip_leaves, **draw_options)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    digits = len(str(len(frames)))
    paths = []
    for k, frame in enumerate(frames, 1):
        path = folder / f"step_{k:0{digits}d}.{format}"
        path.write_bytes(frame.pipe(format=format))
        paths.append(path)
    return paths


def save_gif(
    steps: Iterable[DrawnStep],
    path: str | Path,
    *,
    seconds: float = 1.5,
    skip_leaves: bool = True,
    **draw_options: Any,
) -> Path:
    """Write the frames as one animated GIF, `seconds` a frame, looping; return its path."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(PILLOW_HINT) from None
    frames = draw_frames(steps, skip_leaves=skip_leaves, **draw_options)
    if not frames:
        raise ValueError("no frames to animate: every step was a leaf's (skip_leaves=False?)")
    images = [Image.open(io.BytesIO(frame.pipe(format="png"))).convert("RGB") for frame in frames]
    path = Path(path)
    images[0].save(
        path, save_all=True, append_images=images[1:], duration=round(seconds * 1000), loop=0
    )
    return path
