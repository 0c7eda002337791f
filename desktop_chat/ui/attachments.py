"""Images and files as they come in (paste, drop, pick), made into core Attachments.

Images are decoded and downscaled here, with Qt, so the core needs no image library: each
fits IMAGE_MAX_SIDE and IMAGE_MAX_BYTES (core/attachments.py: Groq takes 4 MB of base64 and
33 megapixels a request, at most 5 images), PNG when that fits, else JPEG at falling quality
and size. Files are read by the core (`read_file`: text, code, Markdown, CSV, JSON, PDF)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMimeData, Qt, QUrl
from PySide6.QtGui import QImage, QImageReader, QImageWriter

from desktop_chat.core.attachments import (
    IMAGE_MAX_BYTES,
    IMAGE_MAX_SIDE,
    Attachment,
    AttachmentRefused,
    human_size,
    kind_of_path,
    read_file,
)
from desktop_chat.ui.language import number

THUMB_SIDE = 192  # px: the preview kept in the payload, drawn in the bubble and the chip
THUMB_QUALITY = 72
# A decoded image may not be larger than this (pixels): a "photo" of 100,000 x 100,000 pixels
# would need 40 GB to decode. Groq's own limit is 33 MP; bigger ones are downscaled on reading.
DECODE_MAX_PIXELS = 200_000_000
translate = QCoreApplication.translate


@dataclass
class Offered:
    """What a paste, a drop or a pick brought: attachments, and why others were refused."""

    attachments: list[Attachment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def image_attachment(image: QImage, name: str, original_bytes: int | None = None) -> Attachment:
    """`image` downscaled and encoded to fit the limits, with its preview."""
    if image.isNull():
        raise AttachmentRefused(
            translate("Attachments", "{name} could not be read as an image.").format(name=name)
        )
    width, height = image.width(), image.height()
    scaled = image
    if max(width, height) > IMAGE_MAX_SIDE:
        scaled = image.scaled(
            IMAGE_MAX_SIDE,
            IMAGE_MAX_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    data, mime = _encode(scaled, b"PNG"), "image/png"
    quality = 88
    while len(data) > IMAGE_MAX_BYTES:
        # A photo: JPEG, at falling quality, then smaller, until it fits.
        if quality > 60:
            data, mime = _encode(_opaque(scaled), b"JPEG", quality), "image/jpeg"
            quality -= 14
            continue
        scaled = scaled.scaled(
            int(scaled.width() * 0.8),
            int(scaled.height() * 0.8),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        data, mime = _encode(_opaque(scaled), b"JPEG", 74), "image/jpeg"
    attachment = Attachment(
        "image",
        _image_name(name, mime),
        mime,
        len(data),
        data=data,
        width=scaled.width(),
        height=scaled.height(),
        thumb=thumbnail(scaled),
    )
    if (scaled.width(), scaled.height()) != (width, height) or (
        original_bytes is not None and original_bytes > len(data)
    ):
        was = f"{width}×{height}" + (f", {human_size(original_bytes)}" if original_bytes else "")
        attachment.original = was
    return attachment


def downscale_note(attachment: Attachment) -> str:
    """The chip's tooltip line for an image: its size, and what downscaling did."""
    size = f"{attachment.width}×{attachment.height}, {human_size(attachment.size)}"
    if attachment.original:
        return translate(
            "Attachments",
            "Downscaled from {original} to {size}: Groq takes images up to 4 MB (base64) and "
            "33 megapixels.",
        ).format(original=attachment.original, size=size)
    return translate(
        "Attachments",
        "{size}; sent as it is (Groq takes images up to 4 MB (base64) and 33 megapixels).",
    ).format(size=size)


def thumbnail(image: QImage) -> str:
    small = image.scaled(
        THUMB_SIDE,
        THUMB_SIDE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return base64.b64encode(_encode(_opaque(small), b"JPEG", THUMB_QUALITY)).decode("ascii")


def thumbnail_image(entry: dict[str, Any]) -> QImage:
    """The preview of a payload's image entry (a null image when it has none or it is junk)."""
    try:
        raw = base64.b64decode(str(entry.get("thumb") or ""), validate=True)
    except ValueError:
        return QImage()
    return QImage.fromData(raw) if raw else QImage()  # JPEG, found from its header


def image_from_path(path: Path) -> Attachment:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # a phone photo's EXIF rotation
    size = reader.size()
    if size.isValid() and size.width() * size.height() > DECODE_MAX_PIXELS:
        raise AttachmentRefused(
            translate(
                "Attachments", "{name} is {width}×{height} pixels, too large to open."
            ).format(name=path.name, width=number(size.width()), height=number(size.height()))
        )
    image = reader.read()
    if image.isNull():
        raise AttachmentRefused(
            translate("Attachments", "{name} could not be read as an image ({reason}).").format(
                name=path.name, reason=reader.errorString()
            )
        )
    try:
        original = path.stat().st_size
    except OSError:
        original = None
    return image_attachment(image, path.name, original)


def from_path(path: Path) -> Attachment:
    if kind_of_path(path) == "image":
        return image_from_path(path)
    return read_file(path)


def from_paths(paths: list[Path]) -> Offered:
    offered = Offered()
    for path in paths:
        try:
            offered.attachments.append(from_path(path))
        except AttachmentRefused as refused:
            offered.refused.append(str(refused))
    return offered


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files in a copied or dropped text/uri-list (remote URLs are not fetched)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def offers_attachments(mime: QMimeData) -> bool:
    """Whether a paste or a drop carries an image or local files (else it is text)."""
    return mime.hasImage() or bool(local_paths(mime))


def from_mime(mime: QMimeData) -> Offered:
    """What a paste or a drop brought: local files first (a file manager's copy also offers
    the file's icon as an image), else the image itself (a screenshot, a copied picture)."""
    paths = local_paths(mime)
    if paths:
        return from_paths(paths)
    offered = Offered()
    if mime.hasImage():
        image = mime.imageData()
        if not isinstance(image, QImage):
            image = QImage(image) if image is not None else QImage()
        try:
            name = translate("Attachments", "pasted image") + ".png"  # the file it becomes
            offered.attachments.append(image_attachment(image, name))
        except AttachmentRefused:
            offered.refused.append(
                translate(
                    "Attachments", "The pasted image could not be read; nothing was attached."
                )
            )
    return offered


def _encode(image: QImage, kind: bytes, quality: int = -1) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(kind))
    writer.setQuality(quality)
    writer.write(image)
    buffer.close()
    return bytes(array.data())


def _opaque(image: QImage) -> QImage:
    """JPEG has no alpha: transparent parts become white, not black."""
    if not image.hasAlphaChannel():
        return image
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(Qt.GlobalColor.white)
    from PySide6.QtGui import QPainter

    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    return flat


def _image_name(name: str, mime: str) -> str:
    """The name with the extension of what is sent (a big PNG photo is sent as JPEG)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem + (".jpg" if mime == "image/jpeg" else ".png")


def file_url(path: Path) -> QUrl:
    return QUrl.fromLocalFile(str(path))
