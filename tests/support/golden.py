"""What golden files hold in place of the running verifier's version, which changes with every commit."""

from __future__ import annotations

# Injected as ``VerifyOptions.tool_version`` wherever a golden file is compared.
GOLDEN_TOOL_VERSION = "0.1.0"
