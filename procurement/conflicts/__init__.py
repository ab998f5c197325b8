"""The conflicts assessment (Procurement Act 2023, s.83): everyone acting in a procurement, their declared interests
and the steps taken for each conflict, signed by a named person before the tender notice and reviewed before the
award. It reuses the panel's and the board's declarations rather than asking people to declare twice.

Builds on procurement.tenders and procurement.evaluation (and boards); procurement.workflows reads its rule as the
guard of the tender's publish and recommend steps.
"""
