"""Amounts as the customer reads them, currency codes, and the EUR rates from the environment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from complaints.money import format_amount, is_known, to_eur
from config.env import envrates


@pytest.mark.parametrize(
    ("amount", "code", "language", "expected"),
    [
        ("25", "EUR", "nl", "€ 25,00"),
        ("1234.5", "EUR", "nl", "€ 1.234,50"),
        ("1234.5", "EUR", "en", "€1,234.50"),
        ("0.05", "GBP", "en", "£0.05"),
        ("1500", "SEK", "nl", "SEK 1.500,00"),
        ("1500", "SEK", "en", "SEK 1,500.00"),
    ],
)
def test_amounts_are_written_the_customers_way(amount, code, language, expected):
    assert format_amount(Decimal(amount), code, language) == expected


def test_only_iso_4217_codes_are_known():
    assert is_known("EUR")
    assert is_known("USD")
    assert is_known("JPY")
    assert not is_known("XYZ")
    assert not is_known("eur")
    assert not is_known("EURO")


def test_amounts_are_converted_to_eur_only_with_a_rate():
    assert to_eur(Decimal("10.00"), "EUR") == Decimal("10.00")
    assert to_eur(Decimal("10.00"), "USD") is None
    with override_settings(COULANCE_EUR_RATES={"USD": Decimal("0.915")}):
        assert to_eur(Decimal("10.00"), "USD") == Decimal("9.15")


def test_rates_are_read_from_the_environment_and_malformed_ones_fail_loudly(monkeypatch):
    monkeypatch.setenv("COULANCE_EUR_RATES", "usd=0.92, GBP=1.17")
    assert envrates("COULANCE_EUR_RATES") == {"USD": Decimal("0.92"), "GBP": Decimal("1.17")}
    monkeypatch.delenv("COULANCE_EUR_RATES")
    assert envrates("COULANCE_EUR_RATES") == {}
    for bad in ("USD", "USD=abc", "USD=-1", "DOLLAR=1", "USD=NaN"):
        monkeypatch.setenv("COULANCE_EUR_RATES", bad)
        with pytest.raises(ImproperlyConfigured, match="COULANCE_EUR_RATES"):
            envrates("COULANCE_EUR_RATES")
