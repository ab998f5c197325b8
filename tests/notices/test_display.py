"""A notice's page reads as a person would write it (the JSON download keeps the machine form): dates and times in
UK words and UK time, money in pounds, codes, criteria, periods and KPIs as sentences."""

from __future__ import annotations

from notices.selectors import display


def test_times_are_uk_time_in_words_and_dates_in_words():
    assert display("2026-12-03T18:18:00+00:00") == "3 December 2026, 6:18pm"
    assert display("2026-07-03T11:00:00+00:00") == "3 July 2026, 12:00pm"  # British Summer Time
    assert display("2027-03-31") == "31 March 2027"


def test_money_is_in_pounds_where_the_field_is_money():
    assert display("157500.00", key="estimated_value_inc_vat") == "£157,500.00"
    assert display("3", key="term_years") == "3"


def test_structured_values_read_as_sentences():
    assert display([{"code": "85320000-8", "title": "Social services"}]) == "85320000-8 Social services"
    assert display([{"kind": "Quality", "name": "Quality of service", "weight": 60}]) == "Quality of service: 60%"
    assert (
        display({"start": "2025-04-01", "end": "2025-06-30", "label": "Q1 2025/26"})
        == "Q1 2025/26 (1 April 2025 to 30 June 2025)"
    )
    assert (
        display({"kpi": "People given debt advice", "actual": "150.00", "target": "150.00", "rating": "Good"})
        == "People given debt advice, actual 150.00, against a target of 150.00 (Good)"
    )
    assert display(True) == "Yes" and display(None) == ""
