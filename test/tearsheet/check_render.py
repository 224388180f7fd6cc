"""Looks at PNG screenshots made by headless Chromium: is anything drawn?

    check_render.py MIN_INK MIN_COLOURS LABEL=FILE.png ...
For each file: the share of pixels that are not (near) white must reach MIN_INK and the count of
distinct colours MIN_COLOURS; a blank or single-colour page fails. Prints ok/not ok lines and
"N passed, N failed"."""
import os
import sys

import numpy as np
from matplotlib import image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pgp_test import check, finish  # noqa: E402

min_ink, min_colours = float(sys.argv[1]), int(sys.argv[2])
for arg in sys.argv[3:]:
    label, path = arg.split("=", 1)
    pixels = image.imread(path)[:, :, :3]           # floats in [0, 1], alpha dropped
    ink = float((pixels.min(axis=2) < 0.94).mean())  # not white or near it
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    check(f"{label}: {ink:.1%} of the pixels drawn (>= {min_ink:.0%}), {colours} colours (>= {min_colours})",
          ink >= min_ink and colours >= min_colours)
sys.exit(finish())
