"""Joint commissioning, in subpackages imported in one direction (a lower one never imports a higher one):

    service_map <- following <- register <- thresholds <- commissions <- risks <- money <- replacement <- agreements
    <- timetable <- lifecycle <- plans <- engagement

- ``service_map``: what each partner already funds (service areas, mapped contracts and their import, evidence,
  the outcomes framework, the partnership's settings).
- ``following``: a provider's person follows any service area or category (``core.opportunities.CATEGORIES``); the
  one announcer of opportunities (alerts, once per person and opportunity) and the monthly digest with its signed
  one-click unsubscribe.
- ``register``: the provider register ("tell us once"): each partnership's entries (registered / approved for
  categories until a date / suspended, a workflow) and each provider's documents with expiry dates and reminders,
  read by bids (``selectors.register_facts``). A provider's history page lives in ``monitoring.register_history``.
- ``thresholds``: the partnership's dated threshold tiers (small grants, framework) and the Procurement Act 2023's
  statutory thresholds as data; the route a value suggests (``rules.suggested_route``, ``selectors.tiers_for``).
- ``commissions``: the joint commission, who takes part (invitations, answers, the model) and what each partner puts
  in (the ``Contribution`` rows live here because the commission's own rules read them). Its term touches every
  financial year from ``core.money.term_financial_years`` (N+1 years, part years at each end, unless it starts on
  1 April).
- ``risks``: each commission's risk register (likelihood x impact, owner, countermeasure, review reminders) and
  its standing paper in the board pack.
- ``money``: everything done with contributions (recording, confirming, transfers, the pro-rata suggestion for
  part years, changes kept in ``ContributionChange``, variations the partner re-confirms) and the finance reports.
- ``replacement``: what a commission replaces (the mapped contracts, savings, new money), notices to providers under
  the local Compact, decommissioning impact notes, options appraisals.
- ``agreements``: the partnership agreement a partner signs to delegate to the lead.
- ``timetable``: stages, reminders and the calendar feed.
- ``lifecycle``: the commission's workflow and the guards that read every part, its page, history and API.
- ``plans``: each partner's forward plans (the next 18 months), the partnership's pipeline with its timeline and
  overlaps (same service area within a window, or near an ending mapped contract), a joint commission started from
  an overlap, and the public pipeline (published plans; they feed the UK1 notice and ``core.opportunities``).
- ``engagement``: market engagement events and provider training (sign-up with access needs, the waiting list,
  reminders through the outbox, attendance, published notes or Q&A; they feed the UK2 notice), and the standing
  engagement group with its members and published meeting notes.

Inside each subpackage: models -> rules/permissions -> workflows -> services -> selectors/forms -> exports ->
views/api. The app-level modules above them all: ``models`` (re-exports only, for Django), ``urls`` and ``api``
(the single place routes are included), ``tasks``, ``panels``, ``demo``, ``templatetags``.
"""
