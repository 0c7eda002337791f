"""The empty state of a new session: which model answers, and a few prompts to start from.

The window shows it in place of the empty transcript (a page of a QStackedWidget) until the
session has a message. Choosing a prompt emits `prompt_chosen`; the window sends it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.i18n import translatable

translate = QCoreApplication.translate

# In English here; translated when the page is built (the prompt is sent in the user's language).
STARTER_PROMPTS: tuple[tuple[str, str], ...] = (
    (
        translatable("Welcome", "Explain a concept"),
        translatable("Welcome", "Explain how public-key cryptography works, in plain words."),
    ),
    (
        translatable("Welcome", "Write code"),
        translatable(
            "Welcome", "Write a Python function that removes duplicates from a list, keeping order."
        ),
    ),
    (
        translatable("Welcome", "Plan something"),
        translatable("Welcome", "Plan a relaxed three-day trip to Lisbon."),
    ),
    (
        translatable("Welcome", "Improve a text"),
        translatable("Welcome", "Make this email clearer and friendlier: "),
    ),
)


WIDE_ENOUGH = 520  # px: two columns of prompts with their full text
MAX_CONTENT = 760  # px: the widest the heading and prompts get


class PromptButton(QPushButton):
    """A starter prompt: a short heading and the prompt itself, wrapped to the button."""

    def __init__(self, heading: str, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.prompt = prompt
        self.setObjectName("StarterPrompt")
        self.setAccessibleName(translate("Welcome", "Start with: {prompt}").format(prompt=prompt))
        self.setToolTip(prompt)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        title = QLabel(heading, self)
        title.setObjectName("StarterHeading")
        title.setTextFormat(Qt.TextFormat.PlainText)
        body = QLabel(prompt, self)
        self.body = body
        body.setObjectName("StarterText")
        body.setTextFormat(Qt.TextFormat.PlainText)
        body.setWordWrap(True)
        for label in (title, body):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)  # beside a taller neighbour, the text stays at the top

    def sizeHint(self):  # noqa: N802 - the labels' height, as a QPushButton has no text
        return self.layout().sizeHint()

    def minimumSizeHint(self):  # noqa: N802
        return self.layout().minimumSize()

    def height_at(self, width: int) -> int:
        """Its height at `width` (layouts ask its layout, which wraps the prompt text)."""
        if self.layout().hasHeightForWidth():
            return self.layout().totalHeightForWidth(width)
        return self.sizeHint().height()


class WelcomeView(QWidget):
    prompt_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Welcome")
        self.setAccessibleName(translate("Welcome", "New session"))
        self.heading = QLabel(translate("Welcome", "What can I help with?"), self)
        self.heading.setObjectName("WelcomeHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        self.model_label = QLabel("", self)
        self.model_label.setObjectName("WelcomeModel")
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.model_label.setWordWrap(True)
        self.prompts = [
            PromptButton(translate("Welcome", heading), translate("Welcome", prompt), self)
            for heading, prompt in STARTER_PROMPTS
        ]
        for button in self.prompts:
            button.clicked.connect(lambda _=False, b=button: self.prompt_chosen.emit(b.prompt))
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        self._columns = 0
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 16, 16, 16)
        column.addStretch(2)
        column.addWidget(self.heading)
        column.addSpacing(4)
        column.addWidget(self.model_label)
        column.addSpacing(18)
        column.addLayout(self.grid)
        column.addStretch(3)
        self._arrange(2)
        # fit() makes whatever room there is work (one column, headings only, fewer prompts):
        # the page must not hold the window wider or taller than 600 x 500 wants.
        self.setMinimumSize(200, 120)

    def set_model(self, model: str | None) -> None:
        self.model_label.setText(
            translate("Welcome", "Model: {model}").format(model=model)
            if model
            else translate("Welcome", "Add a Groq API key to start chatting.")
        )

    def _arrange(self, columns: int) -> None:
        """Two columns of prompts when there is room, one in a narrow window."""
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.prompts:
            self.grid.removeWidget(button)
        for number, button in enumerate(self.prompts):
            self.grid.addWidget(button, number // columns, number % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        """Whatever the size, nothing is cut: narrow, the prompts show only their headings
        (the whole prompt is in the tooltip); short, the ones that do not fit are left out."""
        # A readable measure in a wide window: the prompts do not stretch past MAX_CONTENT.
        side = max(16, (self.width() - MAX_CONTENT) // 2)
        self.layout().setContentsMargins(side, 16, side, 16)
        wide = self.width() >= WIDE_ENOUGH
        self._arrange(2 if wide else 1)
        for button in self.prompts:
            button.body.setVisible(wide)
        shown = len(self.prompts)
        while shown and self._height_needed(shown) > self.height():
            shown -= 1
        for number, button in enumerate(self.prompts):
            button.setVisible(number < shown)

    def _height_needed(self, prompts: int) -> int:
        """The height the page needs at its width with the first `prompts` prompts."""
        margins = self.layout().contentsMargins()
        width = self.width() - margins.left() - margins.right()
        columns = self._columns
        spacing = self.grid.spacing()
        cell = (width - spacing * (columns - 1)) // columns
        rows = [self.prompts[i : i + columns] for i in range(0, prompts, columns)]
        grid = sum(max(b.height_at(cell) for b in row) for row in rows)
        grid += spacing * max(0, len(rows) - 1)
        return (
            margins.top()
            + margins.bottom()
            + self.heading.heightForWidth(width)
            + 4
            + self.model_label.heightForWidth(width)
            + 18
            + grid
        )
