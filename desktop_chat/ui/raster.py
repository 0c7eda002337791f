"""Qt's raster painter, set up before the window's first paint (imported for its effect).

Qt's raster painter hands any fill more than ~96 scanlines tall (a bubble's side, a tile, a code
box's outline) to a pool of threads in slices, and waits for them. For a window's few small strips
a frame, starting the threads and waiting costs more than the fill: a third of the transcript's
paint, plus the threads' own CPU. Qt reads this once, when the first such fill is made, and a
window's first paint has some: so this module is imported by the window, before it is shown.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
