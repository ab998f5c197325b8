"""OCDS 1.1 releases: the ``Release`` row, the facts and the pure builder, ``record_release``, and the release and
record packages served at /open-data/ocds/."""
