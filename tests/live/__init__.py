"""Live tests: real Prowler against a moto server on loopback (``pytest -m live``)."""
