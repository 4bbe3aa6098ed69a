#!/usr/bin/env python3
"""Writes the image-processor reference fixtures under tests/fixtures/vision/.

Run with the reference environment:  /opt/refenv/bin/python tools/gen_vision_fixtures.py
It draws small synthetic images (no real data is committed), saves them as PNG/JPEG, runs them through
Hugging Face's Pillow-based Qwen2-VL image processor and stores what it produced:

  images/<name>            the input image
  <stem>.f32               pixel_values, little-endian float32, only the first of the two identical
                           temporal copies: rows x (3 channels x 196) values, channel-major
  expected.json            per image: processor settings, grid_thw, resized size, rows, cols
  smart_resize.json        (height, width, min, max) -> resized size or error, from HF's smart_resize
  resize_cases.json/.bin   random RGB images and Pillow's BICUBIC resize of each (both pass orders,
                           up- and downscaling, 1-pixel sides), uint8, for the resampler alone
"""
import json
import math
import os
import sys

import numpy as np
import PIL
from PIL import Image, ImageDraw

try:  # transformers >= 5 names the Pillow implementation explicitly
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import (
        Qwen2VLImageProcessorPil as Processor, smart_resize)
except ImportError:  # transformers 4.x: the plain class is the Pillow one
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import (
        Qwen2VLImageProcessor as Processor, smart_resize)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "vision")
SMALL = 28 * 28 * 16  # keeps each fixture's pixel_values small


