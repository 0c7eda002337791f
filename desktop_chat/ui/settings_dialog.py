"""Settings (Ctrl+,) in sections: Model, Conversation (prompts), Appearance, Keyboard, Desktop,
API key, Account."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.llm.audio import VOICES
from desktop_chat.i18n import translatable
from desktop_chat.ui.keyboard_settings import KeyboardPage
from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.preferences import FONT_SIZES, Preferences
from desktop_chat.ui.reasoning_settings import reasoning_combos, reasoning_rows
from desktop_chat.ui.shortcuts import Bindings

translate = QCoreApplication.translate

# Where the key in use came from (settings.Settings.key_source, or "typed" for one typed into
# this run), in the words the API key section shows.
KEY_SOURCES = {
    "environment": translatable(
        "Settings",
        "Using the key from GROQ_API_KEY (the environment or a .env file). "
        "A key typed here is used instead until the app restarts.",
    ),
    "keychain": translatable("Settings", "Using the key saved in your system keychain."),
    "typed": translatable("Settings", "Using the key you typed, saved in your system keychain."),
    "configured": translatable("Settings", "Using the key Desktop Chat was started with."),
    "session": translatable(
        "Settings",
        "Using the key you typed; this system has no keychain, so it is kept for this run only.",
    ),
    "none": translatable(
        "Settings",
        "No API key yet: past sessions can be read; add a key to chat.",
    ),
}
# Settings -> Language: each language by its own name, as a language menu shows them.
LANGUAGES = (("system", None), ("en", "English"), ("de", "Deutsch"))
TEMPERATURE_STEPS = 10  # the slider moves in tenths


class SettingsDialog(QDialog):
    change_key_requested = Signal()

    def __init__(
        self,
        preferences: Preferences,
        session_prompt: str | None,
        has_session: bool,
        parent: QWidget | None = None,
        key_source: str = "none",
        bindings: Bindings | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(translate("Settings", "Settings"))
        self.setAccessibleName(translate("Settings", "Settings"))

        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.setAccessibleName(translate("Settings", "Model"))
        self.model.view().setAccessibleName(translate("Settings", "Models"))
        # A screen reader names it apart.
        self.model.lineEdit().setAccessibleName(translate("Settings", "Model name"))
        self.model.addItem(preferences.model)
        self.model.setCurrentText(preferences.model)
        self.models_note = _hint(translate("Settings", "Loading Groq's model list…"), self)
        self.reasoning_effort, self.search_model = reasoning_combos(self, preferences)

        self.temperature = QDoubleSpinBox(self)
        self.temperature.setAccessibleName(translate("Settings", "Temperature"))
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setDecimals(1)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(preferences.temperature)
        self.temperature_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.temperature_slider.setAccessibleName(translate("Settings", "Temperature slider"))
        self.temperature_slider.setRange(0, 2 * TEMPERATURE_STEPS)
        self.temperature_slider.setValue(round(preferences.temperature * TEMPERATURE_STEPS))
        self.temperature_slider.valueChanged.connect(
            lambda step: self.temperature.setValue(step / TEMPERATURE_STEPS)
        )
        self.temperature.valueChanged.connect(
            lambda value: self.temperature_slider.setValue(round(value * TEMPERATURE_STEPS))
        )
        temperature_row = QHBoxLayout()
        temperature_row.addWidget(self.temperature_slider, 1)
        temperature_row.addWidget(self.temperature)

        self.system_prompt = QPlainTextEdit(preferences.system_prompt, self)
        self.system_prompt.setAccessibleName(
            translate("Settings", "System prompt for all sessions")
        )
        self.system_prompt.setTabChangesFocus(True)
        self.session_prompt = QPlainTextEdit(session_prompt or "", self)
        self.session_prompt.setAccessibleName(
            translate("Settings", "System prompt for this session")
        )
        self.session_prompt.setPlaceholderText(
            translate("Settings", "Empty: use the prompt above")
            if has_session
            else translate("Settings", "Open a session to give it its own prompt")
        )
        self.session_prompt.setTabChangesFocus(True)
        self.session_prompt.setEnabled(has_session)
        for edit in (self.system_prompt, self.session_prompt):
            edit.setFixedHeight(84)

        self.memory_turns = QSpinBox(self)
        self.memory_turns.setAccessibleName(translate("Settings", "Memory size in interactions"))
        self.memory_turns.setRange(0, 100)
        self.memory_turns.setSuffix(translate("Settings", " interactions"))
        self.memory_turns.setValue(preferences.memory_turns)

        self.theme = QComboBox(self)
        self.theme.setAccessibleName(translate("Settings", "Theme"))
        self.theme.view().setAccessibleName(translate("Settings", "Themes"))
        for label, value in (
            (translate("Settings", "Follow system"), "system"),
            (translate("Settings", "Dark"), "dark"),
            (translate("Settings", "Light"), "light"),
        ):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(self.theme.findData(preferences.theme))

        self.font_size = QDoubleSpinBox(self)
        self.font_size.setAccessibleName(translate("Settings", "Font size"))
        self.font_size.setRange(*FONT_SIZES)
        self.font_size.setDecimals(1)
        self.font_size.setSuffix(" pt")
        self.font_size.setSingleStep(0.5)
        self.font_size.setValue(preferences.font_size)

        self.send_key = QComboBox(self)
        self.send_key.setAccessibleName(translate("Settings", "Send key"))
        self.send_key.view().setAccessibleName(translate("Settings", "Send keys"))
        self.send_key.addItem(
            translate("Settings", "Enter sends, Shift+Enter adds a line"), "enter"
        )
        self.send_key.addItem(
            translate("Settings", "Ctrl+Enter sends, Enter adds a line"), "ctrl+enter"
        )
        self.send_key.setCurrentIndex(self.send_key.findData(preferences.send_key))

        self.voice = QComboBox(self)
        self.voice.setAccessibleName(translate("Settings", "Read-aloud voice"))
        self.voice.view().setAccessibleName(translate("Settings", "Voices"))
        for voice in VOICES:
            self.voice.addItem(voice.capitalize(), voice)
        self.voice.setCurrentIndex(self.voice.findData(preferences.voice))

        self.language = QComboBox(self)
        self.language.setObjectName("Language")
        self.language.setAccessibleName(translate("Settings", "Language"))
        self.language.view().setAccessibleName(translate("Settings", "Languages"))
        for value, name in LANGUAGES:
            self.language.addItem(name or translate("Settings", "Follow system"), value)
        self.language.setCurrentIndex(max(0, self.language.findData(preferences.language)))

        self.key_status = QLabel(
            translate("Settings", KEY_SOURCES.get(key_source, KEY_SOURCES["none"])),
            self,
        )
        self.key_status.setObjectName("KeyStatus")
        self.key_status.setAccessibleName(translate("Settings", "API key status"))
        self.key_status.setWordWrap(True)
        self.key_status.setTextFormat(Qt.TextFormat.PlainText)
        self.keep_in_tray = QCheckBox(
            translate("Settings", "Keep running in the tray when the window is closed"), self
        )
        self.keep_in_tray.setObjectName("KeepInTray")
        self.keep_in_tray.setAccessibleName(
            translate("Settings", "Keep running in the tray when the window is closed")
        )
        self.keep_in_tray.setChecked(preferences.keep_in_tray)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            self.keep_in_tray.setEnabled(False)
            self.keep_in_tray.setToolTip(translate("Settings", "This desktop has no system tray."))
        self.quick_ask_note = make_plain(QLabel("", self))
        self.quick_ask_note.setObjectName("Hint")
        self.quick_ask_note.setWordWrap(True)
        # The command to bind can be selected and copied.
        self.quick_ask_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.change_key = QPushButton(translate("Settings", "Change API key…"), self)
        self.change_key.setAccessibleName(translate("Settings", "Change API key"))
        self.change_key.setAutoDefault(False)  # Enter saves the settings, not this
        self.change_key.clicked.connect(self.change_key_requested)
        key_row = QHBoxLayout()
        key_row.addWidget(self.change_key)
        key_row.addStretch(1)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("SettingsSections")
        self.tabs.setAccessibleName(translate("Settings", "Settings sections"))
        self.tabs.setDocumentMode(False)
        # Every section's tab in sight: scroll arrows would hide the first ones.
        self.tabs.tabBar().setUsesScrollButtons(False)
        self._page(
            "Model",
            translate("Settings", "Model"),
            [
                (translate("Settings", "Model"), self.model),
                ("", self.models_note),
                (translate("Settings", "Temperature"), temperature_row),
                (
                    "",
                    _hint(
                        translate("Settings", "Lower is more focused, higher more varied."), self
                    ),
                ),
                *reasoning_rows(self, self.reasoning_effort, self.search_model),
                (translate("Settings", "Memory"), self.memory_turns),
                (
                    "",
                    _hint(
                        translate(
                            "Settings",
                            "How many earlier interactions (a message and its reply) the model "
                            "sees.",
                        ),
                        self,
                    ),
                ),
            ],
        )
        self._page(
            "Conversation",
            translate("Settings", "Conversation"),
            [
                (translate("Settings", "System prompt"), self.system_prompt),
                (translate("Settings", "This session's prompt"), self.session_prompt),
            ],
        )
        self._page(
            "Appearance",
            translate("Settings", "Appearance"),
            [
                (translate("Settings", "Theme"), self.theme),
                (translate("Settings", "Font size"), self.font_size),
                (translate("Settings", "Send key"), self.send_key),
                (
                    "",
                    _hint(
                        translate(
                            "Settings",
                            "Ctrl+/ shows every keyboard shortcut; Keyboard changes them.",
                        ),
                        self,
                    ),
                ),
                (translate("Settings", "Language"), self.language),
                (
                    "",
                    _hint(
                        translate(
                            "Settings",
                            "A new language is used from the next start of Desktop Chat.",
                        ),
                        self,
                    ),
                ),
            ],
        )
        self.keyboard = KeyboardPage(bindings or {}, self)
        self.tabs.addTab(self.keyboard, translate("Settings", "Keyboard"))
        self.tabs.tabBar().setTabData(self.tabs.count() - 1, "Keyboard")
        self._page(
            "Desktop",
            translate("Settings", "Desktop"),
            [
                (translate("Settings", "Tray"), self.keep_in_tray),
                (translate("Settings", "Quick ask"), self.quick_ask_note),
                (translate("Settings", "Voice"), self.voice),
                (
                    "",
                    _hint(
                        translate(
                            "Settings", "Read aloud speaks replies in this voice (Groq's Orpheus)."
                        ),
                        self,
                    ),
                ),
            ],
        )
        self.key_page = self._page(
            "API key",
            translate("Settings", "API key"),
            [("Groq", self.key_status), ("", key_row)],
        )
        # Settings > Account: the Supabase section (ui/account.py) goes here.
        self.account_page = QWidget(self)
        self.extra = QVBoxLayout(self.account_page)
        self.extra.setContentsMargins(14, 10, 14, 14)
        self.tabs.addTab(self.account_page, translate("Settings", "Account"))
        self.tabs.tabBar().setTabData(self.tabs.count() - 1, "Account")

        for spin in (self.temperature, self.memory_turns, self.font_size):
            # Qt lays a spin box's edit over its border whatever the style sheet's padding.
            spin.findChild(QLineEdit).setTextMargins(6, 0, 0, 0)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName(
            translate("Settings", "Save settings")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(
            translate("Settings", "Cancel")
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        # A clash between shortcuts is named on the Keyboard page; nothing saves until it goes.
        self.keyboard.valid_changed.connect(save.setEnabled)
        save.setEnabled(not self.keyboard.conflicts())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(16, 16, 16, 14)
        self.layout_.setSpacing(12)
        self.layout_.addWidget(self.tabs)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _page(self, name: str, title: str, rows: list[tuple[str, object]]) -> QWidget:
        """A section: `name` is its English name (show_section's), `title` its tab's words."""
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(14, 14, 14, 14)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in rows:
            form.addRow(label, field)
        column.addLayout(form)
        column.addStretch(1)  # a shorter section keeps its rows at the top
        self.tabs.addTab(page, title)
        self.tabs.tabBar().setTabData(self.tabs.count() - 1, name)
        return page

    def show_section(self, name: str) -> None:
        """Open on one section by its English name, e.g. "API key" (error messages point to it,
        in the window's language)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabBar().tabData(index) == name:
                self.tabs.setCurrentIndex(index)

    def set_quick_ask_note(self, text: str) -> None:
        """How the quick-ask window opens here: the system-wide shortcut, or how to bind one."""
        self.quick_ask_note.setText(text)

    def set_models(self, models: list[str] | None, error: str | None = None) -> None:
        current = self.model.currentText()
        if models:
            self.model.clear()
            self.model.addItems(models)
            if current not in models:
                self.model.insertItem(0, current)
            self.model.setCurrentText(current)
            self.models_note.setText(
                translate("Settings", "%n models available.", None, len(models))
            )
        else:
            self.models_note.setText(
                error
                or translate(
                    "Settings",
                    "Could not load the model list; type a model id.",
                )
            )

    def chosen(self, base: Preferences) -> Preferences:
        preferences = Preferences(
            model=self.model.currentText().strip() or base.model,
            temperature=self.temperature.value(),
            system_prompt=self.system_prompt.toPlainText().strip() or base.system_prompt,
            memory_turns=self.memory_turns.value(),
            theme=self.theme.currentData(),
            font_size=self.font_size.value(),
            send_key=self.send_key.currentData(),
            keep_in_tray=self.keep_in_tray.isChecked(),
            voice=self.voice.currentData(),
            reasoning_effort=self.reasoning_effort.currentData(),
            search_model=self.search_model.currentData(),
            language=self.language.currentData(),
        )
        preferences.clamp()
        return preferences

    @property
    def session_prompt_text(self) -> str:
        return self.session_prompt.toPlainText().strip()


def _hint(text: str, parent: QWidget) -> QLabel:
    label = make_plain(QLabel(text, parent))  # model names and server messages: plain text
    label.setObjectName("Hint")
    label.setWordWrap(True)
    return label
