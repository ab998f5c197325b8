"""Grant rounds: a partnership's grant programme, funded by partners' contributions through a joint commission
whose route is the grant route, and the applications third-sector organisations make to it.

Packages, lowest first (a lower one never imports a higher one):

    programmes <- applications <- (later: assessment, decisions, payments)
      <- (models, api, urls, panels, tasks, demo: the app's single entry points)

- ``programmes``: the programme (eligibility, amounts, budget, dates, delegated-decision threshold), its criteria,
  the application form's sections and questions, and its assessors.
- ``applications``: an organisation's application (sealed until the closing time, exactly as bids are), its
  answers, the submitted versions with their receipt hash, withdrawal and late refusal.

Inside each package: models -> rules -> workflows -> services -> selectors/forms -> views/api.
"""
