"""The outlet's own settings (callbacks 1 and 2, protocol.md §6.2-6.3).

Callback 2 merges only the keys it names. A key the device does not have, a value of
another JSON type than the stored one, or any change to ``sys_prefs.internet``
(read-only per [LIB]) refuses the whole request, so nothing is half applied.
"""

from __future__ import annotations

import copy
from typing import Any

_READ_ONLY = ("sys_prefs", "internet")


def merged(current: dict[str, Any], changes: Any) -> dict[str, Any] | None:
    """Return the settings with changes applied, or None if the device refuses them."""
    if not isinstance(changes, dict) or not changes:
        return None
    result = copy.deepcopy(current)
    return result if _merge(result, changes, ()) else None


def _merge(
    target: dict[str, Any], changes: dict[str, Any], path: tuple[str, ...]
) -> bool:
    """Merge changes into target in place; return False on the first refusal."""
    for key, value in changes.items():
        where = (*path, key)
        if key not in target or where == _READ_ONLY:
            return False
        old = target[key]
        if isinstance(old, dict):
            if not isinstance(value, dict) or not _merge(old, value, where):
                return False
        elif type(value) is not type(old):
            return False
        else:
            target[key] = value
    return True
