"""Contract monitoring: KPIs agreed by the partners before award, the provider's returns each period, the lead's
oversight (visits, improvement plans), and the end of the contract.

Packages, lowest first (a lower one never imports a higher one):

    (shared: periods, rag, scope, permissions, people, inputs, form_fields, pages, apibase)
      <- kpis <- reviews <- returns <- oversight <- contracts
      <- (models, api, urls, panels, tasks, demo, templatetags: the app's single entry points)

- ``kpis``: KPI sets and KPIs, agreed before award.
- ``reviews``: the end of the contract (below returns because a closed contract stops return reminders).
- ``returns``: the provider's returns each period, their review, reminders.
- ``oversight``: monitoring visits and improvement plans (a plan can start from a return).
- ``contracts``: whole contracts: the list, the portfolio, one contract's page, performance reports.

Inside each package: models -> rules -> workflows -> services -> selectors/forms -> views/api.
"""
