"""360Giving Data Standard 1.4: every awarded grant as open data (``/open-data/360giving/grants.json`` and a CSV in
360Giving's column titles). ``facts`` reads the grants (only awarded ones), ``build`` turns them into grant records
(pure), ``views`` serve them."""
