"""The transcript: a model/view list of message bubbles, and the renderer that streams into one.

One MessageDocument per message, built lazily by the delegate and kept on the item; its settled
text is painted from cached tiles (text_tiles). While a reply streams, pieces are buffered and put
on screen once per frame, 30 a second at most; frames are paced to the machine (about 15% of a
core, the window's repaint included), and the view steps ahead of the text instead of scrolling
at every frame.

One job per file:
- model.py: MessageItem (a row) and TranscriptModel (the rows of a session, newest first in).
- layout.py: MessageLayout, the geometry of a row: bubble, height, pills, hit-testing.
- delegate.py: MessageDelegate, which paints a row and turns clicks into signals.
- bubble.py: draw_bubble, the rounded bubble behind the text.
- view.py: TranscriptView (scrolling, following, selecting) and build_transcript.
- stream_renderer.py: StreamRenderer, which puts a streaming reply on screen once per frame.
- frame_clock.py: FrameClock, what the window's last repaint cost (the renderer paces on it).
- backdrop.py: Backdrop, the window's gradient under the bubbles, painted by the opaque viewport.

The names other modules import are re-exported here, so `from desktop_chat.ui.transcript
import X` works whichever file holds X. Each is imported when first asked for (PEP 562): the
package itself loads nothing, so the window's first paint, which shows no transcript, does not
pay for these modules and the Markdown code under them (ui/main_window.py builds the transcript
after the paint).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Loaded with the package: it tells Qt's painter not to slice fills across threads, which Qt
# reads once, at the first tall fill (a window's first paint has some).
from desktop_chat.ui import raster  # noqa: F401

if TYPE_CHECKING:
    from desktop_chat.ui.message_document import MessageDocument, Role
    from desktop_chat.ui.transcript.delegate import MessageDelegate
    from desktop_chat.ui.transcript.layout import BUBBLE_PADDING
    from desktop_chat.ui.transcript.model import WINDOW_ROWS, MessageItem, TranscriptModel
    from desktop_chat.ui.transcript.stream_renderer import StreamRenderer
    from desktop_chat.ui.transcript.view import FOLLOW_SLACK, TranscriptView, build_transcript

_HOMES = {
    "BUBBLE_PADDING": "desktop_chat.ui.transcript.layout",
    "FOLLOW_SLACK": "desktop_chat.ui.transcript.view",
    "WINDOW_ROWS": "desktop_chat.ui.transcript.model",
    "MessageDelegate": "desktop_chat.ui.transcript.delegate",
    "MessageDocument": "desktop_chat.ui.message_document",
    "MessageItem": "desktop_chat.ui.transcript.model",
    "Role": "desktop_chat.ui.message_document",
    "StreamRenderer": "desktop_chat.ui.transcript.stream_renderer",
    "TranscriptModel": "desktop_chat.ui.transcript.model",
    "TranscriptView": "desktop_chat.ui.transcript.view",
    "build_transcript": "desktop_chat.ui.transcript.view",
}

__all__ = [
    "BUBBLE_PADDING",
    "FOLLOW_SLACK",
    "WINDOW_ROWS",
    "MessageDelegate",
    "MessageDocument",
    "MessageItem",
    "Role",
    "StreamRenderer",
    "TranscriptModel",
    "TranscriptView",
    "build_transcript",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(name)
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # asked for once
    return value
