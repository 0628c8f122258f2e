"""English as written in the Netherlands and Britain (en-GB): day before month, 24-hour time.

Django's own "en" formats are American ("11/30/2026 9:40 a.m."); its "en_GB" still writes
"9:40 a.m.". The company is Dutch, and its agents read dates as their customers do, so the
English pages write "30/11/2026 09:40" and "30 November 2026". Dutch keeps Django's "nl".
Input formats accept what the pages' fields send (ISO 8601 from date and datetime-local
inputs, which Django accepts in every language) and day-first typing.
"""

# Output: Django's date syntax (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date)
DATE_FORMAT = "j F Y"  # 30 November 2026
TIME_FORMAT = "H:i"  # 09:40
DATETIME_FORMAT = "j F Y H:i"  # 30 November 2026 09:40
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 30 November
SHORT_DATE_FORMAT = "d/m/Y"  # 30/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 30/11/2026 09:40
FIRST_DAY_OF_WEEK = 1  # Monday

# Input: Python's strptime syntax; Django adds the ISO 8601 forms to each list.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-30 (<input type="date">)
    "%d/%m/%Y",  # 30/11/2026
    "%d/%m/%y",  # 30/11/26
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 09:40:59
    "%H:%M:%S.%f",  # 09:40:59.000200
    "%H:%M",  # 09:40
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # 2026-11-30T09:40 (<input type="datetime-local">)
    "%Y-%m-%d %H:%M:%S",  # 2026-11-30 09:40:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2026-11-30 09:40:59.000200
    "%Y-%m-%d %H:%M",  # 2026-11-30 09:40
    "%d/%m/%Y %H:%M:%S",  # 30/11/2026 09:40:59
    "%d/%m/%Y %H:%M:%S.%f",  # 30/11/2026 09:40:59.000200
    "%d/%m/%Y %H:%M",  # 30/11/2026 09:40
    "%d/%m/%y %H:%M",  # 30/11/26 09:40
]

# Numbers as before (and as in Britain): 1,234.50.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
