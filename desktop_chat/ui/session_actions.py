"""What the "···" menu and F2/Delete do to a session: rename, delete with undo, export, import.

Every change goes through the chat service (core/chat.py); this only asks and shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMenu, QMessageBox

from desktop_chat.core.chat import MessageRejected
from desktop_chat.core.export import write_export
from desktop_chat.ui.announce import announce
from desktop_chat.ui.plain_text import plain_message_box
from desktop_chat.ui.session_panel import SessionRole

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

UNDO_DELETE_MS = 8_000
EXPORT_FOLDER_KEY = "export/folder"
RENAME_FIELD_WIDTH = 420
DIALOG_MARGINS = (20, 18, 20, 16)  # as the app's own dialogs: message boxes come tighter


def export_file_name(title: str, kind: str) -> str:
    """A file name from a session title: no path separators, control or reserved characters
    (Windows' too), at most 80 characters; "chat" when nothing is left."""
    name = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', " ", title)
    name = " ".join(name.split()).strip(" .")[:80].rstrip(" .")
    if name.upper().split(".")[0] in _RESERVED_NAMES:
        name = f"{name} chat"
    return f"{name or 'chat'}.{kind}"


_RESERVED_NAMES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


class SessionActions:
    def __init__(self, window: MainWindow):
        self.window = window
        self.service = window.service
        self.deleted_session: str | None = None  # what Undo brings back, unless a message
        self.undo_timer = QTimer(window)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(self.forget_undo)
        window.undo_button.clicked.connect(self.undo_delete)
        self.menu = self._session_menu()
        window.sessions.more_button.setMenu(self.menu)
        # The dialogs open last (kept so they are not collected while open; tests read them).
        self.rename_dialog: QInputDialog | None = None
        self.delete_box: QMessageBox | None = None
        self.export_dialog: QFileDialog | None = None
        self.import_dialog: QFileDialog | None = None

    def _session_menu(self) -> QMenu:
        menu = QMenu(self.window)
        menu.setAccessibleName(translate("SessionActions", "Session actions"))
        menu.addAction(translate("SessionActions", "Rename…  (F2)"), self.rename_session)
        menu.addAction(
            translate("SessionActions", "Export as Markdown…"),
            lambda: self.choose_export_file("md"),
        )
        menu.addAction(
            translate("SessionActions", "Export as JSON…"), lambda: self.choose_export_file("json")
        )
        menu.addAction(translate("SessionActions", "Import…"), self.choose_import_file)
        menu.addSeparator()
        menu.addAction(translate("SessionActions", "Delete…  (Delete)"), self.delete_session)
        return menu

    def selected_session_id(self) -> str | None:
        """The session the list's selection points at, else the open one."""
        index = self.window.sessions.list.currentIndex()
        session = index.data(SessionRole) if index.isValid() else None
        return session.session_id if session else self.window.current_session_id

    def _listed_title(self, session_id: str, fallback: str) -> str:
        model = self.window.sessions.model
        row = model.row_of(session_id)
        return model.sessions[row].display_title if row >= 0 else fallback

    # -- rename ----------------------------------------------------------------------------
    def rename_session(self) -> None:
        session_id = self.selected_session_id()
        if session_id is None:
            return
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle(translate("SessionActions", "Rename session"))
        dialog.setLabelText(translate("SessionActions", "New name:"))
        dialog.setTextValue(self._listed_title(session_id, ""))
        dialog.setAccessibleName(translate("SessionActions", "Rename session"))
        edit = dialog.findChild(QLineEdit)
        if edit is not None:
            # Room for a title, not a word (QInputDialog sizes itself to its fields on show).
            edit.setMinimumWidth(RENAME_FIELD_WIDTH)
        dialog.textValueSelected.connect(
            lambda text: self.window._spawn(self.rename(session_id, text))
        )
        self.rename_dialog = dialog
        dialog.open()
        if edit is not None:
            edit.selectAll()  # typing replaces the old title

    async def rename(self, session_id: str, title: str) -> None:
        try:
            title = await self.service.rename_session(session_id, title)
        except MessageRejected as rejected:
            self.window.show_status(str(rejected))
            return
        await self.window.refresh_sessions()
        self.window.show_status(
            translate("SessionActions", "Renamed to “{title}”.").format(title=title)
        )

    # -- delete and undo ---------------------------------------------------------------------
    def delete_session(self) -> None:
        window = self.window
        session_id = self.selected_session_id()
        if session_id is None or (window.busy and session_id == window.current_session_id):
            return
        title = self._listed_title(session_id, translate("SessionActions", "this session"))
        box = plain_message_box(
            QMessageBox.Icon.NoIcon,
            translate("SessionActions", "Delete session"),
            translate(
                "SessionActions", "Delete “{title}”? You can undo this for a few seconds."
            ).format(title=title),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            window,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(translate("SessionActions", "Delete"))
        box.setAccessibleName(translate("SessionActions", "Delete session"))
        box.layout().setContentsMargins(*DIALOG_MARGINS)
        box.accepted.connect(lambda: window._spawn(self.delete(session_id, title)))
        self.delete_box = box
        box.open()

    async def delete(self, session_id: str, title: str) -> None:
        window = self.window
        await self.service.delete_session(session_id)
        if session_id == window.current_session_id:
            window.current_session_id = None
            window.transcript_model.set_events([])
            window.branch_link.show_origin(None)
        await window.refresh_sessions()
        window.conversation.deleted = None  # Undo now brings back the session
        self.offer_undo(translate("SessionActions", "Deleted “{title}”.").format(title=title))
        self.deleted_session = session_id

    def offer_undo(self, text: str) -> None:
        """Show Undo for the latest deletion (a session, or a message: the conversation
        controller's)."""
        self.deleted_session = None
        self.window.show_status(text, announce=False)
        self.window.undo_button.show()
        hint = translate("SessionActions", "Undo is beside the status line for a few seconds.")
        announce(self.window, f"{text} {hint}")
        self.undo_timer.start(UNDO_DELETE_MS)

    def undo_delete(self) -> None:
        session_id = self.deleted_session
        message_undone = self.window.conversation.undo_delete()
        self.forget_undo()
        if session_id and not message_undone:
            self.window._spawn(self._restore(session_id))

    async def _restore(self, session_id: str) -> None:
        await self.service.restore_session(session_id)
        await self.window.refresh_sessions()
        self.window.show_status(translate("SessionActions", "Restored."))

    def forget_undo(self) -> None:
        self.deleted_session = None
        self.window.conversation.deleted = None
        self.undo_timer.stop()
        self.window.undo_button.hide()

    # -- export and import -------------------------------------------------------------------
    def _last_folder(self) -> Path:
        folder = Path(self.window.preferences_store.value(EXPORT_FOLDER_KEY, "") or Path.home())
        return folder if folder.is_dir() else Path.home()

    def choose_export_file(self, kind: str) -> None:
        session_id = self.selected_session_id()
        if session_id is None:
            self.window.show_status(translate("SessionActions", "Open a session to export it."))
            return
        suffix = {
            "md": translate("SessionActions", "Markdown (*.md)"),
            "json": translate("SessionActions", "JSON (*.json)"),
        }[kind]
        name = export_file_name(self.window.sessions_ctl.titles.get(session_id, ""), kind)
        dialog = QFileDialog(
            self.window,
            translate("SessionActions", "Export session"),
            str(self._last_folder() / name),
            suffix,
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.fileSelected.connect(
            lambda path: self.window._spawn(self.export_session(session_id, Path(path), kind))
        )
        self.export_dialog = dialog
        dialog.open()

    def choose_import_file(self) -> None:
        """A Desktop Chat JSON export, or a ChatGPT or Claude conversations.json."""
        folder = self.window.preferences_store.value(EXPORT_FOLDER_KEY, "") or str(Path.home())
        dialog = QFileDialog(
            self.window,
            translate("SessionActions", "Import conversations"),
            folder,
            translate("SessionActions", "Conversations (*.json);;All files (*)"),
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(
            lambda path: self.window._spawn(self.window.conversation.import_file(Path(path)))
        )
        self.import_dialog = dialog
        dialog.open()

    async def export_session(self, session_id: str, path: Path, kind: str) -> None:
        text = await self.service.export_text(session_id, kind)
        try:
            write_export(path, text)  # 0600: a whole conversation
        except OSError as error:
            self.window.show_status(
                translate("SessionActions", "Could not write {path}: {reason}.").format(
                    path=path, reason=error.strerror
                )
            )
            return
        self.window.preferences_store.setValue(EXPORT_FOLDER_KEY, str(path.parent))
        self.window.show_status(
            translate("SessionActions", "Exported to {path}.").format(path=path)
        )
