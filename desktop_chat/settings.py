"""Configuration: environment, .env files, the OS keychain, and where files live."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from dotenv import dotenv_values

from desktop_chat import APP_ID

log = logging.getLogger(__name__)

KEYRING_SERVICE = "desktop-chat"
KEYRING_GROQ_USER = "groq-api-key"
DEFAULT_MODEL = "llama-3.1-8b-instant"
CONFIG_KEYS = (
    "GROQ_API_KEY",
    "GROQ_MODEL",
    "GROQ_BASE_URL",
    "SUPABASE_URL",
    "SUPABASE_KEY",
    "MEMORY_TURNS",
    "DESKTOP_CHAT_DATA_DIR",
)


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_ID, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_ID, appauthor=False))


def binary_dir() -> Path | None:
    """The folder of the app's executable when it runs as a bundle (PyInstaller), else None."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def read_config(env: dict[str, str] | None = None, cwd: Path | None = None,
                exe_dir: Path | None = None) -> dict[str, str]:
    """Settings from, highest precedence first:

    1. the environment;
    2. `.env` in the current folder;
    3. `.env` next to the binary (`binary_dir()`, only when running as a bundle; `exe_dir`
       overrides it, for tests);
    4. `.env` in the user config dir (`config_dir()`).

    A value set at a higher level replaces the same name from a lower one; empty environment
    variables are ignored.
    """
    values: dict[str, str] = {}
    beside_binary = exe_dir or binary_dir()
    dotenvs = [config_dir() / ".env"]
    if beside_binary is not None:
        dotenvs.append(beside_binary / ".env")
    dotenvs.append((cwd or Path.cwd()) / ".env")
    for dotenv in dotenvs:  # lowest precedence first: later files override earlier ones
        if dotenv.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    environment = os.environ if env is None else env
    values.update({k: environment[k] for k in CONFIG_KEYS if environment.get(k)})
    return values


@dataclass
class Settings:
    groq_api_key: str | None = field(default=None, repr=False)  # never printed
    groq_model: str = DEFAULT_MODEL
    groq_base_url: str | None = None
    supabase_url: str | None = None
    supabase_key: str | None = field(default=None, repr=False)
    memory_turns: int = 10
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_ID, appauthor=False)))
    key_source: str = "none"  # "environment" | "keychain" | "none": shown in Settings

    @property
    def db_path(self) -> Path:
        return self.data_dir / "chat.db"

    @classmethod
    def load(cls, env: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
        values = read_config(env, cwd)
        settings = cls(
            groq_model=values.get("GROQ_MODEL") or DEFAULT_MODEL,
            groq_base_url=values.get("GROQ_BASE_URL") or None,
            supabase_url=values.get("SUPABASE_URL") or None,
            supabase_key=values.get("SUPABASE_KEY") or None,
            memory_turns=_positive_int(values.get("MEMORY_TURNS"), default=10),
        )
        if values.get("DESKTOP_CHAT_DATA_DIR"):
            settings.data_dir = Path(values["DESKTOP_CHAT_DATA_DIR"]).expanduser()
        if values.get("GROQ_API_KEY"):
            settings.groq_api_key = values["GROQ_API_KEY"]
            settings.key_source = "environment"
        else:
            stored = load_key_from_keychain()
            if stored:
                settings.groq_api_key = stored
                settings.key_source = "keychain"
        return settings


def _positive_int(value: str | None, default: int) -> int:
    try:
        number = int(value) if value else default
    except ValueError:
        log.warning("MEMORY_TURNS is not a number; using %d", default)
        return default
    return max(0, number)


class KeychainUnavailable(Exception):
    """No OS keychain is available; the message says what to do instead."""


def load_key_from_keychain() -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_GROQ_USER)
    except (KeyringError, RuntimeError) as exc:
        log.info("No OS keychain to read the API key from (%s)", type(exc).__name__)
        return None


def save_key_to_keychain(api_key: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    backend = keyring.get_keyring()
    if _is_fail_backend(backend):
        raise KeychainUnavailable(
            "This system has no keychain to keep the key in, so it will be used for this run "
            "only. To keep it, set GROQ_API_KEY in a .env file in "
            f"{config_dir()} (readable only by you)."
        )
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_GROQ_USER, api_key)
    except (KeyringError, RuntimeError) as exc:
        raise KeychainUnavailable(
            f"The system keychain refused the key ({type(exc).__name__}), so it will be used for "
            f"this run only. To keep it, set GROQ_API_KEY in a .env file in {config_dir()}."
        ) from exc


def _is_fail_backend(backend: object) -> bool:
    name = type(backend).__module__ + "." + type(backend).__name__
    return "fail" in name.lower() or "null" in name.lower()
