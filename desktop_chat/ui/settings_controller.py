"""The user's choices in the window: Settings, preferences applied, text size, the model picker
beside the status line, and the API key (asked for, changed, saved in the keychain)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget

from desktop_chat.llm.base import LLMError
from desktop_chat.settings import KeychainUnavailable
from desktop_chat.ui.dialogs import ApiKeyDialog
from desktop_chat.ui.language import locale
from desktop_chat.ui.plain_text import plain_message_box
from desktop_chat.ui.preferences import Preferences, save_bindings
from desktop_chat.ui.theme import THEMES, apply_theme

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)
DIALOG_MARGINS = (20, 18, 20, 16)  # as the app's own dialogs: message boxes come tighter
MODEL_PICKER_MAX_WIDTH = 240


def build_model_picker(parent: QWidget, model: str) -> QComboBox:
    """The model picker beside the status line, showing `model` until Groq's list arrives."""
    picker = QComboBox(parent)
    picker.setObjectName("ModelPicker")
    picker.setAccessibleName(translate("SettingsController", "Model"))
    # AT-SPI names a combo box by its current entry: this says what the entry is for.
    picker.setAccessibleDescription(translate("SettingsController", "Model for the next reply"))
    picker.setToolTip(translate("SettingsController", "The model for the next reply"))
    # As wide as about 14 characters, not as the longest model id: the status row must
    # not widen a small window. The list opens as wide as its longest entry.
    picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    picker.setMinimumContentsLength(14)
    picker.setMaximumWidth(MODEL_PICKER_MAX_WIDTH)
    picker.addItem(model)
    picker.view().setAccessibleName(translate("SettingsController", "Models"))
    return picker


