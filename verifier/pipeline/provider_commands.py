"""``--auth PROVIDER=METHOD[:VALUE]``: which of a provider's authentication methods ``poam scan`` uses.

The methods and the Prowler flags that spell them are the provider table's (``ProviderSpec.command``);
this module only reads the command-line choice against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verifier.errors import UsageError
from verifier.model import ScopeTarget
from verifier.providers import PROVIDERS, provider_spec

AUTH_SEPARATOR = "="
VALUE_SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class AuthChoice:
    """``--auth PROVIDER=METHOD[:VALUE]`` as given on the command line, checked against the table."""

    provider: str
    method: str
    value: str = ""


def target_argv(target: ScopeTarget, auth: AuthChoice | None) -> tuple[str, ...]:
    """Prowler's scope and credential arguments for one non-AWS target, with the chosen (or default) auth."""
    command = provider_spec(target.provider).command
    return command.argv(target, auth.method, auth.value) if auth else command.argv(target)


def parse_auth(texts: Sequence[str]) -> dict[str, AuthChoice]:
    """``("azure=sp-env", "gcp=credentials-file:/k.json")`` → one choice per provider; bad text is a usage error."""
    choices: dict[str, AuthChoice] = {}
    for text in texts:
        choice = _parse_one(text)
        if choice.provider in choices:
            raise UsageError(f"--auth {text!r}: {choice.provider} is given twice")
        choices[choice.provider] = choice
    return choices


_WITH_AUTH = {name: spec.command for name, spec in PROVIDERS.items() if spec.command.auth}


def _parse_one(text: str) -> AuthChoice:
    provider, separator, rest = text.partition(AUTH_SEPARATOR)
    method, _, value = rest.partition(VALUE_SEPARATOR)
    command = _WITH_AUTH.get(provider)
    if not separator or command is None:
        raise UsageError(
            f"--auth {text!r}: expected PROVIDER=METHOD with PROVIDER one of {', '.join(_WITH_AUTH)}"
        )
    spec = command.auth.get(method)
    if spec is None:
        raise UsageError(f"--auth {text!r}: {provider} methods are {', '.join(command.auth)}")
    if bool(spec.value_flag) != bool(value):
        needs = f"needs a value ({method}{VALUE_SEPARATOR}VALUE)" if spec.value_flag else "takes no value"
        raise UsageError(f"--auth {text!r}: {method} {needs}")
    return AuthChoice(provider, method, value)
