"""Configuration: environment, .env files, the OS keychain, and where files live."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from desktop_chat import APP_ID
from desktop_chat.i18n import translate

log = logging.getLogger(__name__)

KEYRING_SERVICE = "desktop-chat"
KEYRING_GROQ_USER = "groq-api-key"
# The base URL the key in the keychain was saved for (none saved: Groq's own).
KEYRING_GROQ_URL_USER = "groq-api-key-base-url"
GROQ_DEFAULT_BASE_URL = "https://api.groq.com"
PROJECT_NAME = "desktop-chat"  # pyproject.toml's name: how a source checkout is recognised
DEFAULT_MODEL = "llama-3.1-8b-instant"
DEFAULT_VISION_MODEL = "meta-llama/llama-4-scout-17b-16e-instruct"  # = core VISION_MODEL
CONFIG_KEYS = (
    "GROQ_API_KEY",
    "GROQ_MODEL",
    "GROQ_VISION_MODEL",
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


def source_checkout() -> Path | None:
    """The project folder this code runs from, when it runs from a source checkout (not a
    bundle, not an installed package): the folder holding both the imported `desktop_chat`
    package and this project's pyproject.toml. None otherwise."""
    if getattr(sys, "frozen", False):
        return None
    folder = Path(__file__).resolve().parent.parent
    try:
        pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return folder if f'name = "{PROJECT_NAME}"' in pyproject else None


