"""Images and files attached to a message: what is kept, what the model is sent, and the limits.

An attachment is a part of a user message (docs/architecture.md, "Data model"). Its metadata
rides in the event's payload under `attachments`: `{id, kind: "image" | "file", name, mime,
size, ...}`. A file's text is in its entry too (it is what the model reads, and it syncs with
the event); an image's entry holds a small JPEG preview (`thumb`, base64, a few kB) so the
transcript draws it without a second query, while the image itself is stored once, in the
store's `attachments` table, and read back only for a request or the large view.

Groq's vision limits (console.groq.com/docs/vision): a request with base64 images may be at most
4 MB, an image at most 33 megapixels, and a request holds at most 5 images. Images are
downscaled on the way in (the window does it, with Qt) so each fits IMAGE_MAX_BYTES and
IMAGE_MAX_SIDE: five of them still fit one request.

No Qt here: decoding and scaling images is the window's part (ui/attachments.py)."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat.i18n import byte_size, number, translate
from desktop_chat.models import attachment_entries, new_id
from desktop_chat.models import image_ids as image_ids  # re-exported for the core

VISION_MODEL = "meta-llama/llama-4-scout-17b-16e-instruct"
# Names of Groq models that read images (console.groq.com/docs/vision: Llama 4 Scout and
# Maverick, and since 2026 Qwen 3.6 and 3.8 27B; qwen3-32b reads text only).
_VISION_MARKS = ("vision", "llama-4", "scout", "maverick", "qwen3.6", "qwen3.8")

MAX_IMAGES_PER_REQUEST = 5
REQUEST_BASE64_LIMIT = 4 * 1024 * 1024  # Groq: 4 MB for a request with base64 images
IMAGE_MAX_SIDE = 2048  # px: 4.2 MP at most, far under Groq's 33 MP
# Five images of this size are 3.7 MB in base64: under the request limit with room for text.
IMAGE_MAX_BYTES = 560_000
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
               "webp": "image/webp", "gif": "image/gif", "bmp": "image/bmp"}  # fmt: skip

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are refused before they are read
# What the files of one message may add to it, in characters (~50k tokens): the model's
# context (131k tokens) keeps room for the memory and the reply.
FILE_CHARS_BUDGET = 200_000
TEXT_TYPES = {
    "txt": "text/plain", "md": "text/markdown", "markdown": "text/markdown",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/json",
    "py": "text/x-python", "js": "text/javascript", "ts": "text/x-typescript",
    "html": "text/html", "css": "text/css", "xml": "application/xml", "yaml": "text/yaml",
    "yml": "text/yaml", "toml": "text/x-toml", "ini": "text/plain", "cfg": "text/plain",
    "log": "text/plain", "sh": "text/x-shellscript", "c": "text/x-c", "h": "text/x-c",
    "cpp": "text/x-c++", "rs": "text/x-rust", "go": "text/x-go", "java": "text/x-java",
    "rb": "text/x-ruby", "sql": "application/sql", "rst": "text/x-rst",
}  # fmt: skip
PDF_TYPE = "application/pdf"


class AttachmentRefused(ValueError):
    """A file or image that cannot be attached, with the reason in plain words."""


@dataclass
class Attachment:
    kind: str  # "image" | "file"
    name: str
    mime: str
    size: int  # bytes as attached (an image: after downscaling)
    attachment_id: str = field(default_factory=new_id)
    data: bytes = b""  # an image's bytes (stored apart from the payload)
    text: str = ""  # a file's text, as the model reads it (after any cut)
    chars: int = 0  # a file's whole text length, before any cut
    pages: int | None = None  # a PDF's page count
    width: int = 0
    height: int = 0
    original: str = ""  # an image: its size before downscaling, e.g. "6000×4000, 9.1 MB"
    thumb: str = ""  # an image: a small JPEG preview, base64

    @property
    def is_image(self) -> bool:
        return self.kind == "image"

    @property
    def cut(self) -> bool:
        return self.kind == "file" and len(self.text) < self.chars

    def payload(self) -> dict[str, Any]:
        """The entry kept in the event's payload (an image's bytes are not in it)."""
        entry: dict[str, Any] = {
            "id": self.attachment_id,
            "kind": self.kind,
            "name": self.name,
            "mime": self.mime,
            "size": self.size,
        }
        if self.is_image:
            entry.update(width=self.width, height=self.height, thumb=self.thumb)
            if self.original:
                entry["original"] = self.original
        else:
            entry.update(text=self.text, chars=self.chars)
            if self.pages is not None:
                entry["pages"] = self.pages
        return entry


def attachments_of(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The well-formed attachment entries of an event's payload (a synced row may hold junk)."""
    return attachment_entries(dict(payload))


def can_see(model: str) -> bool:
    """Whether `model` reads images (Groq's vision models carry one of these in their names)."""
    name = model.lower()
    return any(mark in name for mark in _VISION_MARKS)


def vision_model_for(preferred: str, available: Sequence[str] = ()) -> str:
    """The model a message with images goes to: `preferred`, unless the live model list is
    known and lacks it; then the first model in the list that can see."""
    if not available or preferred in available:
        return preferred
    return next((m for m in available if can_see(m)), preferred)


# -- files ---------------------------------------------------------------------
def kind_of_path(path: Path) -> str:
    """ "image" for picture files, else "file" (what `read_file` decides to accept)."""
    return "image" if path.suffix.lower().lstrip(".") in IMAGE_TYPES else "file"


