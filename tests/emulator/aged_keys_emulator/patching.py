# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Two ways to change a moto class, both loud when moto's internals move.

`add_attribute` refuses to overwrite: if moto starts implementing an API we add,
we want to notice instead of silently shadowing it. `wrap_attribute` fails with
AttributeError when the attribute it wraps is gone.
"""

import functools

PATCHED_MARKER = "__aged_keys_original__"


def add_attribute(owner, name, value):
    """Add `name` to `owner`; fail if moto already defines it."""
    if hasattr(owner, name):
        raise RuntimeError(f"{owner.__name__}.{name} already exists in moto: review the emulator patch that adds it")
    setattr(owner, name, value)


def wrap_attribute(owner, name, make_wrapper):
    """Replace `owner.name` by `make_wrapper(original)`, keeping the original reachable."""
    original = getattr(owner, name)
    wrapper = make_wrapper(original)
    functools.update_wrapper(wrapper, original)
    setattr(wrapper, PATCHED_MARKER, original)
    setattr(owner, name, wrapper)


def is_patched(owner, name):
    """True when `owner.name` was replaced by `wrap_attribute`."""
    return hasattr(getattr(owner, name, None), PATCHED_MARKER)
