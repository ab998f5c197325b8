"""What a new joint commission replaces and who is affected by the change.

- ``ReplacedContract``: a partner's mapped contract that a commission replaces, with the commissioning-cost saving
  of not letting it again; the commission's page weighs the value replaced against the new contributions.
- ``ProviderNotice`` and ``DecommissioningImpact``: written notice to the provider of a contract being replaced or
  ended (the notice period agreed under the local Compact, ``CompactSettings``), and the impact note.
- ``OptionsAppraisal`` / ``AppraisalOption``: the models considered (in-house delivery included), each with its
  advantages and disadvantages, and the option chosen with the reason.

Sits above ``money`` (reads the contributions) and below ``agreements``.
"""