def read_file(path: Path) -> Attachment:
    """A text, code, Markdown, CSV, JSON or PDF file as an attachment (its whole text; see
    `fit_files` for the cut). Raises AttachmentRefused with the reason in plain words."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        raise AttachmentRefused(unreadable(name, error)) from None
    if not path.is_file():
        raise AttachmentRefused(
            translate("Attachments", "{name} is not a file, so it cannot be attached.").format(
                name=name
            )
        )
    if size > MAX_FILE_BYTES:
        raise AttachmentRefused(
            translate(
                "Attachments",
                "{name} is {size}; files up to {limit} can be attached. Attach a smaller part "
                "of it.",
            ).format(name=name, size=human_size(size), limit=human_size(MAX_FILE_BYTES))
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AttachmentRefused(unreadable(name, error)) from None
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "pdf" or data.startswith(b"%PDF-"):
        text, pages = pdf_text(data, name)
        return Attachment("file", name, PDF_TYPE, size, text=text, chars=len(text), pages=pages)
    text = decode_text(data, name)
    mime = TEXT_TYPES.get(suffix, "text/plain")
    return Attachment("file", name, mime, size, text=text, chars=len(text))


def unreadable(name: str, error: OSError) -> str:
    """ "Could not read notes.txt: Permission denied." (the system's reason, as it gave it)."""
    return translate("Attachments", "Could not read {name}: {reason}.").format(
        name=name, reason=error.strerror or error
    )


def decode_text(data: bytes, name: str) -> str:
    """The text of a file, or AttachmentRefused when it is not text (a NUL byte, or bytes that
    are not UTF-8: an executable, an archive, an office document)."""
    if b"\x00" in data[:65536]:
        raise AttachmentRefused(
            translate(
                "Attachments",
                "{name} is a binary file, not text; only text, code, Markdown, CSV, JSON and "
                "PDF files can be attached.",
            ).format(name=name)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AttachmentRefused(
            translate(
                "Attachments",
                "{name} is not UTF-8 text; only text, code, Markdown, CSV, JSON and PDF files "
                "can be attached.",
            ).format(name=name)
        ) from None


def pdf_text(data: bytes, name: str) -> tuple[str, int]:
    """(the text of every page, the page count), with pypdf."""
    from pypdf import PdfReader  # imported on first use: start-up does not pay for it
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRefused(
                translate(
                    "Attachments", "{name} is a password-protected PDF; it cannot be read."
                ).format(name=name)
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except AttachmentRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise AttachmentRefused(
            translate("Attachments", "{name} is not a readable PDF ({reason}).").format(
                name=name, reason=type(error).__name__
            )
        ) from None
    text = "\n\n".join(p.strip() for p in pages).strip()
    if not text:
        raise AttachmentRefused(
            translate(
                "Attachments",
                "{name} has %n pages but no text to read (a scan, perhaps).",
                None,
                len(pages),
            ).format(name=name)
        )
    return text, len(pages)


def fit_files(attachments: Sequence[Attachment], budget: int = FILE_CHARS_BUDGET) -> list[str]:
    """Cut the files' texts so together they fit `budget` characters, in order (the first
    file keeps the most). Returns a plain-words notice for each file that was cut."""
    notices = []
    for attachment in attachments:
        if attachment.kind != "file":
            continue
        whole = attachment.chars or len(attachment.text)
        attachment.text = attachment.text[: max(0, budget)]
        budget -= len(attachment.text)
        if len(attachment.text) < whole:
            notices.append(cut_notice(attachment.name, len(attachment.text), whole))
    return notices


def cut_notice(name: str, kept: int, whole: int) -> str:
    share = kept * 100 // whole if whole else 0
    return translate(
        "Attachments",
        "{name} was cut to its first {kept} of {whole} characters ({share}%): the model reads "
        "no more in one message.",
    ).format(name=name, kept=number(kept), whole=number(whole), share=share)


def human_size(size: int) -> str:
    """ "512 bytes", "12 KB", "1.5 MB" (binary units), in the reader's locale (i18n.byte_size)."""
    return byte_size(size)


# -- what the model is sent ------------------------------------------------------
def message_text(text: str, payload: Mapping[str, Any]) -> str:
    """A message's text part: what the user typed, then each attached file's text under its
    name, and a line naming each image (so a model that is not sent the image knows of it)."""
    parts = [text] if text else []
    for entry in attachments_of(payload):
        name = str(entry.get("name") or "file")
        if entry["kind"] == "file":
            body = str(entry.get("text") or "")
            note = ""
            chars = entry.get("chars")
            if isinstance(chars, int) and chars > len(body):
                note = f" (cut: the first {len(body):,} of {chars:,} characters)"
            parts.append(f'<file name="{name}"{note}>\n{body}\n</file>')
        else:
            parts.append(f"[image attached: {name}]")
    return "\n\n".join(parts)


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def choose_images(image_ids_newest_first: Sequence[str], sizes: Mapping[str, int]) -> set[str]:
    """Which images a request re-sends: the newest first, up to MAX_IMAGES_PER_REQUEST and
    REQUEST_BASE64_LIMIT (base64 grows bytes by 4/3). Older ones are only named in the text."""
    chosen: set[str] = set()
    budget = REQUEST_BASE64_LIMIT - 64 * 1024  # room for the text of the request
    for image_id in image_ids_newest_first:
        if image_id not in sizes or len(chosen) >= MAX_IMAGES_PER_REQUEST:
            continue
        cost = -(-sizes[image_id] // 3) * 4
        if cost > budget:
            continue
        budget -= cost
        chosen.add(image_id)
    return chosen
