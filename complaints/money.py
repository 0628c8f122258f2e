"""ISO 4217 currency codes, conversion to EUR for the approval limits, and amount formatting."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

# The active ISO 4217 alphabetic codes (list one, 2024), funds and precious metals left out.
ISO_4217 = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF"}


def is_known(code: str) -> bool:
    return code in ISO_4217


def eur_rate(code: str) -> Decimal | None:
    """What one unit of ``code`` counts for in EUR when judging approval limits; None if unset.

    The limits are in EUR. Other currencies need a rate in ``COULANCE_EUR_RATES`` (set by an
    administrator); without one a request in that currency cannot be judged and is refused.
    """
    if code == "EUR":
        return Decimal(1)
    rate = settings.COULANCE_EUR_RATES.get(code)
    return Decimal(str(rate)) if rate is not None else None


def to_eur(amount: Decimal, code: str) -> Decimal | None:
    rate = eur_rate(code)
    return None if rate is None else (amount * rate).quantize(Decimal("0.01"))


def format_amount(amount: Decimal, code: str, language: str) -> str:
    """The amount as the customer reads it: ``€ 1.234,50`` in Dutch, ``€1,234.50`` in English."""
    with translation.override(language):
        number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = _SYMBOLS.get(code)
    if language == "nl":
        return f"{symbol or code} {number}"
    return f"{symbol}{number}" if symbol and len(symbol) == 1 else f"{code} {number}"


def format_for_reader(amount: Decimal, code: str) -> str:
    """The amount written for the person reading the message (their active language)."""
    language = "en" if (translation.get_language() or "").startswith("en") else "nl"
    return format_amount(amount, code, language)
