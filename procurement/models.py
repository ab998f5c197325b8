"""Loads every model of the tendering app, for Django's app registry and the migrations; nothing else lives here.

Import a model from the package that owns it (``procurement.tenders.models`` and so on), never from here.
"""

from procurement.award import models as award_models
from procurement.bids import models as bid_models
from procurement.conflicts import models as conflicts_models
from procurement.evaluation import models as evaluation_models
from procurement.tenders import models as tender_models
from procurement.tenders.models import default_scale  # the initial migration names it as procurement.models.*

__all__ = ["award_models", "bid_models", "conflicts_models", "default_scale", "evaluation_models", "tender_models"]
