"""core.charts.line_chart (added for KPI trends): accessible, escaped, gaps for missing values, a fixed top."""

from __future__ import annotations

from decimal import Decimal

from core.charts import LineSeries, line_chart


def test_line_chart_is_labelled_escaped_and_leaves_gaps():
    svg = line_chart(
        title="People <advised> & helped",
        categories=["Q1 2025/26", "Q2 2025/26", "Q3 2025/26", "Q4 2025/26"],
        series=[
            LineSeries("Actual", [Decimal("150"), None, Decimal("101"), Decimal("130")]),
            LineSeries("Target", [Decimal("150")] * 4, dashed=True),
        ],
        chart_id="kpi-7",
    )
    assert 'aria-labelledby="kpi-7-title"' in svg and 'id="kpi-7-title"' in svg
    assert "People &lt;advised&gt; &amp; helped" in svg
    assert svg.count("<circle") == 3  # a marker per value given; none for the gap
    assert svg.count("<polyline") == 2  # the actuals resume after the gap (one run of two points), and the target
    assert "stroke-dasharray" in svg
    assert "Actual, Q3 2025/26: 101" in svg


def test_percentages_run_to_100_and_one_period_still_shows_the_target():
    svg = line_chart(
        title="Less stress",
        categories=["Q1 2025/26"],
        series=[LineSeries("Actual", [Decimal("84")]), LineSeries("Target", [Decimal("80")], dashed=True)],
        chart_id="kpi-8",
        fmt=lambda v: f"{v:.0f}%",
        y_max=Decimal("100"),
    )
    assert ">100%<" in svg and ">0%<" in svg
    assert svg.count("<circle") == 1 and 'stroke-dasharray="6 4"/>' in svg
