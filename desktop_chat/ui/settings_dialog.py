"""Settings (Ctrl+,): model, temperature, prompts, memory, theme, font size, send key."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.preferences import FONT_SIZES, Preferences


class SettingsDialog(QDialog):
    change_key_requested = Signal()

    def __init__(self, preferences: Preferences, session_prompt: str | None,
                 has_session: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.resize(560, 620)

        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.setAccessibleName("Model")
        self.model.addItem(preferences.model)
        self.model.setCurrentText(preferences.model)
        self.models_note = make_plain(QLabel("Loading Groq's model list…", self))
        self.models_note.setObjectName("Hint")

        self.temperature = QDoubleSpinBox(self)
        self.temperature.setAccessibleName("Temperature")
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(preferences.temperature)

        self.system_prompt = QPlainTextEdit(preferences.system_prompt, self)
        self.system_prompt.setAccessibleName("System prompt for all sessions")
        self.system_prompt.setTabChangesFocus(True)
        self.session_prompt = QPlainTextEdit(session_prompt or "", self)
        self.session_prompt.setAccessibleName("System prompt for this session")
        self.session_prompt.setPlaceholderText("Empty: use the prompt above")
        self.session_prompt.setTabChangesFocus(True)
        self.session_prompt.setEnabled(has_session)
        for edit in (self.system_prompt, self.session_prompt):
            edit.setFixedHeight(90)

        self.memory_turns = QSpinBox(self)
        self.memory_turns.setAccessibleName("Memory size in interactions")
        self.memory_turns.setRange(0, 100)
        self.memory_turns.setValue(preferences.memory_turns)

        self.theme = QComboBox(self)
        self.theme.setAccessibleName("Theme")
        for label, value in (("Follow system", "system"), ("Dark", "dark"), ("Light", "light")):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(self.theme.findData(preferences.theme))

        self.font_size = QDoubleSpinBox(self)
        self.font_size.setAccessibleName("Font size")
        self.font_size.setRange(*FONT_SIZES)
        self.font_size.setSingleStep(0.5)
        self.font_size.setValue(preferences.font_size)

        self.send_key = QComboBox(self)
        self.send_key.setAccessibleName("Send key")
        self.send_key.addItem("Enter sends, Shift+Enter adds a line", "enter")
        self.send_key.addItem("Ctrl+Enter sends, Enter adds a line", "ctrl+enter")
        self.send_key.setCurrentIndex(self.send_key.findData(preferences.send_key))

        self.change_key = QPushButton("Change API key…", self)
        self.change_key.setAccessibleName("Change API key")
        self.change_key.clicked.connect(self.change_key_requested)

        form = QFormLayout()
        form.addRow("Model", self.model)
        form.addRow("", self.models_note)
        form.addRow("Temperature", self.temperature)
        form.addRow("System prompt", self.system_prompt)
        form.addRow("This session's prompt", self.session_prompt)
        form.addRow("Memory (interactions)", self.memory_turns)
        form.addRow("Theme", self.theme)
        form.addRow("Font size", self.font_size)
        form.addRow("Send key", self.send_key)
        form.addRow("Groq", self.change_key)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save settings")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(form)
        self.extra = QVBoxLayout()  # the Account section goes here when Supabase is configured
        self.layout_.addLayout(self.extra)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.buttons)

    def set_models(self, models: list[str] | None, error: str | None = None) -> None:
        current = self.model.currentText()
        if models:
            self.model.clear()
            self.model.addItems(models)
            if current not in models:
                self.model.insertItem(0, current)
            self.model.setCurrentText(current)
            self.models_note.setText(f"{len(models)} models available.")
        else:
            self.models_note.setText(error or "Could not load the model list; type a model id.")

    def chosen(self, base: Preferences) -> Preferences:
        preferences = Preferences(
            model=self.model.currentText().strip() or base.model,
            temperature=self.temperature.value(),
            system_prompt=self.system_prompt.toPlainText().strip() or base.system_prompt,
            memory_turns=self.memory_turns.value(),
            theme=self.theme.currentData(),
            font_size=self.font_size.value(),
            send_key=self.send_key.currentData(),
        )
        preferences.clamp()
        return preferences

    @property
    def session_prompt_text(self) -> str:
        return self.session_prompt.toPlainText().strip()
