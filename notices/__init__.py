"""Procurement Act 2023 notices, prepared from what Jointly already holds (Jointly prepares them; the lead files
them on Find a Tender, the central digital platform).

One package, the app itself, above ``opendata`` (publishing a notice records an OCDS release), ``monitoring`` (the
contract performance notice reads KPIs and returns) and ``procurement`` (tenders, contracts, variations):

    kinds (the notice types and their required fields, as data) -> models -> generate (pure: facts to field
    values, one builder per kind) -> rules -> workflows -> services -> selectors/forms -> views/api -> tasks

``upstream`` is the only module that reaches the other engineers' names (regime, conflicts assessment, OCDS
releases), so the rest imports them from one place.
"""
