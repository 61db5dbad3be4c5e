"""Numbers, money, shares and dates in the user's locale, through Babel."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from babel.units import format_unit
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
)

from ..rules import percent


def money(value) -> str:
    """Euros in the locale's currency pattern (`6 086 062 €` in French, `€6,086,062.50` in
    English, `6.086.062 €` in German); cents only when present."""
    value = Decimal(value)
    pattern = get_locale().currency_formats["standard"].pattern
    if value == value.to_integral_value():
        pattern = pattern.replace("0.00", "0")
    return format_currency(value, "EUR", format=pattern, currency_digits=False)


def number(value) -> str:
    return format_decimal(value)


def share(value: Fraction | None) -> str:
    """A voting or capital share as a percentage with two decimals (`33,33 %`)."""
    if value is None:
        return "—"
    pattern = get_locale().percent_formats[None].pattern.replace("#,##0", "#,##0.00", 1)
    return format_percent(percent(Fraction(value)) / 100, format=pattern)


def day(value) -> str:
    return format_date(value, "medium") if value else ""


def moment(value) -> str:
    return format_datetime(value, "medium") if value else ""


def filesize(size: int) -> str:
    """A file's size in the locale's units: `340 kB`, `1,2 Mo`."""
    for unit, scale in (("digital-megabyte", 1_000_000), ("digital-kilobyte", 1000)):
        if size >= scale:
            value = (Decimal(size) / scale).quantize(Decimal("0.1"))
            return format_unit(value, unit, length="short", locale=get_locale())
    return format_unit(size, "digital-byte", length="short", locale=get_locale())


FILTERS = {"money": money, "number": number, "share": share, "day": day, "moment": moment,
           "filesize": filesize}
