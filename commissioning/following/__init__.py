"""Following: a provider's person follows any service area or category (even one with nothing open), is alerted
when an opportunity appears there (``core.opportunities`` announcer) and gets the monthly digest."""
