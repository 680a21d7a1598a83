"""``skillpulse enrich`` (and the enrich step) on records shaped to break it: a reason, never an exception."""

from __future__ import annotations

import pytest

from skillpulse.extractors.enrich import enrich
from skillpulse.extractors.salary import parse_pay, parse_text


@pytest.mark.parametrize(
    "attributes",
    [[1, 2], {"industry": {"a": 1}}, {"industry": [1]}, {"sector": 5}, "text", {"industry": None}],
)
def test_attributes_of_any_shape_give_an_industry_not_an_error(attributes):
    assert enrich({"id": 1, "text": "We build tools.", "attributes": attributes}).industry == "unknown"


@pytest.mark.parametrize(
    ("salaries", "what"),
    [
        (lambda: parse_text("$" + "9" * 400 + " per year", salary_field=True), "a 400-digit figure in text"),
        (lambda: parse_pay({"min": 1e308, "currency": "USD", "period": "hour"}), "1e308 an hour"),
    ],
)
def test_an_amount_too_large_for_pay_is_rejected_with_its_reason(salaries, what):
    (s,) = salaries()
    assert s.rejected == "amount too large to be pay", what
    assert s.annual_usd_min is None
