"""The transcript: a model/view list of message bubbles, and the renderer that streams into one.

The names other modules import live here, so `from desktop_chat.ui.transcript import X` works
whichever file of the package holds X.
"""

from desktop_chat.ui.transcript.delegate import (
    BUBBLE_PADDING,
    FOLLOW_SLACK,
    WINDOW_ROWS,
    MessageDelegate,
    MessageDocument,
    MessageItem,
    Role,
    StreamRenderer,
    TranscriptModel,
    TranscriptView,
    build_transcript,
)

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