class SettingsController:
    def __init__(self, window: MainWindow, key_source: str | None):
        self.window = window
        self.service = window.service
        self.store = window.preferences_store
        # Where the key in use came from (Settings > API key says it); see settings.Settings.
        self.key_source = key_source or ("configured" if self.service.has_llm else "none")
        self._key_rejected = False  # Groq answered 401 to the key in use
        self._model_list_task: asyncio.Task | None = None
        self.key_dialog: ApiKeyDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.keychain_notice: QMessageBox | None = None
        window.model_picker.activated.connect(self._model_picked)
        window.change_key_button.clicked.connect(lambda: self.ask_for_key())

    @staticmethod
    def load_preferences(window: MainWindow) -> Preferences:
        """The saved preferences; the environment's model and memory turns are the defaults."""
        service = window.service
        return Preferences.load(
            window.preferences_store,
            Preferences(
                memory_turns=service.settings.memory_turns,
                model=service.model or Preferences.model,
            ),
        )

    # -- preferences ---------------------------------------------------------------------
    def apply_preferences(self) -> None:
        window = self.window
        preferences = window.preferences
        self.service.settings.memory_turns = preferences.memory_turns
        self.service.settings.system_prompt = preferences.system_prompt
        self.service.apply_choices(preferences.model, preferences.temperature)
        window.reply_extras.apply_options()  # reasoning effort, web search
        theme = THEMES[preferences.resolved_theme()]
        if window.model_picker.currentText() != preferences.model:
            self._show_model(preferences.model)
        if theme != window.theme:
            window.theme = theme
            apply_theme(theme)
            window.sessions.set_theme(theme)
            if window.transcript_built:  # else it is built in window.theme
                window.delegate.theme = theme
            window.voice.set_theme()
            self._reset_documents()
        font = QFont(window.font())
        font.setPointSizeF(preferences.font_size)
        if font != window.transcript_font:
            window.transcript_font = font  # a transcript built later takes it too
            if window.transcript_built:
                window.delegate.set_font(font)
            window.composer.edit.setFont(font)
            self._reset_documents()
        window.composer.set_send_key(preferences.send_key)
        window.refresh_welcome()

    def _reset_documents(self) -> None:
        window = self.window
        if not window.transcript_built:  # (built after the first paint: MainWindow)
            return
        for item in window.transcript_model.items:
            if not item.streaming:
                item.document = None
        # Heights change with the text size: the reader's place stays (Ctrl+= while reading).
        window.transcript.relayout_keeping_reader()
        window.transcript.viewport().update()

    def _save_and_apply(self) -> None:
        self.window.preferences.save(self.store)
        self.apply_preferences()

    def zoom_in(self) -> None:
        self._zoom(+1.0)

    def zoom_out(self) -> None:
        self._zoom(-1.0)

    def _zoom(self, step: float) -> None:
        preferences = self.window.preferences
        preferences.font_size += step
        preferences.clamp()
        self._save_and_apply()
        self.window.show_status(
            translate("SettingsController", "Text size {size} pt.").format(
                size=locale().toString(preferences.font_size, "g", 4)  # 10.5 / 10,5, 11
            )
        )

    # -- the Settings dialog ---------------------------------------------------------------
    def open_settings(self) -> None:
        from desktop_chat.ui.settings_dialog import SettingsDialog  # not before the first paint

        window = self.window
        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.raise_()
            return
        session_id = window.current_session_id
        prompt = self.service.settings.session_prompts.get(session_id) if session_id else None
        dialog = SettingsDialog(
            window.preferences,
            prompt,
            session_id is not None,
            window,
            key_source=self.key_source,
            bindings=window.keyboard.bindings,
        )
        from desktop_chat.ui.account import AccountSection

        # Without Supabase the section says how to turn sync on.
        account = AccountSection(window.sync, dialog)
        account.setTitle("")  # the tab is already called Account
        account.setFlat(True)
        dialog.extra.addWidget(account)
        dialog.extra.addStretch(1)
        dialog.change_key_requested.connect(lambda: self.ask_for_key())
        dialog.set_quick_ask_note(window.quick_ask_note)
        hotkey = window.quick_ask_hotkey
        if hotkey is not None:  # the system-wide keys' row, checked by the platform's backend
            dialog.keyboard.quick_ask.attach(hotkey.keys, hotkey.problem_with, hotkey.available)
            dialog.keyboard._check()
        dialog.accepted.connect(lambda: self._save_settings(dialog, session_id))
        self.settings_dialog = dialog
        dialog.open()
        window._spawn(self._load_models(dialog))

    async def _load_models(self, dialog: SettingsDialog) -> None:
        if not self.service.has_llm:
            dialog.set_models(
                None, translate("SettingsController", "Add an API key to see Groq's models.")
            )
            return
        try:
            models = await self.service.list_models()
        except LLMError as error:
            dialog.set_models(None, error.message)
            return
        dialog.set_models(models)
        self._fill_model_picker(models)

    def _save_settings(self, dialog: SettingsDialog, session_id: str | None) -> None:
        window = self.window
        window.preferences = dialog.chosen(window.preferences)
        bindings = dialog.keyboard.bindings()
        if bindings != window.keyboard.bindings:
            save_bindings(self.store, bindings)
            window.keyboard.apply_bindings(bindings)  # at once, not after a restart
        self._rebind_quick_ask(dialog.keyboard.quick_ask.keys())
        if session_id is not None:  # stored with the session (the store), not in preferences
            window._spawn(self.service.set_session_prompt(session_id, dialog.session_prompt_text))
        self._save_and_apply()
        window.show_status(translate("SettingsController", "Settings saved."))

    def _rebind_quick_ask(self, keys: str) -> None:
        """The new system-wide keys at once; refused (another program took them since the
        page checked), the old keys stay, and a message says so."""
        hotkey = self.window.quick_ask_hotkey
        if hotkey is None or keys == hotkey.keys or hotkey.rebind(keys):
            return
        box = plain_message_box(
            QMessageBox.Icon.NoIcon,
            translate("SettingsController", "Quick-ask keys not changed"),
            translate(
                "SettingsController",
                "{new} cannot open the quick-ask window: {reason}. {old} still does.",
            ).format(new=keys, reason=hotkey.error.rstrip("."), old=hotkey.keys),
            parent=self.window,
        )
        box.setObjectName("QuickAskKeysRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.quick_ask_refused = box
        box.open()

    # -- the model picker (beside the status line) -------------------------------------------
    async def load_model_list(self) -> None:
        """Fill the picker from Groq's live list; it shows the chosen model until then."""
        if not self.service.has_llm:
            return
        try:
            models = await self.service.list_models()
        except LLMError as error:
            log.info("Could not list Groq's models: %s", error.kind)
            self.window.model_picker.setToolTip(
                translate("SettingsController", "The model for the next reply. {error}").format(
                    error=error.message
                )
            )
            return
        self._fill_model_picker(models)

    def load_model_list_soon(self) -> None:
        if self._model_list_task is not None:
            self._model_list_task.cancel()  # a new key: the old one's list no longer counts
        self._model_list_task = self.window._spawn(self.load_model_list())

    def stop_loading(self) -> None:
        if self._model_list_task is not None:
            self._model_list_task.cancel()  # nobody is left to pick from it

    def _fill_model_picker(self, models: list[str]) -> None:
        self.service.known_models(models)  # where a message with images can go
        picker = self.window.model_picker
        picker.blockSignals(True)
        picker.clear()
        picker.addItems(models)
        picker.blockSignals(False)
        view = picker.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 32)
        self._show_model(self.window.preferences.model)

    def _show_model(self, model: str) -> None:
        picker = self.window.model_picker
        picker.blockSignals(True)
        if picker.findText(model) < 0:
            picker.insertItem(0, model)  # e.g. one typed in Settings
        picker.setCurrentText(model)
        picker.blockSignals(False)

    def _model_picked(self, index: int) -> None:
        window = self.window
        model = window.model_picker.itemText(index)
        if not model or model == window.preferences.model:
            return
        window.preferences.model = model
        self._save_and_apply()
        window.show_status(
            translate("SettingsController", "Next replies come from {model}.").format(model=model)
        )
        window.attachments.refresh()  # the chips say whether images need the vision model
        window.composer.edit.setFocus()

    # -- the API key ------------------------------------------------------------------------
    def key_rejected(self) -> None:
        """Groq answered 401: offer the way to change the key, without a dialog over the error."""
        self._key_rejected = True
        self.window.change_key_button.show()

    def ask_for_key(self, reason: str | None = None) -> None:
        if self.key_dialog is not None and self.key_dialog.isVisible():
            self.key_dialog.raise_()
            return
        if self.key_source == "environment":
            note = translate(
                "SettingsController",
                "GROQ_API_KEY is set, so it is used again at the next start: change it there "
                "too to keep the new key.",
            )
            reason = f"{reason}\n\n{note}" if reason else note
        dialog = ApiKeyDialog(self.window, reason)
        dialog.accepted.connect(lambda: self.use_key(dialog.key))
        dialog.rejected.connect(self._key_not_changed)
        self.key_dialog = dialog
        dialog.open()

    def _key_not_changed(self) -> None:
        """After "Not now": say which key is still in use, if any."""
        if not self.service.has_llm:
            self.window.show_status(
                translate(
                    "SettingsController",
                    "No API key yet: past sessions can be read; add a key to chat.",
                )
            )
        elif self._key_rejected:
            self.window.show_status(
                translate(
                    "SettingsController",
                    "Key not changed: Groq rejected it, so replies fail until it is.",
                )
            )
        else:
            self.window.show_status(translate("SettingsController", "The API key was not changed."))

    def use_key(self, key: str) -> None:
        window = self.window
        previous = self.service.use_llm(window.make_llm(key))
        window.reply_extras.apply_options()
        self._key_rejected = False
        window.change_key_button.hide()
        if previous is not None:
            window._spawn(previous.close())
        try:
            window.save_key(key)
            self.key_source = "typed"
            window.show_status(
                translate("SettingsController", "Key saved in your system keychain.")
            )
        except KeychainUnavailable as unavailable:
            self.key_source = "session"
            window.show_status(
                translate(
                    "SettingsController", "Key kept for this run only: this system has no keychain."
                )
            )
            box = plain_message_box(
                QMessageBox.Icon.NoIcon,
                translate("SettingsController", "Key kept for this run only"),
                str(unavailable),
                parent=window,
            )
            box.setObjectName("KeychainNotice")
            box.layout().setContentsMargins(*DIALOG_MARGINS)
            box.setAccessibleName(translate("SettingsController", "Key kept for this run only"))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.keychain_notice = box
            box.open()  # not exec(): a nested event loop would stall the streaming loop
        self.load_model_list_soon()
        window.refresh_welcome()
        window.composer.edit.setFocus()
