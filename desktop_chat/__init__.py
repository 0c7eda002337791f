"""Desktop Chat: a native desktop AI assistant."""

__version__ = "0.1.0"
APP_NAME = "Desktop Chat"
APP_ID = "DesktopChat"
