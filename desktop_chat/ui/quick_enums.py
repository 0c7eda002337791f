"""Qt's enums built in fewer steps: ~4x faster, the same classes.

PySide makes every Qt enum a Python enum, through the functional API
(`enum.IntEnum(name, [(key, value), ...], boundary=KEEP)`, shiboken's sbkenum.cpp), when its
class is first named: naming `Qt` builds 98 of them. Python's enum module spends ~90 us on each
type and ~12 us on each member (`_EnumDict.__setitem__`, `_proto_member.__set_name__`, each
attribute set through `EnumType`'s own `__setattr__`): 310M instructions, a fifth of the
window's start-up.

`install()` (app.py, before PySide is imported) replaces `EnumType._create_`, which that API
calls, for the one case PySide uses: a plain Enum, IntEnum, Flag or IntFlag, members given as
(name, int) pairs with ordinary names. The class gets the namespace `EnumType.__new__` gives an
empty subclass of that base (taken once from one it made), then each member is added as
`_proto_member.__set_name__` adds it: the same value, name, sort order, aliases, maps and flag
masks. ~30 us a type instead of ~90, ~3 us a member instead of ~12. Any other call goes to the
stock `_create_`. Written against Python 3.11's enum module (3.12 changed it): elsewhere
`install()` does nothing. `tests/test_quick_enums.py` builds every enum of QtCore, QtGui and
QtWidgets both ways and compares them.
"""

from __future__ import annotations

import contextlib
import enum
import sys
from typing import Any

_METACLASS: Any = enum.EnumType  # typeshed does not list its private _create_
_STOCK_CREATE = _METACLASS._create_
_BASES = (enum.Enum, enum.IntEnum, enum.Flag, enum.IntFlag)
# A member of one of these names would need the enum module's own handling (a name the
# base classes define becomes a property redirect; these are reserved or invalid).
_SPECIAL = {"mro", ""}.union(*(dir(base) for base in _BASES))


def install() -> None:
    """Use the quick path from now on (Python 3.11 only)."""
    if sys.version_info[:2] == (3, 11):
        _METACLASS._create_ = _create_


def uninstall() -> None:
    _METACLASS._create_ = _STOCK_CREATE


def _plain(names: object) -> bool:
    """Whether `names` is what PySide passes: (str, int) pairs, ordinary names, none twice
    (or no pairs: some Qt enums have no members)."""
    if type(names) is not list:
        return False
    seen = set()
    for item in names:
        if type(item) is not tuple or len(item) != 2:
            return False
        name, value = item
        if type(name) is not str or type(value) is not int:
            return False
        if name[:1] == "_" or name in _SPECIAL or name in seen:
            return False
        seen.add(name)
    return True


def _create_(
    cls: Any,
    class_name: str,
    names: Any,
    *,
    module: str | None = None,
    qualname: str | None = None,
    type: Any = None,  # the stock signature's name
    start: int = 1,
    boundary: Any = None,
) -> Any:
    if module is None:
        # As the stock function: the calling module (frame 2: this one, then EnumType.__call__).
        with contextlib.suppress(AttributeError, ValueError, KeyError):
            module = sys._getframe(2).f_globals["__name__"]
    if (
        cls not in _BASES
        or qualname is not None
        or type is not None
        or start != 1
        or not _plain(names)
    ):
        # (Called from no Python frame, the stock function would find this module's caller.)
        return _STOCK_CREATE(
            cls,
            class_name,
            names,
            module=module,
            qualname=qualname,
            type=type,
            start=start,
            boundary=boundary,
        )
    metacls = cls.__class__
    if module is None:  # made unpicklable: the enum module's own way
        classdict = metacls.__prepare__(class_name, (cls,))
        enum._make_class_unpicklable(classdict)  # type: ignore[attr-defined]
        enum_class = metacls.__new__(metacls, class_name, (cls,), classdict, boundary=boundary)
    else:
        enum_class = _new_class(metacls, class_name, cls, _namespace(cls, module, boundary))
    _add_members(enum_class, names)
    return enum_class


def _new_class(metacls: Any, name: str, cls: Any, namespace: dict[str, Any]) -> Any:
    # type.__new__ would make a __new__ in the namespace a staticmethod: EnumType.__new__ sets
    # it (Enum.__new__) on the class afterwards, as it is. (`type` is a parameter above.)
    new = namespace.pop("__new__")
    enum_class = type.__new__(metacls, name, (cls,), namespace)
    type.__setattr__(enum_class, "__new__", new)
    return enum_class


_TEMPLATES: dict[type, dict[str, Any]] = {}


def _namespace(cls: Any, module: str, boundary: Any) -> dict[str, Any]:
    """What `EnumType.__new__` leaves in a new, empty subclass of `cls` (its methods, the
    members' __new__ and repr), measured once on one it makes; fresh maps for the members."""
    template = _TEMPLATES.get(cls)
    if template is None:
        made = _STOCK_CREATE(cls, "Template", [], module=__name__, boundary=None)
        template = _TEMPLATES[cls] = dict(vars(made))
    namespace = dict(
        template,
        __module__=module,
        _member_names_=[],
        _member_map_={},
        _value2member_map_={},
        _unhashable_values_=[],
    )
    if "_boundary_" in template:  # a Flag's, as EnumType.__new__ sets it
        namespace["_boundary_"] = boundary or getattr(cls, "_boundary_", None)
    return namespace


def _add_members(enum_class: Any, names: list[tuple[str, int]]) -> None:
    """Each member as `_proto_member.__set_name__` makes it (Python 3.11), in order."""
    new_member = enum_class._new_member_
    use_args = enum_class._use_args_
    member_type = enum_class._member_type_
    is_flag = issubclass(enum_class, enum.Flag)
    member_names = enum_class._member_names_
    member_map = enum_class._member_map_
    value2member = enum_class._value2member_map_
    flag_mask = singles_mask = 0
    for member_name, given in names:
        member = new_member(enum_class, given) if use_args else new_member(enum_class)
        if not hasattr(member, "_value_"):
            member._value_ = given if member_type is object else member_type(given)
        value = member._value_
        member._name_ = member_name
        member.__objclass__ = enum_class
        member.__init__(given)
        member._sort_order_ = len(member_names)
        single_bit = value != 0 and value & (value - 1) == 0  # enum._is_single_bit
        if is_flag:
            flag_mask |= value
            if single_bit:
                singles_mask |= value
        canonical = value2member.get(value)
        if canonical is not None:  # an alias of the first member with this value
            member = canonical
        elif not is_flag or single_bit:
            member_names.append(member_name)
        type.__setattr__(enum_class, member_name, member)  # what EnumType.__setattr__ does
        member_map[member_name] = member
        value2member.setdefault(value, member)
    if is_flag:
        type.__setattr__(enum_class, "_flag_mask_", flag_mask)
        type.__setattr__(enum_class, "_singles_mask_", singles_mask)
        type.__setattr__(enum_class, "_all_bits_", 2 ** flag_mask.bit_length() - 1)
        # EnumType.__new__ checks this once the members are in: iterate in definition order
        # when the values are not ascending.
        values = [member._value_ for member in enum_class]
        if values != sorted(values):
            type.__setattr__(enum_class, "_iter_member_", enum_class._iter_member_by_def_)
