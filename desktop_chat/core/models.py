"""The domain types now live in desktop_chat.models (below both core and store); this module
keeps the old imports working."""

from desktop_chat.models import (  # noqa: F401
    MAX_TITLE_CHARS,
    Event,
    EventType,
    ListedSession,
    SearchHit,
    Session,
    clean_title,
    new_id,
    strip_invisible,
    title_from_message,
    utc_now,
)
