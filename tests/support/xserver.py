"""A throwaway X server (Xvfb) with a small window manager (openbox), for real-window tests.

The real-window pass of the suite (`DESKTOP_CHAT_TEST_DISPLAY=xvfb pytest`, run by scripts/test
after the offscreen pass) starts one before Qt is loaded, so the app runs on the xcb platform as
users run it. The window manager matters: without one X11 never activates a window, so Qt's
shortcuts do not fire and focus is odd; openbox activates each new window, as a desktop does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

# Room for a 1400x900 window with its frame wherever the window manager puts it: on a screen of
# just that size part of the window lies off it, where a grab shows black (pixels.grab_screen
# refuses such a grab).
SCREEN = "1920x1200x24"


class XServer:
    """`Xvfb -displayfd` picks a free display number itself, so parallel runs never collide."""

    def __init__(self, screen: str = SCREEN, window_manager: str | None = "openbox"):
        self.screen = screen
        self.window_manager = window_manager
        self.display: str | None = None
        self._xvfb: subprocess.Popen | None = None
        self._wm: subprocess.Popen | None = None

    def start(self) -> XServer:
        tools = ("Xvfb", "xprop", self.window_manager)
        missing = [tool for tool in tools if tool and not shutil.which(tool)]
        if missing:
            raise RuntimeError(
                f"real-window tests need {', '.join(missing)} "
                "(scripts/system-deps --test installs them)"
            )
        read, write = os.pipe()
        self._xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-screen",
                "0",
                self.screen,
                "-nolisten",
                "tcp",
                "-noreset",
                "+extension",
                "RANDR",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        if self.window_manager:
            env = dict(os.environ, DISPLAY=self.display)
            config_home = Path(os.environ.get("TMPDIR", "/tmp")) / f"dc-openbox-{number}"
            config_home.mkdir(exist_ok=True)
            env["XDG_CONFIG_HOME"] = str(config_home)
            self._wm = subprocess.Popen(
                [self.window_manager], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            self._wait_for_window_manager(env)
        return self

    def _wait_for_window_manager(self, env: dict[str, str], timeout: float = 10.0) -> None:
        """A window manager announces itself on the root window (EWMH)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
                env=env,
                capture_output=True,
                text=True,
            )
            if "window id" in probe.stdout:
                return
            if self._wm is not None and self._wm.poll() is not None:
                raise RuntimeError(f"{self.window_manager} exited at start")
            time.sleep(0.05)
        raise RuntimeError(f"{self.window_manager} did not start within {timeout} s")

    def stop(self) -> None:
        for process in (self._wm, self._xvfb):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