def read_config(
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    exe_dir: Path | None = None,
    checkout: Path | str | None = "detect",
) -> dict[str, str]:
    """Settings from, highest precedence first:

    1. the environment;
    2. `.env` in the current folder -- only when that folder is the source checkout the app
       runs from (`source_checkout()`; `checkout` overrides it, for tests). An installed or
       bundled app is never steered by the folder it happens to be started in: a `.env`
       there could send the key and the chats elsewhere (GROQ_BASE_URL, SUPABASE_URL,
       DESKTOP_CHAT_DATA_DIR);
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
    start_folder = (cwd or Path.cwd()).resolve()
    checkout = source_checkout() if checkout == "detect" else checkout
    if checkout is not None and Path(checkout).resolve() == start_folder:
        dotenvs.append(start_folder / ".env")
    elif (start_folder / ".env").is_file():
        log.info(
            "Ignored %s: a .env in the start folder is read only from a source checkout",
            start_folder / ".env",
        )
    for dotenv in dotenvs:  # lowest precedence first: later files override earlier ones
        if dotenv.is_file():
            # Imported only when there is a file to read: its regexes cost ~1 ms of start-up.
            from dotenv import dotenv_values

            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    environment = os.environ if env is None else env
    values.update({k: environment[k] for k in CONFIG_KEYS if environment.get(k)})
    return values


@dataclass
class Settings:
    groq_api_key: str | None = field(default=None, repr=False)  # never printed
    groq_model: str = DEFAULT_MODEL
    # Where a message with images goes when the chosen model cannot see (core/attachments.py).
    groq_vision_model: str = DEFAULT_VISION_MODEL
    groq_base_url: str | None = None
    supabase_url: str | None = None
    supabase_key: str | None = field(default=None, repr=False)
    memory_turns: int = 10
    data_dir: Path = field(
        default_factory=lambda: Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    )
    key_source: str = "none"  # "environment" | "keychain" | "none": shown in Settings
    # A keychain key saved for another base URL than the one configured now: not used until
    # the user agrees to send it there (see key_destination_changed).
    withheld_key: str | None = field(default=None, repr=False)
    key_saved_for: str | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "chat.db"

    @classmethod
    def load(
        cls, env: dict[str, str] | None = None, cwd: Path | None = None, keychain: bool = True
    ) -> Settings:
        """The settings from the environment and config files, and, without GROQ_API_KEY there,
        the key from the OS keychain. `keychain=False` leaves that to `read_keychain` (the app
        reads it after its first paint: importing keyring alone costs ~0.1 s of CPU)."""
        values = read_config(env, cwd)
        settings = cls(
            groq_model=values.get("GROQ_MODEL") or DEFAULT_MODEL,
            groq_vision_model=values.get("GROQ_VISION_MODEL") or DEFAULT_VISION_MODEL,
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
        elif keychain:
            settings.read_keychain()
        return settings

    def read_keychain(self) -> None:
        """Take the key saved in the OS keychain, if it was saved for the base URL configured
        now; one saved for another is withheld (see key_destination_changed)."""
        stored = load_key_from_keychain()
        if not stored:
            return
        saved_for = load_key_base_url()
        if same_base_url(saved_for, self.groq_base_url):
            self.groq_api_key = stored
            self.key_source = "keychain"
        else:
            self.withheld_key, self.key_saved_for = stored, saved_for

    @property
    def key_destination_changed(self) -> bool:
        return self.withheld_key is not None

    def release_withheld_key(self) -> None:
        """The user agreed to send the saved key to the configured base URL: use it, and bind
        it to that URL from now on (so the next start does not ask again)."""
        if self.withheld_key is None:
            return
        self.groq_api_key, self.withheld_key = self.withheld_key, None
        self.key_source = "keychain"
        save_key_base_url(self.groq_base_url)


def effective_base_url(base_url: str | None) -> str:
    """The Groq address a base URL setting means (none: Groq's own), normalised."""
    return (base_url or GROQ_DEFAULT_BASE_URL).strip().rstrip("/").lower()


def same_base_url(a: str | None, b: str | None) -> bool:
    return effective_base_url(a) == effective_base_url(b)


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


def load_key_base_url() -> str | None:
    """The base URL the keychain's key was saved for; None: Groq's own (also for a key saved
    before the binding existed)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_GROQ_URL_USER) or None
    except (KeyringError, RuntimeError):
        return None


def save_key_base_url(base_url: str | None) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if same_base_url(base_url, None):
            with contextlib.suppress(PasswordDeleteError):  # nothing saved: nothing to delete
                keyring.delete_password(KEYRING_SERVICE, KEYRING_GROQ_URL_USER)
        else:
            keyring.set_password(
                KEYRING_SERVICE, KEYRING_GROQ_URL_USER, effective_base_url(base_url)
            )
    except (KeyringError, RuntimeError) as exc:
        log.info("Could not record the key's base URL in the keychain (%s)", type(exc).__name__)


def save_key_to_keychain(api_key: str, base_url: str | None = None) -> None:
    """Keep the key in the OS keychain, bound to `base_url` (None: Groq's own): a later start
    with another GROQ_BASE_URL asks before sending the key there."""
    import keyring
    from keyring.errors import KeyringError

    backend = keyring.get_keyring()
    if keeps_nothing(backend):
        raise KeychainUnavailable(
            translate(
                "Settings",
                "This system has no keychain to keep the key in, so it will be used for this run "
                "only. To keep it, set GROQ_API_KEY in a .env file in {folder} (readable only by "
                "you).",
            ).format(folder=config_dir())
        )
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_GROQ_USER, api_key)
        save_key_base_url(base_url)
    except (KeyringError, RuntimeError) as exc:
        raise KeychainUnavailable(
            translate(
                "Settings",
                "The system keychain refused the key ({reason}), so it will be used for this run "
                "only. To keep it, set GROQ_API_KEY in a .env file in {folder}.",
            ).format(reason=type(exc).__name__, folder=config_dir())
        ) from exc


def keeps_nothing(backend: object) -> bool:
    """Whether a keyring backend is one that stores nothing (keyring's fail or null backend,
    chosen when the system has no keychain). Settings and the Supabase sign-in both ask."""
    name = type(backend).__module__ + "." + type(backend).__name__
    return "fail" in name.lower() or "null" in name.lower()
