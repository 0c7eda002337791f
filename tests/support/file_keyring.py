"""A keyring backend kept in a JSON file ($DC_TEST_KEYRING_FILE), so a test and the real app in
a child process share one keychain:

    PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

from desktop_chat.settings import (
    KEYRING_GROQ_URL_USER,
    KEYRING_GROQ_USER,
    KEYRING_SERVICE,
    effective_base_url,
)


def keychain_file(folder: Path, key: str, saved_for: str | None) -> dict[str, str]:
    """A keychain in `folder` holding `key`, saved for `saved_for`: the environment that makes
    the app in a child process read it through keyring."""
    path = folder / "keychain.json"
    entries = {f"{KEYRING_SERVICE}\n{KEYRING_GROQ_USER}": key}
    if saved_for:
        entries[f"{KEYRING_SERVICE}\n{KEYRING_GROQ_URL_USER}"] = effective_base_url(saved_for)
    path.write_text(json.dumps(entries))
    return {
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "DC_TEST_KEYRING_FILE": str(path),
    }


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def path(self) -> Path:
        return Path(os.environ["DC_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service, username, password):
        entries = self._load()
        entries[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(entries))

    def delete_password(self, service, username):
        entries = self._load()
        entries.pop(f"{service}\n{username}", None)
        self.path.write_text(json.dumps(entries))