def gradient_rgb(w, h, rng):
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x * 255 / max(w - 1, 1), y * 255 / max(h - 1, 1), (x + y) * 127 / max(w + h, 1)], axis=-1)
    img += rng.normal(0, 12, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def draw_shapes(im, rng, n=6):
    d = ImageDraw.Draw(im)
    w, h = im.size
    for _ in range(n):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = min(w - 1, x0 + int(rng.integers(3, w // 2 + 4))), min(h - 1, y0 + int(rng.integers(3, h // 2 + 4)))
        fill = tuple(int(v) for v in rng.integers(0, 256, len(im.getbands())))
        if rng.random() < 0.5:
            d.rectangle([x0, y0, x1, y1], fill=fill)
        else:
            d.ellipse([x0, y0, x1, y1], fill=fill)
    return im


def make_images(rng):
    """(file name, PIL image, processor kwargs)"""
    out = []
    im = draw_shapes(gradient_rgb(97, 151, rng), rng)
    out.append(("gradient_97x151.png", im, {}))  # default settings; rounds one side up, one down

    im = Image.new("RGB", (300, 40), (250, 250, 240))
    d = ImageDraw.Draw(im)
    d.text((4, 4), "x^2 + 3x - 7 = 0,  find x  (sqrt 37)", fill=(10, 10, 10))
    d.text((4, 20), "Answer: x = (-3 +- sqrt(37)) / 2", fill=(200, 20, 20))
    d.line([0, 38, 299, 30], fill=(0, 0, 255), width=2)
    out.append(("text_300x40.png", im, {"max_pixels": SMALL}))  # wide, text edges

    im = draw_shapes(gradient_rgb(640, 480, rng), rng, 12)
    out.append(("photo_640x480.jpg", im, {"max_pixels": SMALL}))  # ~5x downscale: antialiasing

    grey = np.array(draw_shapes(gradient_rgb(123, 77, rng), rng).convert("L"))
    alpha = np.tile(np.linspace(0, 255, 123), (77, 1)).astype(np.uint8)
    out.append(("grey_alpha_123x77.png", Image.fromarray(np.stack([grey, alpha], -1), "LA"), {"max_pixels": SMALL}))

    rgba = draw_shapes(Image.new("RGBA", (30, 20), (0, 0, 0, 0)), rng, 5)
    out.append(("rgba_30x20.png", rgba, {}))  # below min_pixels: upscaled

    out.append(("grey_200x90.png", draw_shapes(gradient_rgb(200, 90, rng), rng).convert("L"), {"max_pixels": SMALL}))

    im = draw_shapes(gradient_rgb(70, 42, rng), rng)
    out.append(("half_70x42.png", im, {}))  # 70/28 = 2.5 and 42/28 = 1.5: round half to even

    pal = draw_shapes(gradient_rgb(90, 60, rng), rng).quantize(16)
    pal.info["transparency"] = 0
    out.append(("palette_90x60.png", pal, {"max_pixels": SMALL}))
    return out


def smart_resize_cases():
    sizes = set()
    for k in range(1, 12):  # exact .5 boundaries: 14 * odd
        sizes.add((14 * (2 * k + 1), 14 * (2 * k + 1)))
        sizes.add((14 * (2 * k + 1), 100))
    sizes.update({(1, 1), (1, 200), (200, 1), (1, 201), (28, 28), (27, 29), (55, 57), (224, 224), (100, 50),
                  (480, 640), (1080, 1920), (1920, 1080), (4000, 3000), (3000, 4000), (10000, 100), (50, 10000),
                  (2, 399), (13, 13), (15, 15), (41, 43), (97, 151), (151, 97), (300, 40), (777, 333),
                  (1003, 1000), (1254, 800), (3584, 3584), (3585, 3584), (999, 1), (16, 3000)})
    cases = []
    for (h, w) in sorted(sizes):
        for (mn, mx) in [(56 * 56, 28 * 28 * 1280), (56 * 56, SMALL), (28 * 28 * 4, 28 * 28 * 256)]:
            case = {"height": h, "width": w, "min_pixels": mn, "max_pixels": mx}
            try:
                case["resized"] = list(smart_resize(h, w, factor=28, min_pixels=mn, max_pixels=mx))
            except ValueError:
                case["error"] = True
            cases.append(case)
    return cases


def resize_cases(rng):
    """(w, h, W, H) triples covering every branch of Pillow's two-pass resize."""
    sizes = [(1, 1, 5, 3), (5, 3, 1, 1), (1, 9, 4, 2), (7, 1, 2, 6), (12, 30, 12, 9), (12, 30, 5, 30),
             (20, 40, 14, 28), (20, 40, 14, 27), (20, 41, 14, 29),  # (h-H) vs 2(w-W): equal, above, equal
             (9, 35, 15, 6), (33, 8, 31, 40), (40, 40, 3, 3), (3, 3, 40, 40)]
    while len(sizes) < 60:
        w, h, W, H = (int(v) for v in rng.integers(1, 41, 4))
        if (w, h) != (W, H):
            sizes.append((w, h, W, H))
    return sizes


def write_resize_cases(rng):
    cases, blob = [], bytearray()
    for (w, h, W, H) in resize_cases(rng):
        src = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        src[rng.random((h, w)) < 0.3] = 0  # hard edges make rounding and clamping matter
        dst = np.array(Image.fromarray(src, "RGB").resize((W, H), Image.BICUBIC))
        cases.append({"width": w, "height": h, "out_width": W, "out_height": H, "offset": len(blob)})
        blob += src.tobytes() + dst.tobytes()
    with open(os.path.join(ROOT, "resize_cases.bin"), "wb") as f:
        f.write(bytes(blob))
    with open(os.path.join(ROOT, "resize_cases.json"), "w") as f:
        json.dump({"pillow": PIL.__version__, "layout": "per case: source HxWx3 then result HxWx3, uint8 RGB",
                   "cases": cases}, f, indent=0)
    print(f"{len(cases)} resize cases, Pillow {PIL.__version__}")


def main():
    rng = np.random.default_rng(20240611)
    os.makedirs(os.path.join(ROOT, "images"), exist_ok=True)
    expected = []
    for name, im, kwargs in make_images(rng):
        path = os.path.join(ROOT, "images", name)
        if name.endswith(".jpg"):
            im.save(path, quality=90)
        else:
            im.save(path, transparency=im.info["transparency"]) if "transparency" in im.info else im.save(path)
        loaded = Image.open(path)  # process what was written, as the C++ side will
        proc = Processor(**kwargs)
        out = proc(images=[loaded], return_tensors="np")
        pv = np.asarray(out["pixel_values"], dtype=np.float32)
        grid = [int(v) for v in out["image_grid_thw"][0]]
        rows, cols = pv.shape
        first_copy = pv.reshape(rows, 3, 2, cols // 6)[:, :, 0, :]
        # The two temporal copies are identical for a still image; store one to keep fixtures small.
        assert np.array_equal(first_copy, pv.reshape(rows, 3, 2, cols // 6)[:, :, 1, :])
        stem = os.path.splitext(name)[0]
        first_copy.astype("<f4").tofile(os.path.join(ROOT, stem + ".f32"))
        w, h = loaded.size
        mn = kwargs.get("min_pixels", 56 * 56)
        mx = kwargs.get("max_pixels", 28 * 28 * 1280)
        expected.append({"image": "images/" + name, "mode": loaded.mode, "width": w, "height": h,
                         "min_pixels": mn, "max_pixels": mx, "resized": list(smart_resize(h, w, 28, mn, mx)),
                         "grid_thw": grid, "rows": rows, "cols": cols, "values": stem + ".f32"})
        print(f"{name}: mode {loaded.mode} {w}x{h} -> grid {grid}, {rows}x{cols}")
    with open(os.path.join(ROOT, "expected.json"), "w") as f:
        json.dump({"generator": "tools/gen_vision_fixtures.py", "processor": Processor.__name__,
                   "images": expected}, f, indent=1)
    cases = smart_resize_cases()
    with open(os.path.join(ROOT, "smart_resize.json"), "w") as f:
        json.dump({"factor": 28, "cases": cases}, f, indent=0)
    print(f"{len(cases)} smart_resize cases")
    write_resize_cases(np.random.default_rng(7))


if __name__ == "__main__":
    sys.exit(main())
