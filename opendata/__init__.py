"""Open data: what Jointly publishes for anyone to reuse, under the Open Government Licence v3.0.

Packages, lowest first (a lower one never imports a higher one):

    ocds <- transparency <- threesixty <- (models, urls, api, views, demo: the app's single entry points)

- ``ocds``: Open Contracting Data Standard 1.1 releases. One ``Release`` row per published event (immutable), built
  by pure functions (``ocds.build``) from the facts ``ocds.facts`` gathers, recorded by
  ``ocds.services.record_release`` (the notices app calls it when a notice is published), served as release and
  record packages.
- ``transparency``: the Local Government Transparency Code 2015 contracts export (CSV and XLSX) for one
  organisation and one quarter.
- ``threesixty``: every awarded grant as 360Giving 1.4 data (``grants.json`` and a CSV in 360Giving's column titles),
  one record per funding partner (``threesixty.build`` says why). ``threesixty.facts`` is the only module that reads
  grants, and only awarded ones whose round has closed.

The contracting process is the tender: one ocid per tender (``<JOINTLY_OCID_PREFIX>-<tender id>``). A joint
commission runs one tender for its service, so the tender is its process.

Never published: bid contents, ever; no bidder is named before the award; nothing about bids before the deadline
(no counts either). ``ocds.facts`` is the only module that reads procurement, and it reads no bid: the supplier is
the awarded line's organisation, read only once the award is decided (standstill or later).

Inside each package: models -> rules -> services -> selectors/forms -> views/api.
"""
