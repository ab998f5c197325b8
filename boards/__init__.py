"""The commissioning board: seats, meetings, agenda, attendance, declarations, exclusions, decisions and packs.

Layered between ``partners`` (below: organisations, people, partnerships) and ``commissioning``/``procurement``/
``monitoring`` (above). This app imports ``partners`` and ``core`` only; it reaches the higher apps' objects (an
agenda item's subject) through ``core.handlers``.

Inside the app, one direction: models -> rules -> permissions -> workflows -> services/pack -> selectors/forms ->
views/api/panels -> tasks/demo.
"""
