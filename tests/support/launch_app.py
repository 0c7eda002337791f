"""Run the real app (`desktop_chat.app.main`) in a child process, driven by a tiny robot.

Used by tests through `tests.support.app_process.AppProcess`; run as a script:

    python tests/support/launch_app.py [app args...]

Everything the real start-up does happens unchanged (settings from the environment, logging,
the single-instance check, the store, the window, the qasync loop). The robot only:
- reports what happens as JSON lines on stdout: {"event": "ready"}, "sent", "replied"
  (with the status line), "done", "activated" (another start asked for the window),
  "quick_ask" (another start asked for the quick-ask window: is it visible and focused), "dialog"
  (with its text), "exit" (with main's return code);
- answers message boxes instead of showing them (a modal exec() would wait for a click forever
  offscreen), printing their text as a "dialog" event; with $DC_LAUNCH_ANSWER, an open()'d
  (window-modal) one too, answered with the button of that text (else its escape button);
- types each message of $DC_LAUNCH_MESSAGES (a JSON list) into the composer and presses Enter,
  waiting for each reply to finish before the next;
- then, with $DC_LAUNCH_EXPORT_DIR, exports the current session there with the window's own
  export (session.md, session.json);
- then closes the window (the app's normal quit path) when $DC_LAUNCH_QUIT is "1", or once the
  file named by $DC_LAUNCH_QUIT_FILE exists.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def main() -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication(sys.argv[:1])

    def answer(kind: str):
        def box(parent, title, text, *args, **kwargs):
            emit("dialog", kind=kind, title=title, text=text)
            return QMessageBox.StandardButton.Ok

        return staticmethod(box)

    for kind in ("critical", "warning", "information", "question"):
        setattr(QMessageBox, kind, answer(kind))

    kinds = {
        QMessageBox.Icon.Critical: "critical",
        QMessageBox.Icon.Warning: "warning",
        QMessageBox.Icon.Information: "information",
        QMessageBox.Icon.Question: "question",
    }

    def answer_box(box):  # a QMessageBox built by the app and exec()'d
        emit(
            "dialog",
            kind=kinds.get(box.icon(), "message"),
            title=box.windowTitle(),
            text=box.text(),
            plain=box.textFormat() == Qt.TextFormat.PlainText,
        )
        return QMessageBox.StandardButton.Ok

    QMessageBox.exec = answer_box

    chosen = os.environ.get("DC_LAUNCH_ANSWER")

    def answer_open(box):  # one open()'d (window-modal): see DC_LAUNCH_ANSWER
        answer_box(box)

        def click() -> None:
            named = [b for b in box.buttons() if b.text() == chosen]
            button = named[0] if named else box.escapeButton()
            button.click() if button is not None else box.reject()

        QTimer.singleShot(0, click)

    if chosen:
        QMessageBox.open = answer_open

    messages: list[str] = json.loads(os.environ.get("DC_LAUNCH_MESSAGES") or "[]")
    quit_now = os.environ.get("DC_LAUNCH_QUIT") == "1"
    quit_file = os.environ.get("DC_LAUNCH_QUIT_FILE")
    export_dir = os.environ.get("DC_LAUNCH_EXPORT_DIR")
    state = {"window": None, "pending": list(messages), "waiting": False, "done": False}

    def find_window():
        from desktop_chat.ui.main_window import MainWindow

        return next(
            (w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None
        )

    def tick() -> None:
        window = state["window"]
        if window is None:
            window = find_window()
            if window is None:
                return
            state["window"] = window
            from desktop_chat.ui.single_instance import SingleInstance

            instance = app.findChild(SingleInstance)
            if instance is not None:
                instance.activated.connect(lambda: emit("activated"))
                instance.quick_ask_requested.connect(
                    lambda: state.update(quick_ask_asked=time.monotonic())
                )
            emit("ready", status=window.composer.status.text())
            return
        asked = state.get("quick_ask_asked")
        if asked is not None:
            # Reported once its input has the focus (activation is asynchronous), or after 5 s.
            quick = window.quick_ask_window
            visible = quick is not None and quick.isVisible()
            focused = visible and quick.input.hasFocus()
            if focused or time.monotonic() - asked > 5:
                state["quick_ask_asked"] = None
                emit("quick_ask", visible=visible, focused=focused)
        if state["waiting"]:
            if window.busy or window.reply_task is None or not window.reply_task.done():
                return  # (a task not yet started is not busy yet)
            state["waiting"] = False
            emit("replied", status=window.composer.status.text())
        if state["pending"]:
            text = state["pending"].pop(0)
            edit = window.composer.edit
            edit.setFocus()
            edit.setPlainText(text)
            before = window.reply_task
            QTest.keyClick(edit, Qt.Key.Key_Return)
            state["waiting"] = window.reply_task is not before
            emit("sent", accepted=state["waiting"], status=window.composer.status.text())
            return
        if export_dir and "exports" not in state:
            # The window's own export (Markdown and JSON) of the current session.
            state["exports"] = (
                [
                    window._spawn(
                        window.session_actions.export_session(
                            window.current_session_id, Path(export_dir) / f"session.{kind}", kind
                        )
                    )
                    for kind in ("md", "json")
                ]
                if window.current_session_id and hasattr(window, "session_actions")
                else []
            )
            return
        if not all(task.done() for task in state.get("exports", ())):
            return
        if not state["done"]:
            state["done"] = True
            emit("done", status=window.composer.status.text())
        if quit_now or (quit_file and Path(quit_file).exists()):
            timer.stop()
            window.close()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()

    from desktop_chat.app import main as app_main

    code = app_main(sys.argv[1:])
    emit("exit", code=code)
    return code


if __name__ == "__main__":
    # Run as a script from anywhere: make the project importable even when not installed.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    raise SystemExit(main())
