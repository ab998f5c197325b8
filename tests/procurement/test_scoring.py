"""Weighted totals from moderated scores, price by the method's formula, ranking, and the per-partner split."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.evaluation.scoring import BidInput, CriterionSpec, QuestionSpec, evaluate, price_score, scale_to, split

CRITERIA = [
    CriterionSpec(1, "quality", "Quality", 60),
    CriterionSpec(2, "price", "Price", 20),
    CriterionSpec(3, "social_value", "Social value", 10),
    CriterionSpec(4, "local_benefit", "Local benefit", 10),
]
QUESTIONS = [
    QuestionSpec(11, 1, weight=2),
    QuestionSpec(12, 1, weight=1),
    QuestionSpec(13, 3),
    QuestionSpec(14, 4),
    QuestionSpec(15, None, pass_fail=True),
]


def bid(bid_id, name, price, scores, passed=True, lot=None):
    return BidInput(
        bid_id,
        name,
        Decimal(price),
        scores=dict(zip((11, 12, 13, 14), scores, strict=True)),
        passes={15: passed},
        lot_id=lot,
    )


def test_weighted_totals_and_ranking():
    results = evaluate(
        CRITERIA,
        QUESTIONS,
        [bid(1, "Citizens Advice", "43750", (4, 4, 3, 5)), bid(2, "Age UK", "42000", (3, 5, 4, 4))],
        max_score=5,
        formula="lowest_ratio",
    )
    first, second = results
    # Citizens Advice: quality 60 x (2x4 + 1x4)/(3x5) = 48.00; price 20 x 42000/43750 = 19.20; social 10 x 3/5 = 6;
    # local 10 x 5/5 = 10: total 83.20.
    assert first.criterion_scores == {1: Decimal("48.00"), 2: Decimal("19.20"), 3: Decimal("6.00"), 4: Decimal("10.00")}
    assert first.total == Decimal("83.20") and first.rank == 1
    # Age UK: quality 60 x 11/15 = 44.00; price 20.00; social 8.00; local 8.00: total 80.00.
    assert second.total == Decimal("80.00") and second.rank == 2


def test_the_difference_formula():
    assert price_score(Decimal("50000"), Decimal("40000"), 20, "difference") == Decimal("15.00")
    assert price_score(Decimal("90000"), Decimal("40000"), 20, "difference") == Decimal("0.00")
    assert price_score(Decimal("50000"), Decimal("40000"), 20, "lowest_ratio") == Decimal("16.00")


def test_failing_a_pass_fail_question_excludes_the_bid_and_its_price():
    results = evaluate(
        CRITERIA,
        QUESTIONS,
        [bid(1, "Cheap but unsafe", "10000", (5, 5, 5, 5), passed=False), bid(2, "Safe", "40000", (3, 3, 3, 3))],
        max_score=5,
        formula="lowest_ratio",
    )
    safe, unsafe = results
    assert safe.name == "Safe" and safe.rank == 1
    assert safe.criterion_scores[2] == Decimal("20.00")  # the lowest compliant price
    assert not unsafe.compliant and unsafe.rank is None and unsafe.failed_questions == [15]


def test_equal_totals_share_a_rank_and_lots_rank_separately():
    results = evaluate(
        CRITERIA,
        QUESTIONS,
        [
            bid(1, "A", "40000", (3, 3, 3, 3), lot=1),
            bid(2, "B", "40000", (3, 3, 3, 3), lot=1),
            bid(3, "C", "30000", (1, 1, 1, 1), lot=2),
        ],
        max_score=5,
        formula="lowest_ratio",
    )
    ranks = {r.name: r.rank for r in results}
    assert ranks == {"A": 1, "B": 1, "C": 1}


def test_lichfield_split_reconciles_to_the_penny():
    contributions = {"county": Decimal("23750.00"), "district": Decimal("20000.00")}
    (shares,) = split(contributions, [Decimal("43750.00")])
    assert shares == contributions


def test_a_cheaper_award_is_shared_in_proportion_to_the_penny():
    shares = scale_to({"county": Decimal("23750.00"), "district": Decimal("20000.00")}, Decimal("42000.00"))
    assert shares == {"county": Decimal("22800.00"), "district": Decimal("19200.00")}
    odd = scale_to({"a": Decimal("1.00"), "b": Decimal("1.00"), "c": Decimal("1.00")}, Decimal("1.00"))
    assert sum(odd.values()) == Decimal("1.00")


def test_more_than_was_contributed_is_refused():
    with pytest.raises(ValueError):
        scale_to({"a": Decimal("10.00")}, Decimal("10.01"))


money = st.integers(min_value=0, max_value=10_000_000).map(lambda p: Decimal(p) / 100)


@given(
    contributions=st.lists(money, min_size=1, max_size=6),
    lines=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=4),
    fraction=st.integers(min_value=1, max_value=100),
)
def test_split_always_reconciles(contributions, lines, fraction):
    budget = dict(enumerate(contributions))
    total = sum(contributions, Decimal("0"))
    target = (total * fraction / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    weights = sum(lines)
    values = [(target * w / weights).quantize(Decimal("0.01"), rounding="ROUND_DOWN") for w in lines]
    values[-1] += target - sum(values)
    result = split(budget, values)
    scaled = scale_to(budget, sum(values))
    for j, value in enumerate(values):
        assert sum(result[j].values()) == value
        assert all(v >= 0 for v in result[j].values())
    for i in budget:
        assert sum(r[i] for r in result) == scaled[i]
        assert scaled[i] <= budget[i]
