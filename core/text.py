"""What text a person may type, in one place: every form field and API field gets these through
``core.forms.BoundedFormMixin`` and ``core.api_fields.BoundedSerializerMixin``; services that take text from
elsewhere (the bid page's autosave JSON) call ``check_text``.

- NUL is always refused (PostgreSQL cannot store it: it would be a 500).
- Single-line fields (titles, names, references) refuse line breaks: a title with a line break breaks every email
  subject and every CSV about the object.
- Multi-line fields keep tab and line breaks but refuse other control characters, which no keyboard types and
  which corrupt exports.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Longest text a multi-line box takes when its column (a TextField) has no length of its own.
MULTILINE_MAX_LENGTH = 50_000
# Longest a single-line field takes when nothing narrower is declared.
SINGLE_LINE_MAX_LENGTH = 200

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_ALLOWED_IN_MULTILINE = frozenset("\t\n\r")


def _describe(char: str) -> str:
    if char == "\x00":
        return "a NUL character"
    name = unicodedata.name(char, "")
    return f"a control character (U+{ord(char):04X}{' ' + name if name else ''})"


def text_problem(value: str, *, multiline: bool) -> str | None:
    """What is wrong with ``value`` in words, or None."""
    if "\x00" in value:
        return "Remove the NUL character: it cannot be stored (it usually comes from copying out of another program)"
    for char in value:
        if not multiline and char in _LINE_BREAKS:
            return "Enter this on one line, without line breaks"
        if char in _ALLOWED_IN_MULTILINE:
            continue
        if unicodedata.category(char) == "Cc":
            return f"Remove {_describe(char)}: it cannot be shown or printed"
    return None


@deconstructible
class TextValidator:
    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if isinstance(value, str):
            problem = text_problem(value, multiline=self.multiline)
            if problem:
                raise ValidationError(problem, code="control_characters" if self.multiline else "line_break")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(("TextValidator", self.multiline))


single_line = TextValidator(multiline=False)
multi_line = TextValidator(multiline=True)


def check_text(value: str, *, multiline: bool = True, max_length: int | None = None, label: str = "This") -> str:
    """For services taking text that did not pass through a form or serializer. Raises ValueError(message)."""
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise ValueError(f"{label}: {problem[0].lower()}{problem[1:]}" if label != "This" else problem)
    limit = max_length or (MULTILINE_MAX_LENGTH if multiline else SINGLE_LINE_MAX_LENGTH)
    if len(value) > limit:
        raise ValueError(f"{label} must be {limit:,} characters or fewer (it has {len(value):,})")
    return value
