# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Constraint checks written the way AWS reports them.

AWS checks the constraints of its API model (length, range, enum, pattern,
required) before any business logic, collects every violation of the request,
and answers one ValidationException:
"2 validation errors detected: Value '30' at 'a.b' failed to satisfy constraint: ...; Value ...".
AWS Config API Reference, "Common Errors" (ValidationException); moto's
moto/config/exceptions.py uses the same wording.
Wrong JSON types are a SerializationException, as AWS's JSON protocol answers them.
"""

import re

from moto.config.exceptions import ValidationException
from moto.core.exceptions import JsonRESTError


class SerializationException(JsonRESTError):
    """A member of the wrong JSON type (AWS JSON protocol, "Common Errors")."""

    code = 400

    def __init__(self, message):
        super().__init__("SerializationException", message)


class ConstraintViolations:
    """Collects the model-constraint violations of one request."""

    def __init__(self):
        self.messages = []

    def _add(self, value, path, constraint):
        self.messages.append(f"Value '{value}' at '{path}' failed to satisfy constraint: {constraint}")

    def required(self, value, path):
        """False (and a violation) when a required member is missing."""
        if value is None:
            self._add("null", path, "Member must not be null")
            return False
        return True

    def string(self, value, path, minimum=None, maximum=None, pattern=None):
        """Length and pattern of an optional string member."""
        if value is None:
            return
        expect_type(value, str, path)
        if minimum is not None and len(value) < minimum:
            self._add(value, path, f"Member must have length greater than or equal to {minimum}")
        if maximum is not None and len(value) > maximum:
            self._add(value, path, f"Member must have length less than or equal to {maximum}")
        if pattern is not None and not re.fullmatch(pattern, value, re.DOTALL):
            self._add(value, path, f"Member must satisfy regular expression pattern: {pattern}")

    def number(self, value, path, minimum, maximum):
        """Range of an optional integer member."""
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise SerializationException(f"Value '{value}' at '{path}' must be an integer")
        if value < minimum:
            self._add(value, path, f"Member must have value greater than or equal to {minimum}")
        if value > maximum:
            self._add(value, path, f"Member must have value less than or equal to {maximum}")

    def enum(self, value, path, allowed):
        """Enum membership of an optional string member."""
        if value is not None and value not in allowed:
            self._add(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")

    def count(self, items, path, maximum):
        """Maximum number of entries of an optional list or map member."""
        if items is not None and len(items) > maximum:
            self._add(_short(items), path, f"Member must have length less than or equal to {maximum}")

    def raise_if_any(self):
        """One ValidationException listing every violation, as AWS answers."""
        if not self.messages:
            return
        count = len(self.messages)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(self.messages))


def expect_type(value, expected_type, path):
    """Raise SerializationException unless `value` is an `expected_type` (or None)."""
    if value is not None and not isinstance(value, expected_type):
        raise SerializationException(f"Value '{_short(value)}' at '{path}' must be of type {expected_type.__name__}")
    return value


def _short(value):
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
