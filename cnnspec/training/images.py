"""An image file of any size made into one of a run's images: what `cnnspec predict` feeds
the model. Pillow reads it; the run's data record (`cnnspec.training.datasets.ImageData.record`)
says the size, the channels and how to prepare it:

- "mnist" (MNIST's digits): grey; a dark drawing on a light ground is inverted to MNIST's
  light on dark; the drawing is cropped to its ink, scaled to fit 20x20 keeping its aspect
  and placed in 28x28 with its centre of mass at the centre, as MNIST's digits were made;
- "dark_ground" (Fashion-MNIST: light objects on black): grey, resized to H x W, and
  inverted when its ground is light (a photo of a shirt on a white table);
- "resize" (everything else): grey, RGB or RGBA as the data, resized to H x W.

Pixels stay bytes 0..255: the model scales them by 1/255 as in training.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from cnnspec.errors import DataError

FORMATS = ("PNG", "JPEG")
MODES = {1: "L", 3: "RGB", 4: "RGBA"}
MNIST_BOX = 20  # MNIST's digits were scaled to fit 20x20, then centred by mass in 28x28
INK = 0.25  # of the brightest pixel: fainter pixels count as background when cropping


def read_image(path: str | os.PathLike, mode: str) -> Any:
    """The file as a Pillow image in `mode`; a `DataError` for anything but a PNG or JPEG."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if image.format not in FORMATS:
                raise _error(f"is a {image.format} image; predict reads PNG and JPEG files", path)
            image.load()
            return _flatten_transparency(image).convert(mode)
    except DataError:
        raise
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        why = "not a PNG or JPEG image" if isinstance(exc, UnidentifiedImageError) else (
            getattr(exc, "strerror", None) or str(exc))
        raise _error(f"cannot read the image ({why})", path) from exc


def prepare_image(path: str | os.PathLike, record: dict[str, Any]) -> np.ndarray:
    """The file as a uint8 array in the run's image shape (H, W, C)."""
    height, width, channels = record["image_shape"]
    if channels not in MODES:
        raise _error(f"the run's images have {channels} channels; predict handles 1, 3 or 4", path)
    image = read_image(path, MODES[channels])
    if image.width < 2 or image.height < 2:
        raise _error(f"is {image.width}x{image.height} pixels: too small to be a picture", path)
    if record.get("prepare") == "mnist" and (height, width, channels) == (28, 28, 1):
        return mnist_digit(np.asarray(image), path)[..., np.newaxis]
    from PIL import Image

    resized = np.asarray(image.resize((width, height), Image.Resampling.BILINEAR))
    if record.get("prepare") == "dark_ground" and np.median(_border(resized)) > 127:
        resized = 255 - resized
    return resized.reshape(height, width, channels)


def mnist_digit(grey: np.ndarray, path: str | os.PathLike = "<image>") -> np.ndarray:
    """A grey drawing of any size as an MNIST digit: light on dark, 20x20 box, centred by mass.

    >>> drawing = np.full((60, 40), 255, np.uint8); drawing[10:50, 18:22] = 0  # a dark "1"
    >>> digit = mnist_digit(drawing)
    >>> digit.shape, bool(digit[14, 14] > 200), int(digit[0, 0])
    ((28, 28), True, 0)
    """
    from PIL import Image

    pixels = grey.astype(np.float64)
    border = _border(pixels)
    if np.median(border) > 127:  # a dark drawing on a light ground, as on paper
        pixels, border = 255 - pixels, 255 - border
    pixels = np.clip(pixels - np.median(border), 0, None)  # the ground becomes black
    if pixels.max() < 32:
        raise _error("the image is blank (no drawing stands out from its background)", path)
    rows = np.flatnonzero((pixels > INK * pixels.max()).any(axis=1))
    cols = np.flatnonzero((pixels > INK * pixels.max()).any(axis=0))
    ink = pixels[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    ink = ink * (255 / ink.max())
    scale = MNIST_BOX / max(ink.shape)
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    small = np.asarray(Image.fromarray(ink.astype(np.uint8)).resize(size, Image.Resampling.LANCZOS),
                       dtype=np.float64)
    canvas = np.zeros((28, 28))
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    canvas[top:top + small.shape[0], left:left + small.shape[1]] = small
    # Shift so the centre of mass sits at the centre (13.5, 13.5), whole pixels, as MNIST did.
    total = canvas.sum()
    rows_mass = (canvas.sum(axis=1) * np.arange(28)).sum() / total
    cols_mass = (canvas.sum(axis=0) * np.arange(28)).sum() / total
    shift_rows = int(np.clip(round(13.5 - rows_mass), -top, 28 - top - small.shape[0]))
    shift_cols = int(np.clip(round(13.5 - cols_mass), -left, 28 - left - small.shape[1]))
    canvas = np.roll(canvas, (shift_rows, shift_cols), axis=(0, 1))
    return np.clip(np.rint(canvas), 0, 255).astype(np.uint8)


def _border(pixels: np.ndarray) -> np.ndarray:
    """The outermost rows and columns: where the ground shows."""
    return np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]], axis=None)


def _flatten_transparency(image):
    """A transparent drawing put on white, the way it shows in a viewer."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        from PIL import Image

        rgba = image.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(ground, rgba)
    return image


def _error(message: str, path) -> DataError:
    return DataError(message, str(path))
