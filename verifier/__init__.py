"""CMMC Level 2 POA&M closure verifier: Prowler findings in, MET / NOT MET / NOT VERIFIED out."""

# The build writes ``_version.py`` from git (hatch-vcs): X.Y.Z at a tag vX.Y.Z, a development version
# such as 0.1.devN+gHASH anywhere else. A source tree the build never ran in (used through PYTHONPATH)
# has none and says "0+unknown": a valid PEP 440 version that no release will ever carry.
try:
    from verifier._version import __version__  # type: ignore[import-not-found,import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - only a tree no build has run in
    __version__ = "0+unknown"

__all__ = ["__version__"]
