"""An attached image, large: a dialog that fits it to the screen. Esc (or Close) closes it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_chat.core.attachments import human_size

translate = QCoreApplication.translate


class ImageViewer(QDialog):
    def __init__(self, name: str, image: QImage, size: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ImageViewer")
        self.setWindowTitle(name)
        self.setAccessibleName(translate("Attachments", "Image {name}").format(name=name))
        screen = (
            parent.screen() if parent else QGuiApplication.primaryScreen()
        ).availableGeometry()
        room = screen.size() * 0.85
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > room.width() or pixmap.height() > room.height():
            pixmap = pixmap.scaled(
                room, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self.picture = QLabel(self)
        self.picture.setObjectName("ImageViewerPicture")
        self.picture.setPixmap(pixmap)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(
            translate("Attachments", "{name}, {width}×{height} pixels, {size}").format(
                name=name, width=image.width(), height=image.height(), size=human_size(size)
            )
        )
        caption = QLabel(f"{name} · {image.width()}×{image.height()} · {human_size(size)}", self)
        caption.setTextFormat(Qt.TextFormat.PlainText)  # a synced name is untrusted text
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.picture, 1)
        column.addWidget(caption)
        column.addWidget(buttons)
