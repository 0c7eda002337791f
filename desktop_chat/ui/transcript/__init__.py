"""The transcript: a model/view list of message bubbles, and the renderer that streams into one.

One MessageDocument per message, built lazily by the delegate and kept on the item; its settled
text is painted from cached tiles (text_tiles). While a reply streams, pieces are buffered and put
on screen once per frame; frames are paced to the machine (about 15% of a core), and the view
steps ahead of the text instead of scrolling at every frame.

One job per file:
- model.py: MessageItem (a row) and TranscriptModel (the rows of a session, newest first in).
- layout.py: MessageLayout, the geometry of a row: bubble, height, pills, hit-testing.
- delegate.py: MessageDelegate, which paints a row and turns clicks into signals.
- bubble.py: draw_bubble, the rounded bubble behind the text.
- view.py: TranscriptView (scrolling, following, selecting) and build_transcript.
- stream_renderer.py: StreamRenderer, which puts a streaming reply on screen once per frame.

The names other modules import are re-exported here, so `from desktop_chat.ui.transcript
import X` works whichever file holds X.
"""

from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.transcript.delegate import MessageDelegate
from desktop_chat.ui.transcript.layout import BUBBLE_PADDING
from desktop_chat.ui.transcript.model import WINDOW_ROWS, MessageItem, TranscriptModel
from desktop_chat.ui.transcript.stream_renderer import StreamRenderer
from desktop_chat.ui.transcript.view import FOLLOW_SLACK, TranscriptView, build_transcript

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
