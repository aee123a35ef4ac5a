"""CMMC Level 2 POA&M closure verifier: Prowler findings in, MET / NOT MET / NOT VERIFIED out."""

__version__ = "0.1.0"
