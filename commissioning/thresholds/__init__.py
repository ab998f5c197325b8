"""Procurement thresholds as data: each partnership's dated tiers (small grants left alone, the framework /
quotations threshold) and the Procurement Act 2023's statutory thresholds (shipped as data with their effective
dates, read-only), and the route a value suggests.

Inside: models (the local tiers and the ``Tier`` value) <- statutory (the law's figures) <- rules (the pure
``suggested_route``) <- services <- selectors (``tiers_for``) <- forms <- views/api.
"""
