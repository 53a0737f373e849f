"""Text a spreadsheet would run as a formula. Every export writes such text as text: the Excel report sets the
cell's type to string, CSV from the command line prefixes an apostrophe. Standard library only, so the command
line's CSV export does not load openpyxl or pandas for it."""

from __future__ import annotations

# "=" "+" "-" "@" start a formula in Excel; LibreOffice also runs text after a tab or a carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """True for text Excel would run as a formula: "=HYPERLINK(...)", "+1", "-x", "@SUM(A1)", "\\t=1"."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


__all__ = ["FORMULA_STARTS", "looks_like_formula"]
