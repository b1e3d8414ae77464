"""The vocabulary of date expressions: words and regular expressions.

Every expression contains a trigger (a digit, a month name, "year"/"month"/
"week"/"day", a season, "fiscal", 年/月, or 来週/今週/今秋-like words):
:mod:`streams.classify.date_search` runs the patterns only near triggers;
:mod:`streams.classify.dates` turns matches into windows.
Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "BY_PREPS",
    "DECADE_PARTS",
    "JA_DAY_NUMBER",
    "JA_DIGIT",
    "JA_MONTH_NUMBER",
    "JA_YEAR_NUMBER",
    "LEADING",
    "MONTHS",
    "MONTH_PARTS",
    "NUMBERS",
    "PATTERNS",
    "YEAR_PARTS",
]

MONTHS: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
NUMBERS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1,
}  # fmt: skip
# (month_from, day_from, month_to, day_to); day_to 0 = end of that month
YEAR_PARTS: Final = {
    "early": (1, 1, 4, 0), "beginning": (1, 1, 3, 0), "start": (1, 1, 3, 0),
    "mid": (5, 1, 8, 0), "middle": (5, 1, 8, 0), "late": (9, 1, 12, 0), "end": (10, 1, 12, 0),
    "close": (10, 1, 12, 0),
    "first half": (1, 1, 6, 0), "h1": (1, 1, 6, 0), "second half": (7, 1, 12, 0),
    "latter half": (7, 1, 12, 0),
    "h2": (7, 1, 12, 0), "first quarter": (1, 1, 3, 0), "second quarter": (4, 1, 6, 0),
    "third quarter": (7, 1, 9, 0), "fourth quarter": (10, 1, 12, 0), "q1": (1, 1, 3, 0),
    "q2": (4, 1, 6, 0), "q3": (7, 1, 9, 0), "q4": (10, 1, 12, 0), "spring": (3, 1, 5, 0),
    "summer": (6, 1, 8, 0), "autumn": (9, 1, 11, 0), "fall": (9, 1, 11, 0),
    "初め": (1, 1, 4, 0), "初頭": (1, 1, 4, 0), "前半": (1, 1, 6, 0), "上半期": (1, 1, 6, 0),
    "後半": (7, 1, 12, 0), "下半期": (7, 1, 12, 0), "春": (3, 1, 5, 0), "夏": (6, 1, 8, 0),
    "秋": (9, 1, 11, 0), "末": (10, 1, 12, 0), "中": (1, 1, 12, 0),
}  # fmt: skip
# (first year, last year) of a decade's part, counted from its first year
DECADE_PARTS: Final = {
    "early": (0, 3), "mid": (3, 6), "middle": (3, 6), "late": (7, 9), "end": (7, 9),
    "初頭": (0, 3), "初め": (0, 3), "前半": (0, 4), "半ば": (3, 6), "後半": (5, 9), "末": (7, 9),
}  # fmt: skip
# (day_from, day_to); day_to 0 = end of month
MONTH_PARTS: Final = {
    "early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20),
    "middle": (11, 20), "late": (21, 0), "end": (21, 0), "上旬": (1, 10), "初め": (1, 10),
    "中旬": (11, 20), "下旬": (21, 0), "末": (21, 0), "中": (1, 0),
}  # fmt: skip
_BY: Final = r"(?:(?P<by>by|before|until|till|no later than|not later than)\s+)?"
_PREP: Final = (
    _BY + r"(?:(?P<prep>in|during|within|around|from|on|at|throughout|for)\s+)?(?:the\s+)?"
)
_YEARREF: Final = (
    r"(?:(?:calendar\s+(?:year\s+)?)?(?P<year>(?:19|20|21)\d\d)(?![\d/–-]\d|s\b)"
    r"|(?P<rel>next|this|the coming|the current|the)\s+year)"
)
_YEAR_PART: Final = (
    r"(?P<part>early|beginning|start|mid|middle|late|end|close|first half|second half|"
    r"latter half|(?:first|second|third|fourth) quarter|q[1-4]|h[12]|spring|summer|autumn|fall)"
)
_MONTH: Final = (
    r"(?P<month>january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b(?:\.(?=\s*\d))?"
)
_MONTH_PART: Final = r"(?:(?P<part>early|beginning|start|mid|middle|late|end)(?:\s+of)?[\s-]*)?"
_DAY: Final = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_NUMBER_WORD: Final = r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_COUNT: Final = rf"(?P<n>{_NUMBER_WORD}|a)"
# "four to five days": the span's far end counts
_UP_TO: Final = rf"(?:\s+(?:to|or)\s+(?P<n2>{_NUMBER_WORD}))?"
_UNIT: Final = r"(?P<unit>day|week|month|year|decade)s?"
_JA_YEAR_PART: Final = r"(?P<part>前半|上半期|後半|下半期|初め|初頭|春|夏|秋|末|中)"
_FISCAL_PART: Final = (
    r"(?:(?P<part>early|beginning|start|end|first half|second half|latter half|"
    r"(?:first|second|third|fourth) quarter)\s+of\s+(?:the\s+)?)?"
)
_JA_MONTH_PART: Final = r"(?P<mpart>上旬|中旬|下旬|初め|末|中)"
_JA_BY: Final = r"(?P<by>まで)?"
_DAY2: Final = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_MONTH2: Final = (
    r"(?P<month2>january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
)
_RANGE_JOIN: Final = r"\s*(?:-|–|—|to|and|through|till|until)\s*"
_WEEKDAY: Final = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_JA_NUM: Final = r"[0-9０-９]{1,2}"
# the place of an English dateline: "TOKYO", "New Delhi [India]", "WASHINGTON, D.C.",
# "Washington, DC [US]", "Gyeongju, South Korea" (a country before the date's comma)
DATELINE_PLACE: Final = (
    r"[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,3}"
    r"(?:,\s*[A-Z]\.?[A-Z]\.?|,[ \t]*[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?(?=,))?"
    r"(?:\s*\[[^\]\n]{1,30}\])?"
)
# Japanese papers write numbers in ASCII or full-width digits (２０２６年１月１６日)
JA_DIGIT: Final = "[0-9０-９]"
JA_YEAR_NUMBER: Final = "(?:19|20|１９|２０)[0-9０-９]{2}"
JA_MONTH_NUMBER: Final = "[01０１]?[0-9０-９]"
JA_DAY_NUMBER: Final = "[0-3０-３]?[0-9０-９]"
_I: Final = re.IGNORECASE
BY_PREPS: Final = frozenset({"by", "before", "until"})
# dropped from the expression's text unless it is a deadline ("by", "before", "until")
LEADING: Final = re.compile(
    r"(?:(?:in|during|within|around|from|on|at|throughout|for)\s+)?(?:the\s+)?", _I
)

PATTERNS: Final[tuple[tuple[str, set[str], re.Pattern[str]], ...]] = (
    ("range", {"month"}, re.compile(
        rf"\b(?:(?P<prep>from|between|on|during|for)\s+)?{_MONTH}\s+{_DAY}{_RANGE_JOIN}"
        rf"(?:{_MONTH2}\s+)?{_DAY2}\b(?:,?\s+(?P<year>(?:19|20|21)\d\d)\b)?", _I)),
    ("range", {"month"}, re.compile(
        rf"\b(?:(?P<prep>from|between|on|during|for)\s+)?{_DAY}{_RANGE_JOIN}{_DAY2}\s+{_MONTH}"
        r"(?:,?\s+(?P<year>(?:19|20|21)\d\d)\b)?", _I)),
    ("weekday", {"weekday"}, re.compile(
        rf"\b(?P<wprep>on|this|next|coming|from|starting|beginning)\s+(?:the\s+)?{_WEEKDAY}\b"
        rf"|\b{_WEEKDAY.replace('weekday', 'weekday2')}(?=\s*\(local time\))", _I)),
    ("fiscal", {"digit"}, re.compile(
        rf"\b{_BY}(?:(?P<prep>from|in|during|for)\s+)?(?:the\s+)?{_FISCAL_PART}"
        r"(?:fiscal(?:\s+year)?|fy)\s*(?P<year>(?:19|20)\d\d)(?:[-–/](?:19|20)?\d\d)?\b", _I)),
    # India's financial years are written "2026-27" (April 2026 to March 2027), with or
    # without "financial year"; a span of other years ("2022-27") is no fiscal year
    ("fiscal_span", {"digit"}, re.compile(
        rf"\b{_BY}(?:(?P<prep>from|in|during|for)\s+)?(?:the\s+)?(?:(?:financial|fiscal)\s+"
        r"years?\s+)?(?P<year>(?:19|20)\d\d)[-–](?P<yy>\d\d)\b(?![-–/]\d)", _I)),
    ("fiscal_rel", {"fiscal"}, re.compile(
        rf"\b{_BY}(?:(?P<prep>in|during|within|for|throughout)\s+)?(?:the\s+)?{_FISCAL_PART}"
        r"(?P<rel>this|next|the current|current|the coming|the)\s+fiscal\s+year\b", _I)),
    ("season", {"season"}, re.compile(
        rf"\b{_BY}(?:(?P<prep>in|during|from)\s+)?(?P<which>this|next|the coming)\s+"
        r"(?P<part>spring|summer|autumn|fall)\b", _I)),
    # "\bthe" written as "the(?<=\bthe)": a pattern that opens with a literal is searched
    # for it at C speed; one that opens with "\b" is tried at every offset
    # "the 2026 Quad Summit"; not a plan named for its horizon ("the 2035 Vision Statement")
    ("the_year", {"digit"}, re.compile(
        r"the(?<=\bthe)\s+(?P<year>(?:19|20)\d\d)(?=\s+[A-Z])"
        r"(?!\s+(?:Vision|Roadmap|Agenda|Strategy|Action\s+Plan)\b)")),
    ("ja_range", {"cjk"}, re.compile(
        rf"(?P<month>{_JA_NUM})月(?P<day>{_JA_NUM})日(?:[(（].[)）])?(?:から|～|〜|－|-)"
        rf"(?:(?P<month2>{_JA_NUM})月)?(?P<day2>{_JA_NUM})日(?:まで)?")),
    ("ja_month_day", {"cjk"}, re.compile(
        rf"(?<![0-9０-９年])(?P<month>{_JA_NUM})月(?P<day>{_JA_NUM})日(?:ごろ|頃)?{_JA_BY}")),
    ("ja_day", {"cjk_day"}, re.compile(
        # not a stay's days: "１泊２日の日程" is two days, no 2nd
        rf"(?<![0-9０-９月年泊])(?P<day>{_JA_NUM})日(?=に|には|から|まで|ごろ|頃|の|、|にも)")),
    ("year_part", {"digit", "unit"}, re.compile(
        rf"\b{_PREP}{_YEAR_PART}(?:\s+of)?[\s-]*(?:the\s+)?{_YEARREF}", _I)),
    # "the early 2030s", "by the late 2040s", "mid-2030s": a decade or a part of one
    ("decade", {"digit"}, re.compile(
        rf"\b{_BY}(?:(?P<prep>in|during|within|around|from|throughout|for)\s+)?(?:the\s+)?"
        r"(?:(?P<part>early|mid|middle|late)[\s-]*|(?P<end>end)\s+of\s+the\s+)?"
        r"(?P<year>(?:19|20|21)\d0)s\b", _I)),
    ("later_year", {"digit", "unit"}, re.compile(rf"\b{_BY}later\s+(?:in\s+)?{_YEARREF}", _I)),
    ("year_end", {"unit"}, re.compile(rf"\b{_BY}(?:the\s+)?year[\s-]end\b", _I)),
    ("month", {"month"}, re.compile(
        rf"\b{_PREP}{_MONTH_PART}{_MONTH}(?:\s+{_DAY}\b)?"
        rf"(?:,?\s+(?:of\s+)?(?P<year>(?:19|20|21)\d\d)\b|\s+(?P<rel>next|this)\s+year)?", _I)),
    ("day_month", {"month"}, re.compile(
        rf"\b{_BY}(?:on\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}"
        r"(?:,?\s+(?P<year>(?:19|20|21)\d\d)\b)?", _I)),
    # "between 2026 and 2027", "from 2026 to 2028": the first year's start to the last's end
    ("year_span", {"digit"}, re.compile(
        r"\b(?:between|from)\s+(?P<year>(?:19|20)\d\d)\s+(?:and|to|till|until|through)\s+"
        r"(?P<year2>(?:19|20)\d\d)\b", _I)),
    ("year", {"digit"}, re.compile(
        r"\b(?P<prep>in|by|during|within|before|until|for|throughout)\s+"
        r"(?P<year>(?:19|20|21)\d\d)\b(?![/–-]\d)(?P<end>[\s-]end\b)?", _I)),
    ("relative", {"unit"}, re.compile(
        rf"\b{_BY}(?P<later>later\s+(?:in\s+)?)?(?P<part>(?:early|mid|late|the end of|end of)\s+)?"
        r"(?P<which>next|this|the coming|the current)\s+(?P<unit>weekend|week|month|year)\b", _I)),
    ("end_of_month", {"unit"}, re.compile(rf"\b{_BY}(?:the\s+)?end\s+of\s+the\s+month\b", _I)),
    ("from_now", {"unit"}, re.compile(
        rf"\b{_COUNT}\s+{_UNIT}\s+from\s+(?:now|today)\b", _I)),
    ("within", {"unit"}, re.compile(
        r"\b(?:within\s+(?:the\s+)?(?:(?:next|coming)\s+)?|(?:in|over|for)\s+the\s+(?:next|coming)\s+)"
        rf"(?:(?:about|around|roughly|approximately)\s+)?{_COUNT}{_UP_TO}\s+{_UNIT}\b", _I)),
    # "over the next decade": ten years from the document date
    ("within", {"unit"}, re.compile(
        r"\b(?:within|in|over|for)\s+the\s+(?:next|coming)\s+(?P<unit>decade)\b", _I)),
    ("ja_decade", {"cjk"}, re.compile(
        r"(?P<year>(?:19|20|21|１９|２０|２１)[0-9０-９][0０])年代"
        rf"(?P<part>前半|後半|半ば|初頭|初め|末)?{_JA_BY}")),
    ("ja_year", {"cjk"}, re.compile(
        rf"(?P<year>[0-9０-９]{{4}})年(?!代)(?P<fy>度)?(?:(?P<month>[0-9０-９]{{1,2}})月{_JA_MONTH_PART}?"
        rf"|{_JA_YEAR_PART}|(?P<within>内))?{_JA_BY}")),
    ("ja_rel_year", {"cjk"}, re.compile(
        rf"(?P<rel>再来年|来年|今年|本年)(?P<fy>度)?(?:(?P<month>[0-9０-９]{{1,2}})月{_JA_MONTH_PART}?"
        rf"|{_JA_YEAR_PART}|(?P<within>内))?{_JA_BY}")),
    ("ja_rel_month", {"cjk"}, re.compile(rf"(?P<rel>来月|今月){_JA_MONTH_PART}?{_JA_BY}")),
    ("ja_within", {"cjk"}, re.compile(
        rf"(?<![0-9０-９前昨毎各同今来本])(?P<unit>年度内|年度末|年度中|年内|月内|年末(?!年始)|月末){_JA_BY}")),
    ("ja_rel_week", {"cjk_rel"}, re.compile(rf"(?P<rel>来週|今週)(?P<wpart>中|末)?{_JA_BY}")),
    ("ja_season", {"cjk_rel"}, re.compile(rf"(?P<rel>今|来)(?P<part>春|夏|秋){_JA_BY}")),
    ("ja_month", {"cjk"}, re.compile(
        rf"(?<![0-9０-９年])(?P<month>[0-9０-９]{{1,2}})月{_JA_MONTH_PART}?{_JA_BY}")),
)  # fmt: skip
