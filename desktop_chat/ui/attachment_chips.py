"""The composer's row of attachment chips: a thumbnail (or a file mark), the name and size,
and × to remove it. Shown only while something is attached; the note under the chips says
where the message goes when the chosen model cannot see, and what was cut."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.attachments import Attachment, human_size
from desktop_chat.ui.language import number
from desktop_chat.ui.plain_text import ElidedLabel

translate = QCoreApplication.translate

CHIP_THUMB = 36  # px tall
CHIP_NAME_WIDTH = 170


def describe(attachment: Attachment) -> str:
    """One line for a chip, a screen reader and the bubble: kind, name, size, pages."""
    # (Here and below, not at the top: the chips' row is built before the window's first
    # paint, the painting and image code it needs once something is attached after it.)
    from desktop_chat.ui.attachment_view import pages_text

    size = human_size(attachment.size)
    if attachment.is_image:
        return translate("Attachments", "Image {name}, {width}×{height}, {size}").format(
            name=attachment.name, width=attachment.width, height=attachment.height, size=size
        )
    parts = [
        translate("Attachments", "File {name}, {size}").format(name=attachment.name, size=size)
    ]
    if attachment.pages is not None:
        parts.append(pages_text(attachment.pages))
    if attachment.cut:
        parts.append(
            translate("Attachments", "cut to {count} characters").format(
                count=number(len(attachment.text))
            )
        )
    return ", ".join(parts)


def detail(attachment: Attachment) -> str:
    from desktop_chat.ui.attachment_view import cut_mark, pages_text

    if attachment.is_image:
        return f"{attachment.width}×{attachment.height} · {human_size(attachment.size)}"
    parts = [human_size(attachment.size)]
    if attachment.pages is not None:
        parts.append(pages_text(attachment.pages))
    if attachment.cut:
        parts.append(cut_mark())
    return " · ".join(parts)


class _ChipLabel(ElidedLabel):
    """Asks for its whole text's width (up to CHIP_NAME_WIDTH); elides when squeezed."""

    def sizeHint(self) -> QSize:  # noqa: N802
        width = self.fontMetrics().horizontalAdvance(self.text()) + 6
        return QSize(min(CHIP_NAME_WIDTH, width), super().sizeHint().height())


class AttachmentChip(QFrame):
    remove_requested = Signal(object)  # the Attachment

    def __init__(self, attachment: Attachment, parent: QWidget | None = None):
        from desktop_chat.ui.attachments import downscale_note, thumbnail_image

        super().__init__(parent)
        self.attachment = attachment
        self.setObjectName("AttachmentChip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName(describe(attachment))
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 3, 3, 3)
        row.setSpacing(6)
        self.thumb = QLabel(self)
        self.thumb.setObjectName("ChipThumb")
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if attachment.is_image:
            image = thumbnail_image(attachment.payload())
            pixmap = QPixmap.fromImage(image).scaledToHeight(
                CHIP_THUMB, Qt.TransformationMode.SmoothTransformation
            )
            self.thumb.setPixmap(pixmap)
            self.thumb.setFixedSize(min(pixmap.width(), CHIP_THUMB * 2), CHIP_THUMB)
        else:
            self.thumb.setText("PDF" if attachment.pages is not None else "TXT")
            self.thumb.setFixedSize(CHIP_THUMB, CHIP_THUMB)
        row.addWidget(self.thumb)
        words = QVBoxLayout()
        words.setSpacing(0)
        # Both lines elide when a small window squeezes the chips (never under the ×).
        self.name = _ChipLabel(attachment.name, self)
        self.detail = _ChipLabel(detail(attachment), self)
        self.detail.setObjectName("ChipDetail")
        for label in (self.name, self.detail):
            label.setMinimumWidth(36)
            label.setMaximumWidth(CHIP_NAME_WIDTH)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        words.addWidget(self.name)
        words.addWidget(self.detail)
        row.addLayout(words)
        self.remove = QToolButton(self)
        self.remove.setObjectName("ChipRemove")
        self.remove.setText("×")
        self.remove.setAccessibleName(
            translate("Attachments", "Remove {name}").format(name=attachment.name)
        )
        self.remove.setToolTip(
            translate("Attachments", "Remove {name} (Backspace in an empty message)").format(
                name=attachment.name
            )
        )
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self.attachment))
        row.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        tip = downscale_note(attachment) if attachment.is_image else describe(attachment)
        self.setToolTip(tip)


class AttachmentChips(QWidget):
    """The row above the message box. `changed` fires when a chip comes or goes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("AttachmentChips")
        self.setAccessibleName(translate("Attachments", "Attachments"))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(3)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)
        self.row.addStretch(1)
        column.addLayout(self.row)
        self.note = ElidedLabel("", self)  # plain text, one line, full text in its tooltip
        self.note.setObjectName("ChipNote")
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.note.hide()
        column.addWidget(self.note)
        self.chips: list[AttachmentChip] = []
        self.hide()

    @property
    def attachments(self) -> list[Attachment]:
        return [chip.attachment for chip in self.chips]

    def add(self, attachment: Attachment) -> AttachmentChip:
        chip = AttachmentChip(attachment, self)
        chip.remove_requested.connect(self.remove)
        self.row.insertWidget(len(self.chips), chip)
        self.chips.append(chip)
        self.setVisible(True)
        self.changed.emit()
        return chip

    def remove(self, attachment: Attachment) -> None:
        for chip in list(self.chips):
            if chip.attachment is attachment:
                self.chips.remove(chip)
                chip.hide()
                chip.deleteLater()
        self.setVisible(bool(self.chips))
        self.changed.emit()

    def remove_last(self) -> bool:
        if not self.chips:
            return False
        self.remove(self.chips[-1].attachment)
        return True

    def clear(self) -> None:
        for chip in self.chips:
            chip.hide()
            chip.deleteLater()
        self.chips = []
        self.set_note("")
        self.hide()
        self.changed.emit()

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def sizeHint(self) -> QSize:  # noqa: N802
        return super().sizeHint() if self.chips else QSize(0, 0)
