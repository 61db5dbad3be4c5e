"""Numbers, money, shares and dates in the user's locale, through Babel."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flask_babel import (format_currency, format_date, format_datetime, format_decimal,
                         format_percent, get_locale)

from .rules import percent


def money(value) -> str:
    """Euros: `6 086 062 €` in French, `€6,086,062.50` in English; cents only when present."""
    value = Decimal(value)
    whole = value == value.to_integral_value()
    return format_currency(value, "EUR", format="#,##0\u00a0¤" if whole else "#,##0.00\u00a0¤",
                           currency_digits=False) if _french() else format_currency(
        value, "EUR", format="¤#,##0" if whole else "¤#,##0.00", currency_digits=False)


def _french() -> bool:
    return str(get_locale()) == "fr"


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


FILTERS = {"money": money, "number": number, "share": share, "day": day, "moment": moment}
