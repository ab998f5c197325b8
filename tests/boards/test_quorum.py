"""The quorum rule as a pure function: Lichfield's 4 members / 51 % / someone from the district council, and the
edge cases -- exactly 51 %, a substitute counting, an advisory member not counting, an excluded member not counting."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from boards.rules import Attendee, OrganisationRef, Rule, check

LDC = OrganisationRef(1, "Lichfield District Council")
SCC, CCG, PCC, CVS = 2, 3, 4, 5


def lichfield_rule(full: int = 7) -> Rule:
    return Rule(
        min_members=4,
        min_share=Decimal("51"),
        required_organisations=(LDC,),
        full_member_ids=frozenset(range(1, full + 1)),
    )


def full(member_id: int, org: int = SCC) -> Attendee:
    return Attendee(member_id=member_id, name=f"Member {member_id}", organisation_id=org, kind="full")


def test_lichfield_quorate_with_four_of_seven_including_the_district_council():
    result = check(lichfield_rule(), [full(1, LDC.id), full(2), full(3, CCG), full(4, PCC)])
    assert result.ok
    assert result.failures == []
    assert (result.seats, result.full_members, result.share) == (4, 7, Decimal("57"))
    assert result.summary == "Quorate: 4 of 7 full members (57%), including Lichfield District Council"


def test_three_members_fail_the_number_and_the_share_with_precise_messages():
    result = check(lichfield_rule(), [full(1, LDC.id), full(2), full(3, CCG)])
    assert not result.ok
    assert result.failures == [
        "Only 3 full members present; at least 4 needed",
        "51% of full members needed: 3 of 7 present (42%)",
    ]


def test_no_one_from_the_district_council_is_refused_even_with_enough_members():
    result = check(lichfield_rule(), [full(2), full(3, CCG), full(4, PCC), full(5)])
    assert not result.ok
    assert result.failures == ["No one from Lichfield District Council is present"]


def test_exactly_51_percent_is_quorate_and_one_fewer_is_not():
    rule = Rule(
        min_members=1, min_share=Decimal("51"), required_organisations=(), full_member_ids=frozenset(range(1, 101))
    )
    assert check(rule, [full(i) for i in range(1, 52)]).ok  # 51 of 100 = 51 % exactly
    result = check(rule, [full(i) for i in range(1, 51)])  # 50 of 100
    assert result.failures == ["51% of full members needed: 50 of 100 present (50%)"]


def test_51_percent_of_seven_needs_four_not_three_point_five_seven_rounded():
    rule = Rule(
        min_members=1, min_share=Decimal("51"), required_organisations=(), full_member_ids=frozenset(range(1, 8))
    )
    assert not check(rule, [full(1), full(2), full(3)]).ok  # 42.9 %
    assert check(rule, [full(1), full(2), full(3), full(4)]).ok  # 57.1 %


def test_a_fractional_share_is_compared_exactly():
    rule = Rule(
        min_members=1, min_share=Decimal("50.5"), required_organisations=(), full_member_ids=frozenset(range(1, 201))
    )
    assert check(rule, [full(i) for i in range(1, 102)]).ok  # 101 of 200 = 50.5 %
    result = check(rule, [full(i) for i in range(1, 101)])  # 100 of 200 = 50 %
    assert result.failures == ["50.5% of full members needed: 100 of 200 present (50%)"]


def test_a_named_substitute_counts_for_their_absent_member():
    substitute = Attendee(member_id=20, name="Tom Jones", organisation_id=SCC, kind="substitute", substituting_for=2)
    result = check(lichfield_rule(), [full(1, LDC.id), substitute, full(3, CCG), full(4, PCC)])
    assert result.ok
    assert "Tom Jones" in result.counted


def test_a_member_and_their_substitute_both_present_count_once():
    substitute = Attendee(member_id=20, name="Tom Jones", organisation_id=SCC, kind="substitute", substituting_for=2)
    result = check(lichfield_rule(), [full(1, LDC.id), full(2), substitute, full(3, CCG)])
    assert result.seats == 3
    assert not result.ok
    assert ("Tom Jones", "Member 2 already holds this seat") in result.not_counted


def test_a_substitute_not_standing_in_does_not_count():
    substitute = Attendee(member_id=20, name="Tom Jones", organisation_id=SCC, kind="substitute")
    result = check(lichfield_rule(), [full(1, LDC.id), full(3, CCG), full(4, PCC), substitute])
    assert result.seats == 3 and not result.ok


def test_an_advisory_member_never_counts_even_from_a_required_organisation():
    adviser = Attendee(member_id=30, name="Anna Adviser", organisation_id=LDC.id, kind="advisory")
    result = check(lichfield_rule(), [full(2), full(3, CCG), full(4, PCC), adviser])
    assert not result.ok
    assert result.failures == [
        "Only 3 full members present; at least 4 needed",
        "51% of full members needed: 3 of 7 present (42%)",
        "No one from Lichfield District Council is present",
    ]
    assert ("Anna Adviser", "advisory member") in result.not_counted


def test_an_excluded_member_does_not_count_for_that_item():
    present = [full(1, LDC.id), full(2), full(3, CCG), full(4, PCC)]
    assert check(lichfield_rule(), present).ok
    result = check(lichfield_rule(), present, exclusions={3})
    assert not result.ok
    assert result.failures == [
        "Only 3 full members present; at least 4 needed (Member 3 is excluded from this item)",
        "51% of full members needed: 3 of 7 present (42%) (Member 3 is excluded from this item)",
    ]


def test_excluding_the_only_district_council_member_names_why():
    present = [full(1, LDC.id), full(2), full(3, CCG), full(4, PCC), full(5)]
    result = check(lichfield_rule(), present, exclusions={1})
    assert result.failures == [
        "No one from Lichfield District Council is present and taking part: their member is excluded from this item"
    ]


def test_an_excluded_substitute_does_not_count_either():
    substitute = Attendee(member_id=20, name="Tom Jones", organisation_id=SCC, kind="substitute", substituting_for=2)
    result = check(lichfield_rule(), [full(1, LDC.id), substitute, full(3, CCG), full(4, PCC)], exclusions={20})
    assert result.seats == 3 and not result.ok


def test_a_former_member_no_longer_counts():
    result = check(lichfield_rule(full=7), [full(1, LDC.id), full(2), full(3, CCG), full(99, PCC)])
    assert result.seats == 3
    assert ("Member 99", "not a current full member") in result.not_counted


@given(
    n=st.integers(min_value=1, max_value=40),
    k=st.integers(min_value=0, max_value=40),
    share=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
def test_the_share_condition_is_exact_integer_arithmetic(n, k, share):
    k = min(k, n)
    rule = Rule(min_members=1, min_share=share, required_organisations=(), full_member_ids=frozenset(range(1, n + 1)))
    result = check(rule, [full(i) for i in range(1, k + 1)])
    share_ok = not any("of full members needed" in f for f in result.failures)
    assert share_ok == (k * 100 >= share * n)
