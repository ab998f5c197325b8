"""Tendering: tenders, bids, their evaluation and the award.

Packages, each building only on those before it (a lower package never imports a higher one):

    procurement.tenders <- procurement.bids <- procurement.evaluation <- procurement.award <- procurement.conflicts

(``procurement.conflicts``: the s.83 conflicts assessment, reading the panel, the award and the board.)

Inside a package: models -> rules -> (procurement.workflows, procurement.permissions) -> services ->
selectors/forms -> views/api -> (procurement.tasks, procurement.handlers, procurement.demo*).

``procurement.workflows`` (the tender's and the bid's lives) and ``procurement.permissions`` span every stage: they
import the packages' models and rules and are imported by the packages' services and pages. ``procurement.models``
only loads the models for Django; ``procurement.urls`` and ``procurement.api`` only gather the packages' pages and
viewsets. The tender's workflow steps are served by ``procurement.award.api`` and the bid's by
``procurement.evaluation.api`` (the lowest packages whose services reach every step).

Known reads across the order (for the import contract's ignore list):
- procurement.tenders.selectors -> procurement.bids.models (the sealed count of received bids on tender lists)
- procurement.tenders.selectors -> procurement.award.models (contracts shown on the public opportunity page)
- procurement.tenders.views -> procurement.bids.models (a provider's own bids on the opportunity page)
- procurement.bids.views -> procurement.award.models (the award letter on the bidder's bid page)
"""
