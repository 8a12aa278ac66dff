"""Resolve relative date expressions ("earlier Monday", "this week", "March 3") to YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_RELATIVE = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
             "this week": 0, "yesterday": -1, "last night": -1, "tomorrow": 1,
             "last week": -7, "next week": 7, "the day before": -1}
_MD = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?(?:,?\s+(\d{4}))?")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolve_date(expression: str, article_date: str | None) -> str | None:
    """:func:`_resolve_date`; a date beyond year 9999 ("tomorrow" of 9999-12-31) is no date."""
    try:
        return _resolve_date(expression, article_date)
    except OverflowError:
        return None


def _resolve_date(expression: str, article_date: str | None) -> str | None:
    """The calendar date an expression names, relative to the article date, or None.

    A bare weekday means the latest such day on or before the article date ("Monday" in a
    Tuesday article is the day before); "last/next <weekday>" move a week; a day and month
    without a year take the article's year unless that lands more than a week in its future.
    """
    text = " ".join(expression.lower().replace(",", " , ").split()).replace(" ,", ",")
    base = date.fromisoformat(article_date) if article_date else None
    m = _ISO.search(text)
    if m:
        found = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return found.isoformat() if found else None
    for rx, month_group, day_group in ((_MD, 1, 2), (_DM, 2, 1)):
        m = rx.search(text)
        if m:
            month, day = MONTHS[m.group(month_group)], int(m.group(day_group))
            if m.group(3):
                found = _safe(int(m.group(3)), month, day)
            elif base:
                found = _safe(base.year, month, day)
                if found and found > base + timedelta(days=7):
                    found = _safe(base.year - 1, month, day)
            else:
                found = None
            return found.isoformat() if found else None
    if base is None:
        return None
    for phrase, delta in _RELATIVE.items():
        if re.search(r"\b" + phrase + r"\b", text):
            return (base + timedelta(days=delta)).isoformat()
    for i, name in enumerate(WEEKDAYS):
        if re.search(r"\b" + name + r"\b", text):
            back = (base.weekday() - i) % 7
            if re.search(r"\bnext\b|\bcoming\b", text):
                return (base + timedelta(days=(i - base.weekday()) % 7 or 7)).isoformat()
            if re.search(r"\blast\b", text) and back == 0:
                back = 7
            return (base - timedelta(days=back)).isoformat()
    return None


_YEAR = re.compile(r"\b(1[5-9]\d\d|2[01]\d\d)\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(1[5-9]\d\d|2[01]\d\d)\b")
_RELATIVE_YEARS = {"last year": -1, "a year ago": -1, "next year": 1, "two years ago": -2}


def resolve_period(expression: str, article_date: str | None) -> str | None:
    """The month ("2011-03") or year ("2011") an expression names when it names no single day
    ("in 2011", "March 2011", "last year"), as a reduced-precision ISO 8601 date, or None."""
    text = " ".join(expression.lower().split())
    m = _MONTH_YEAR.search(text)
    if m:
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1)]:02d}"
    m = _YEAR.search(text)
    if m and not re.search(r"\d{4}s\b", text):  # "the 1990s" is no one year
        return m.group(1)
    if article_date:
        for phrase, delta in _RELATIVE_YEARS.items():
            if re.search(r"\b" + phrase + r"\b", text):
                return f"{int(article_date[:4]) + delta:04d}"
    return None
