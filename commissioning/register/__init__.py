"""The provider register ("tell us once"): each partnership's register of the provider organisations it works
with (registered, approved for named categories until a date, or suspended with a reason), and each provider's
documents with expiry dates (insurance, safeguarding policy, accounts), kept once by the provider and read by every
partnership whose register it is on, by bids and grant applications too."""
