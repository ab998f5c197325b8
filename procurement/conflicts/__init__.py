"""The conflicts assessment (Procurement Act 2023, s.83): everyone acting in a procurement, their declared interests
and the steps taken for each conflict, signed by a named person before the tender notice and reviewed before the
award. It reuses the panel's and the board's declarations rather than asking people to declare twice.

The top package of procurement (tenders <- bids <- evaluation <- award <- conflicts): it reads the panel, the award
recommendations and the board's items. procurement.workflows reads its rule as the guard of the tender's publish and
recommend steps.
"""
