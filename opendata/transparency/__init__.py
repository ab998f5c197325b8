"""The Local Government Transparency Code 2015 contracts export: every contract and grant over £5,000 that an
organisation takes part in during a quarter, with the Code's fields and, for a joint contract, the organisation's
own share beside the whole contract's value."""
