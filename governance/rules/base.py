"""What every pure rule uses: the error a broken rule raises, and exact fractions read from
text ("3/10", "0.3", "30 %")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction


@dataclass
class RuleError(Exception):
    """A rule was broken; `code` names the rule, `params` fill its message."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*$")
_FRACTION = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")
_DECIMAL = re.compile(r"^\s*(\d{1,6}(?:[.,]\d{1,12})?)\s*$")


def parse_fraction(text: str) -> Fraction:
    """Read "3/10", "0.3", "30 %" or "33,33 %" as an exact fraction; percentages allow two
    decimals."""
    if m := _PERCENT.match(text or ""):
        return Fraction(Decimal(m.group(1).replace(",", "."))) / 100
    if m := _FRACTION.match(text or ""):
        if int(m.group(2)) == 0:
            raise RuleError("zero_denominator", {"value": text})
        return Fraction(int(m.group(1)), int(m.group(2)))
    if m := _DECIMAL.match(text or ""):
        try:
            return Fraction(Decimal(m.group(1).replace(",", ".")))
        except InvalidOperation:  # pragma: no cover - the pattern already excludes it
            pass
    raise RuleError("not_a_weight", {"value": text})
