"""Helpers shared by the test suite and the recorded example (moto server, Prowler runs, seeded accounts)."""
