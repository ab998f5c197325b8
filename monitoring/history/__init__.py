"""A provider's history with one partnership, for the commissioners of its register: bids (unsealed ones only),
grants, contracts and their performance. It lives here, the highest layer that reads bids (procurement) and
performance (monitoring). Grants live in a higher app: it adds its rows through the ``core.handlers`` kind
``HISTORY_KIND`` (``rows(partnership_id=, organisation_id=) -> list[HistoryRow]``) registered in its ``ready()``."""
