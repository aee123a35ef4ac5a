"""How ``poam scan`` asks Prowler to scan a non-AWS scope target, as data: one row per provider.

Each row names Prowler 5.46's own flags (``prowler <provider> --help``): which flag takes the target's
accounts, which its environment (sovereign cloud), and how each authentication choice is spelled. AWS
keeps its richer targeting (roles, profiles, partitions) in ``scan.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from verifier.errors import UsageError
from verifier.model import ScopeTarget

AUTH_SEPARATOR = "="
VALUE_SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class AuthMethod:
    """Prowler flags for one way of authenticating; ``value_flag`` takes the method's value (a path, an account)."""

    flags: tuple[str, ...]
    value_flag: str = ""


@dataclass(frozen=True, slots=True)
class ProviderCommand:
    """One provider's Prowler command-line vocabulary."""

    provider: str
    accounts_flag: str  # "" when Prowler scans whatever tenant the credentials belong to
    environment_flag: str  # "" when the provider has no sovereign-cloud choice
    default_environment: str
    auth: Mapping[str, AuthMethod]
    default_auth: str

    def argv(self, target: ScopeTarget, auth: AuthChoice | None) -> tuple[str, ...]:
        """Scope and credential arguments for one target (after ``prowler <provider>``)."""
        choice = auth or AuthChoice(self.provider, self.default_auth)
        method = self.auth[choice.method]
        args = [*method.flags]
        if method.value_flag:
            args += [method.value_flag, choice.value]
        if self.accounts_flag:
            args += [self.accounts_flag, *target.accounts]
        if self.environment_flag:
            args += [self.environment_flag, target.environment or self.default_environment]
        return tuple(args)


# Azure and M365 default to the Azure CLI's login: in GitHub Actions that is what azure/login leaves after
# an OIDC federated sign-in, so no client secret is ever stored. GCP defaults to Application Default
# Credentials (no flag), which google-github-actions/auth sets up the same way.
COMMANDS: dict[str, ProviderCommand] = {
    "azure": ProviderCommand(
        "azure",
        accounts_flag="--subscription-ids",
        environment_flag="--azure-region",
        default_environment="AzureCloud",
        auth={
            "az-cli": AuthMethod(("--az-cli-auth",)),
            "sp-env": AuthMethod(("--sp-env-auth",)),
            "managed-identity": AuthMethod(("--managed-identity-auth",)),
        },
        default_auth="az-cli",
    ),
    "m365": ProviderCommand(
        "m365",
        accounts_flag="",
        environment_flag="--region",
        default_environment="M365Global",
        auth={
            "az-cli": AuthMethod(("--az-cli-auth",)),
            "sp-env": AuthMethod(("--sp-env-auth",)),
            "certificate": AuthMethod(("--certificate-auth",), value_flag="--certificate-path"),
        },
        default_auth="az-cli",
    ),
    "gcp": ProviderCommand(
        "gcp",
        accounts_flag="--project-ids",
        environment_flag="",
        default_environment="",
        auth={
            "adc": AuthMethod(()),
            "credentials-file": AuthMethod((), value_flag="--credentials-file"),
            "impersonate": AuthMethod((), value_flag="--impersonate-service-account"),
        },
        default_auth="adc",
    ),
}


@dataclass(frozen=True, slots=True)
class AuthChoice:
    """``--auth PROVIDER=METHOD[:VALUE]`` as given on the command line, checked against the table."""

    provider: str
    method: str
    value: str = ""


def parse_auth(texts: Sequence[str]) -> dict[str, AuthChoice]:
    """``("azure=sp-env", "gcp=credentials-file:/k.json")`` → one choice per provider; bad text is a usage error."""
    choices: dict[str, AuthChoice] = {}
    for text in texts:
        choice = _parse_one(text)
        if choice.provider in choices:
            raise UsageError(f"--auth {text!r}: {choice.provider} is given twice")
        choices[choice.provider] = choice
    return choices


def _parse_one(text: str) -> AuthChoice:
    provider, separator, rest = text.partition(AUTH_SEPARATOR)
    method, _, value = rest.partition(VALUE_SEPARATOR)
    command = COMMANDS.get(provider)
    if not separator or command is None:
        raise UsageError(
            f"--auth {text!r}: expected PROVIDER=METHOD with PROVIDER one of {', '.join(COMMANDS)}"
        )
    spec = command.auth.get(method)
    if spec is None:
        raise UsageError(f"--auth {text!r}: {provider} methods are {', '.join(command.auth)}")
    if bool(spec.value_flag) != bool(value):
        needs = f"needs a value ({method}{VALUE_SEPARATOR}VALUE)" if spec.value_flag else "takes no value"
        raise UsageError(f"--auth {text!r}: {method} {needs}")
    return AuthChoice(provider, method, value)
