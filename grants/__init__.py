"""Grant rounds: a partnership's grant programme, funded by partners' contributions through a joint commission
whose route is the grant route, and the applications third-sector organisations make to it.

Packages, lowest first (a lower one never imports a higher one):

    programmes <- applications <- assessment <- decisions <- (later: payments)
      <- (models, api, urls, panels, tasks, demo: the app's single entry points)

- ``programmes``: the programme (eligibility, amounts, budget, dates, delegated-decision threshold), its criteria,
  the application form's sections and questions, and its assessors.
- ``applications``: an organisation's application (sealed until the closing time, exactly as bids are), its
  answers, the submitted versions with their receipt hash, withdrawal and late refusal.
- ``assessment``: the panel's declared interests (per application, with the type of interest; a declared interest
  excludes the assessor from scoring that application), score sheets (a score and comment per criterion),
  moderation (the agreed scores) and the ranked list (procurement's own weighted-score rule,
  ``procurement.evaluation.scoring``).
- ``decisions``: the round's decision (ranked list and per-application recommendations) decided by the board
  (subject ``grants.award``, "Decide grants", at or above the delegated threshold) or the lead's named officer
  (below it); offer and decline letters (PDF, emailed); acceptance, decline and lapse of offers.

Inside each package: models -> rules -> workflows -> services -> selectors/forms -> views/api.
"""
