"""Attaching images and files: paste, drop on the window, or the + button; the chips; what
the window's send takes with the text.

The window builds one and calls `pending()` when it sends, `clear()` once the message is on
its way and `restore()` if it could not go. Refusals (a corrupt image, a binary or huge file)
are told in the status line; nothing typed is touched."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QObject
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QWidget

from desktop_chat.core.attachments import (
    IMAGE_TYPES,
    MAX_IMAGES_PER_REQUEST,
    TEXT_TYPES,
    Attachment,
    fit_files,
)
from desktop_chat.ui.attachment_chips import AttachmentChips, detail

if TYPE_CHECKING:
    from desktop_chat.core.chat import ChatService
    from desktop_chat.ui.attachment_viewer import ImageViewer
    from desktop_chat.ui.attachments import Offered
    from desktop_chat.ui.composer import ComposerPanel

translate = QCoreApplication.translate


def pick_filter() -> str:
    """The file dialog's choices: "Images and files (*.png …);;Images (…);;PDF;;All files"."""
    every = " ".join("*." + e for e in [*IMAGE_TYPES, *TEXT_TYPES, "pdf"])
    images = " ".join("*." + e for e in IMAGE_TYPES)
    return ";;".join(
        (
            translate("Attachments", "Images and files ({patterns})").format(patterns=every),
            translate("Attachments", "Images ({patterns})").format(patterns=images),
            "PDF (*.pdf)",
            translate("Attachments", "All files (*)"),
        )
    )


def short_model(model: str) -> str:
    """`meta-llama/llama-4-scout-17b-16e-instruct` -> `llama-4-scout-17b-16e-instruct`."""
    return model.rsplit("/", 1)[-1]


class AttachmentsController(QObject):
    def __init__(self, window: QWidget, composer: ComposerPanel, service: ChatService) -> None:
        super().__init__(window)
        self.window = window
        self.service = service
        self.chips: AttachmentChips = composer.chips
        self.edit = composer.edit
        self._whole_text: dict[str, str] = {}  # a file's text before any cut, by id
        self._notices: list[str] = []
        self._folder = ""  # where the file picker opens: Pictures until a file is picked
        composer.attach_button.clicked.connect(self.pick)
        self.edit.attachments_offered.connect(self.offer_mime)
        self.edit.remove_last_attachment.connect(self.chips.remove_last)
        self.chips.changed.connect(self.refresh)
        self.viewer: ImageViewer | None = None
        window.setAcceptDrops(True)  # a drop anywhere on the window (children pass it up)
        window.installEventFilter(self)

    # -- what the send takes ------------------------------------------------------------
    def pending(self) -> list[Attachment]:
        return self.chips.attachments

    def clear(self) -> None:
        self._whole_text.clear()
        self.chips.clear()

    def restore(self, attachments: list[Attachment]) -> None:
        """Put back what a send that could not go took, unless new chips came meanwhile."""
        if not self.chips.chips:
            for attachment in attachments:
                self.chips.add(attachment)

    def vision_switch(self, attachments: list[Attachment] | None = None) -> str | None:
        """The model a message with these attachments goes to, when not the chosen one."""
        attachments = self.pending() if attachments is None else attachments
        return self.service.vision_switch(any(a.is_image for a in attachments))

    # -- coming in ------------------------------------------------------------------------
    # ui/attachments.py (images read, scaled and encoded) is imported where it is used: the
    # window's first paint does not need it.
    def offer_mime(self, mime: QMimeData) -> None:
        from desktop_chat.ui.attachments import from_mime

        self.take(from_mime(mime))

    def offer_paths(self, paths: list[Path]) -> None:
        from desktop_chat.ui.attachments import from_paths

        self.take(from_paths(paths))

    def pick(self) -> None:
        # Imported here, not with the window: each Qt class named makes PySide build its Python
        # enums, and the window's first paint needs neither the dialog nor the viewer.
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        if not self._folder:
            self._folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.PicturesLocation
            )
        names, _filter = QFileDialog.getOpenFileNames(
            self.window,
            translate("Attachments", "Attach images or files"),
            self._folder,
            pick_filter(),
        )
        if names:
            self._folder = str(Path(names[0]).parent)
            self.offer_paths([Path(n) for n in names])
        self.edit.setFocus()

    def take(self, offered: Offered) -> None:
        refused = list(offered.refused)
        for attachment in offered.attachments:
            images = sum(a.is_image for a in self.pending())
            if attachment.is_image and images >= MAX_IMAGES_PER_REQUEST:
                refused.append(
                    translate(
                        "Attachments",
                        "Not attached: {name}. A message takes at most %n images (Groq's limit).",
                        None,
                        MAX_IMAGES_PER_REQUEST,
                    ).format(name=attachment.name)
                )
                continue
            if not attachment.is_image:
                self._whole_text[attachment.attachment_id] = attachment.text
            self.chips.add(attachment)
        if refused:
            self._show(" ".join(refused))
        elif self._notices:
            self._show(" ".join(self._notices))
        self.edit.setFocus()

    def refresh(self) -> None:
        """Cut the files to the message's budget again (a removed file gives room back), and
        say where images go and what was cut."""
        files = [a for a in self.pending() if not a.is_image]
        for attachment in files:
            attachment.text = self._whole_text.get(attachment.attachment_id, attachment.text)
        self._notices = fit_files(files)
        notes = list(self._notices)
        switch = self.vision_switch()
        if switch:
            chosen = short_model(self.service.model or "")
            notes.insert(
                0,
                translate("Attachments", "Goes to {model}: {chosen} cannot see images.").format(
                    model=short_model(switch), chosen=chosen
                ),
            )
        if any(a.is_image for a in self.pending()) and self.service.searches_web(False):
            notes.append(
                translate(
                    "Attachments",
                    "No web search for this message: models that see images cannot search.",
                )
            )
        self.chips.set_note(" ".join(notes))
        for chip in self.chips.chips:
            chip.detail.setText(detail(chip.attachment))  # "cut" when it was

    def _show(self, text: str) -> None:
        show = getattr(self.window, "show_notice", None)
        if show is not None:
            show(text)

    # -- the large view ---------------------------------------------------------------
    def open_image(self, entry: dict[str, Any]) -> None:
        """A thumbnail in the transcript was clicked: the image, large."""
        spawn = getattr(self.window, "_spawn", None)
        if spawn is not None:
            spawn(self._open_image(entry))

    async def _open_image(self, entry: dict[str, Any]) -> None:
        name = str(entry.get("name") or "image")
        stored = await self.service.attached_image(str(entry.get("id")))
        data = stored[1] if stored else b""
        image = QImage.fromData(data)
        if image.isNull():
            self._show(
                translate(
                    "Attachments", "{name} is not on this device yet; its preview is all there is."
                ).format(name=name)
            )
            return
        from desktop_chat.ui.attachment_viewer import ImageViewer  # its dialog: on first use

        self.viewer = ImageViewer(name, image, len(data), self.window)
        self.viewer.open()

    # -- drops on the window -------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # A QDragEnterEvent is a QDragMoveEvent; a QDragMoveEvent is a QDropEvent.
        if not isinstance(event, QDropEvent):
            return super().eventFilter(watched, event)
        from desktop_chat.ui.attachments import offers_attachments

        if isinstance(event, QDragMoveEvent) and offers_attachments(event.mimeData()):
            event.acceptProposedAction()
            return True
        if event.type() == QEvent.Type.Drop and offers_attachments(event.mimeData()):
            event.acceptProposedAction()
            self.offer_mime(event.mimeData())
            return True
        return super().eventFilter(watched, event)
