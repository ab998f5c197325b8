"""The law's figures, as data: the Procurement Act 2023 thresholds for a sub-central contracting authority (a
council) in England, including VAT, each with the dates it is in force. They change every two years (the next
revision is expected from 1 January 2028): add the new rows here, ending the old ones the day before.

Sources (checked November 2026):
- Procurement Act 2023, Schedule 1 (threshold amounts): https://www.legislation.gov.uk/ukpga/2023/54/schedule/1
- The Procurement Act 2023 (Threshold Amounts) (Amendment) Regulations 2025, SI 2025/1200, in force 1 January 2026
  (sub-central goods and services £214,904 -> £207,720; works £5,372,609 -> £5,193,000; light-touch unchanged at
  £663,540; applies to procurements begun on or after 1 January 2026):
  https://www.legislation.gov.uk/uksi/2025/1200 and PPN 023 "2026 Threshold Amounts" (Cabinet Office)
- Summaries agreeing with both: https://www.lupc.ac.uk/news-events/newsarticle/new-financial-thresholds-from-1-january-2026
  and https://insights.devonshires.com/post/102lxjy/new-public-procurement-thresholds-from-1-january-2026
- Notifiable below-threshold contracts (s.86-88: £30,000 for an authority other than central government), from the
  Act's commencement on 24 February 2025: https://www.legislation.gov.uk/ukpga/2023/54/part/6
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commissioning.thresholds.models import Tier, TierKind

ACT_COMMENCED = dt.date(2025, 2, 24)
_2024 = dt.date(2024, 1, 1)
_END_2025 = dt.date(2025, 12, 31)
_2026 = dt.date(2026, 1, 1)

_BEFORE = (
    "In force from 1 January 2024 (the Public Contracts Regulations 2015, then the Procurement Act 2023 from 24 "
    "February 2025) until 31 December 2025."
)
_SI_2025_1200 = "SI 2025/1200: for procurements begun on or after 1 January 2026. Next revision expected January 2028."

STATUTORY_TIERS: tuple[Tier, ...] = (
    Tier(TierKind.STANDARD, Decimal("214904.00"), _2024, _END_2025, _BEFORE, statutory=True),
    Tier(TierKind.LIGHT_TOUCH, Decimal("663540.00"), _2024, _END_2025, _BEFORE, statutory=True),
    Tier(TierKind.WORKS, Decimal("5372609.00"), _2024, _END_2025, _BEFORE, statutory=True),
    Tier(TierKind.STANDARD, Decimal("207720.00"), _2026, None, _SI_2025_1200, statutory=True),
    Tier(TierKind.LIGHT_TOUCH, Decimal("663540.00"), _2026, None, _SI_2025_1200 + " Unchanged.", statutory=True),
    Tier(TierKind.WORKS, Decimal("5193000.00"), _2026, None, _SI_2025_1200, statutory=True),
    Tier(
        TierKind.NOTIFIABLE,
        Decimal("30000.00"),
        ACT_COMMENCED,
        None,
        "Procurement Act 2023 s.86-88: a regulated below-threshold contract of at least this value is notifiable "
        "(£12,000 for central government).",
        statutory=True,
    ),
)

# A new partnership's own tiers until it sets its own (seed 000: the framework "would not change existing small grant
# allocations" and applies "for services over £35,000").
DEFAULT_SMALL_GRANTS = Decimal("10000.00")
DEFAULT_FRAMEWORK = Decimal("35000.00")
DEFAULT_LOCAL_TIERS: tuple[Tier, ...] = (
    Tier(
        TierKind.SMALL_GRANTS,
        DEFAULT_SMALL_GRANTS,
        None,
        None,
        "Default: small grant allocations below this stay as they are. Set your partnership's own figure.",
        statutory=False,
    ),
    Tier(
        TierKind.FRAMEWORK,
        DEFAULT_FRAMEWORK,
        None,
        None,
        "Default (seed: the third-sector commissioning framework applies to services over £35,000).",
        statutory=False,
    ),
)


def statutory_in_force(on: dt.date) -> list[Tier]:
    return [t for t in STATUTORY_TIERS if t.in_force(on)]
