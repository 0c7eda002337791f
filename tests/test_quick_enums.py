"""ui/quick_enums.py builds the same enum classes as Python's enum module.

Every enum of QtCore, QtGui and QtWidgets is built both ways, from the arguments PySide passes
(recorded in a fresh interpreter: PySide builds each once), and the two classes compared: their
attributes, members, aliases, maps, flag masks, and what their members print and combine to.
"""

from __future__ import annotations

import enum
import json
import subprocess
import sys

import pytest

from desktop_chat.ui import quick_enums

pytestmark = pytest.mark.skipif(
    sys.version_info[:2] != (3, 11), reason="quick_enums is written against Python 3.11's enum"
)

RECORD = r"""
import enum, json, sys
calls = []
stock = enum.EnumType._create_
def record(cls, class_name, names, **kwargs):
    calls.append([cls.__name__, class_name, list(names), repr(kwargs.get("boundary"))])
    return stock(cls, class_name, names, **kwargs)
enum.EnumType._create_ = record
from PySide6 import QtCore, QtGui, QtWidgets
for module in (QtCore, QtGui, QtWidgets):
    for name in dir(module):
        getattr(module, name)  # PySide makes a class, and its enums, when it is first named
print(json.dumps(calls))
"""


def recorded_calls() -> list:
    done = subprocess.run(
        [sys.executable, "-c", RECORD], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(kind: str, name: str, items: list, boundary: str, quick: bool) -> type:
    assert boundary == "<FlagBoundary.KEEP: 'keep'>"  # what PySide passes since Python 3.11
    previous = enum.EnumType._create_  # app.py installs it when imported: leave it as found
    (quick_enums.install if quick else quick_enums.uninstall)()
    try:
        return getattr(enum, kind)(name, [tuple(item) for item in items], boundary=enum.KEEP)
    finally:
        enum.EnumType._create_ = previous


def described(enum_class: type) -> dict:
    """Everything observable of an enum class, members as (name, value)."""

    def plain(value: object) -> object:
        if isinstance(value, enum.Enum):
            return ("member", value._name_, value._value_, type(value) is enum_class)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, type):
            return ("class", value.__qualname__)
        return repr(value) if callable(value) else value

    attributes = {key: plain(value) for key, value in vars(enum_class).items() if key != "__doc__"}
    members = []
    for key, member in enum_class.__members__.items():
        members.append(
            (
                key,
                repr(member),
                str(member),
                format(member),
                member._sort_order_,
                member.__objclass__ is enum_class,
                sorted(vars(member)),
                hash(member),
                enum_class(member._value_) is member,
            )
        )
        if issubclass(enum_class, enum.Flag):
            members.append((repr(~member), repr(member | enum_class(0)), member in enum_class))
    return {
        "bases": [base.__name__ for base in enum_class.__mro__],
        "attributes": attributes,
        "members": members,
        "list": [repr(member) for member in enum_class],
        "len": len(enum_class),
    }


def test_every_qt_enum_is_built_alike() -> None:
    calls = recorded_calls()
    assert len(calls) > 600  # all of QtCore, QtGui and QtWidgets
    kinds = {kind for kind, *_ in calls}
    assert kinds <= {"Enum", "IntEnum", "Flag", "IntFlag"}
    for kind, name, items, boundary in calls:
        stock = described(build(kind, name, items, boundary, quick=False))
        quick = described(build(kind, name, items, boundary, quick=True))
        assert quick == stock, f"{kind} {name}"


def test_what_it_does_not_know_goes_to_the_enum_module() -> None:
    """Anything but PySide's kind of call takes the stock path, with its own errors."""
    previous = enum.EnumType._create_
    quick_enums.install()
    try:
        with pytest.raises(TypeError, match="already defined"):
            enum.IntEnum("Twice", [("A", 1), ("A", 2)])
        with pytest.raises(ValueError, match="reserved"):
            enum.IntEnum("Sunder", [("_a_", 1)])
        with_name = enum.Enum("Named", [("name", 1), ("value", 2)])  # the base's properties
        assert [m._name_ for m in with_name] == ["name", "value"]
        counted = enum.Enum("Counted", "A B")  # values made by _generate_next_value_
        assert [m.value for m in counted] == [1, 2]
        assert enum.Enum("Texts", [("A", "a")]).A.value == "a"
    finally:
        enum.EnumType._create_ = previous


def test_it_is_used_once_installed() -> None:
    previous = enum.EnumType._create_
    try:
        quick_enums.install()
        assert enum.EnumType._create_ is quick_enums._create_
        quick_enums.uninstall()
        assert enum.EnumType._create_ is quick_enums._STOCK_CREATE
    finally:
        enum.EnumType._create_ = previous
