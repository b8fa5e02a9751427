"""Reading what people type or upload: numbers exactly as written, text without control characters.

Forms and imports share these rules, so a value refused in one is refused in the
other with the same words, and a value accepted is read the same way everywhere.
"""

import re
import unicodedata
from decimal import Decimal

# Tab, line feed and carriage return are part of ordinary multi-line text.
ALLOWED_CONTROL_CHARACTERS = {"\t", "\n", "\r"}
EXAMPLE = "like 12 or 45.5"

_PLAIN = re.compile(r"(?P<sign>[-+]?)£?(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]+))?%?", re.ASCII)
_GROUPED = re.compile(
    r"(?P<sign>[-+]?)£?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+)(?:\.(?P<fraction>[0-9]+))?%?", re.ASCII
)
_DECIMAL_COMMA = re.compile(
    r"[-+]?£?[0-9.]*[0-9],[0-9]{1,2}%?|[-+]?£?[0-9]+(?:\.[0-9]{3})+,[0-9]+%?", re.ASCII
)
_EXPONENT = re.compile(r"[-+]?[0-9.,]*[0-9][eE][-+]?[0-9]+", re.ASCII)
_NOT_A_NUMBER = {"nan", "snan", "inf", "infinity", "-inf", "+inf", "-infinity", "+infinity", "-nan", "+nan"}


class NumberError(ValueError):
    """What a person typed is not a number the portal can store; the message says what to do."""


def control_character_error(text: str) -> str | None:
    """The message for text holding a control character (a NUL byte, an escape), or None."""
    for character in text:
        if character in ALLOWED_CONTROL_CHARACTERS:
            continue
        if unicodedata.category(character) in ("Cc", "Cs"):
            return (
                "Remove the control characters (such as a NUL byte) from the text: "
                "retype it, or paste it as plain text"
            )
    return None


def largest_number(*, max_digits: int, decimal_places: int) -> Decimal:
    whole_digits = max_digits - decimal_places
    return Decimal(10) ** whole_digits - Decimal(1).scaleb(-decimal_places)


def format_limit(number: Decimal) -> str:
    return f"{number:,f}"


def parse_number(text: str, *, max_digits: int, decimal_places: int) -> Decimal | None:
    """Read a number as people write it, or raise NumberError saying what to change.

    Accepts ``1234``, ``1,234``, ``12,345.5``, ``-3``, ``£1,250.50`` and ``45%``. Refuses
    thousands separators out of place (``1,0,0``), a decimal comma (``7,5``), underscores,
    spaces inside, digits other than 0 to 9, exponents, NaN and infinities, more decimal
    places than the column keeps, and numbers beyond its range. Empty text is None.
    """
    text = (text or "").strip()
    if not text:
        return None
    if text.lower() in _NOT_A_NUMBER:
        raise NumberError(f"Enter a number, {EXAMPLE}")
    if any(character.isdigit() and not "0" <= character <= "9" for character in text):
        raise NumberError("Enter the number with the digits 0 to 9")
    if "_" in text:
        raise NumberError("Enter the number without underscores, for example 10000 or 10,000")
    if any(character.isspace() for character in text):
        raise NumberError("Enter the number without spaces, for example 10000 or 10,000")
    if _EXPONENT.fullmatch(text):
        raise NumberError("Enter the number in full, without an exponent: for example 1500, not 1.5e3")
    match = _PLAIN.fullmatch(text) or _GROUPED.fullmatch(text)
    if match is None or not (match["whole"] or match["fraction"]):
        if _DECIMAL_COMMA.fullmatch(text):
            raise NumberError("Use a full stop for decimals, for example 7.5, not 7,5")
        if "," in text and re.fullmatch(r"[-+]?£?[0-9,]+(?:\.[0-9]+)?%?", text, re.ASCII):
            raise NumberError(
                "Put commas only between groups of 3 digits, for example 1,234 or 12,345.5, or leave them out"
            )
        raise NumberError(f"Enter a number, {EXAMPLE}")
    whole = (match["whole"] or "0").replace(",", "")
    fraction = match["fraction"] or ""
    number = Decimal(f"{match['sign']}{whole}.{fraction}" if fraction else f"{match['sign']}{whole}")
    if len(fraction.rstrip("0")) > decimal_places:
        if decimal_places == 0:
            raise NumberError("Enter a whole number")
        raise NumberError(f"Enter the number with no more than {decimal_places} decimal places")
    largest = largest_number(max_digits=max_digits, decimal_places=decimal_places)
    if abs(number) > largest:
        raise NumberError(f"Enter a number between -{format_limit(largest)} and {format_limit(largest)}")
    return abs(number) if number == 0 else number
