"""What differs between the Prowler providers a POA&M can span, as data: one row per provider.

Every layer that must treat providers differently reads this table instead of testing provider names:
how Prowler names a provider's accounts and locations in its output, which of its checks report on a
tenant rather than an account, and how the compliance CSV heads its columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from verifier.errors import InputError
from verifier.model import ScopeTarget


@dataclass(frozen=True, slots=True)
class AuthMethod:
    """Prowler flags for one way of authenticating; ``value_flag`` takes the method's value (a path, an account)."""

    flags: tuple[str, ...]
    value_flag: str = ""


@dataclass(frozen=True, slots=True)
class ProwlerCommand:
    """How ``poam scan`` asks Prowler to scan one scope target of a provider, in Prowler 5.46's own flags
    (``prowler <provider> --help``).

    ``by_role``: the provider's targets are built per account from roles and profiles (AWS, ``scan.py``);
    otherwise one run per target takes ``argv``. ``target_flags`` are the further flags such targets pass.
    """

    accounts_flag: str = ""  # "" when Prowler scans whatever tenant the credentials belong to
    environment_flag: str = ""  # "" when the provider has no sovereign-cloud choice
    default_environment: str = ""
    auth: Mapping[str, AuthMethod] = field(default_factory=dict)
    default_auth: str = ""
    # The flag whose values are the regions scanned (AWS -f; M365's --region names its cloud instead).
    region_flag: str = ""
    target_flags: tuple[str, ...] = ()
    by_role: bool = False

    def argv(self, target: ScopeTarget, method: str | None = None, value: str = "") -> tuple[str, ...]:
        """Scope and credential arguments for one target (after ``prowler <provider>``)."""
        chosen = self.auth[method or self.default_auth]
        args = [*chosen.flags]
        if chosen.value_flag:
            args += [chosen.value_flag, value]
        if self.accounts_flag:
            args += [self.accounts_flag, *target.accounts]
        if self.environment_flag:
            args += [self.environment_flag, target.environment or self.default_environment]
        return tuple(args)

    @property
    def flags(self) -> frozenset[str]:
        """Every flag this command passes for a target: none leaves a resource of the target unreported."""
        named = {self.accounts_flag, self.environment_flag, self.region_flag, *self.target_flags}
        for method in self.auth.values():
            named.update((*method.flags, method.value_flag))
        return frozenset(named - {""})


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """One Prowler provider, as its findings describe it."""

    name: str
    title: str
    # What Prowler reports as cloud.account.uid: an AWS account, an Azure subscription, an M365 tenant
    # domain, a GCP project.
    account_noun: str
    # Which region/location names belong to this provider, exactly as Prowler writes them; an entry's
    # region narrowing applies to the targets whose provider it can name.
    region_pattern: re.Pattern[str]
    # What Prowler writes as this provider's account, exactly (the POA&M schema's pattern for its
    # targets): a finding whose account could never be named in a scope is refused, not left out of it.
    account_pattern: re.Pattern[str]
    # The account's shape, for the message refusing one.
    account_shape: str
    # A finding in this "region" is about the whole account or tenant, not one location: it is in scope
    # whatever locations the target lists (Azure, M365 and GCP write "global").
    global_region: str = ""
    # Services whose checks report the tenant (Azure: Entra ID), not a subscription, as cloud.account.uid.
    tenant_services: tuple[str, ...] = ()
    # The compliance CSV's account and location column headers (Prowler's PROVIDER_HEADER_MAP, upper case).
    compliance_columns: tuple[str, str] = ("ACCOUNTID", "REGION")
    # Services Prowler reaches only through PowerShell modules connected to commercial endpoints (M365:
    # Exchange, Teams, Defender, Purview, m365_powershell.py in 5.46): in these environments (GCC High)
    # their checks may produce no findings at all, and an entry waiting on them must say why.
    commercial_only_services: tuple[str, ...] = ()
    sovereign_environments: tuple[str, ...] = ()
    # Whether accounts live in partitions that credentials and ARNs must match (AWS: aws, aws-us-gov, aws-cn).
    partitioned: bool = False
    # One location under several spellings Prowler writes as the APIs report them (Azure "West Europe" and
    # "westeurope", GCP "US-EAST4" and "us-east4"): a scope naming one spelling must hold the others, or a
    # FAIL under the other spelling would fall out of scope while a PASS stays in.
    region_spellings_fold: bool = False
    # How ``poam scan`` runs Prowler for one of its targets.
    command: ProwlerCommand = field(default_factory=ProwlerCommand)
    # Prowler's NIST SP 800-171 r2 framework file for this provider ("" where Prowler has none): ``mapping
    # sync`` merges it with the CMMC framework, and this provider leads the mapping's lists.
    nist_framework: str = ""

    def region_key(self, region: str) -> str:
        """The one name of ``region`` whatever spelling reported it."""
        return region.replace(" ", "").lower() if self.region_spellings_fold else region

    def is_tenant_check(self, check_id: str) -> bool:
        """Whether the check reports on the tenant (its findings carry the tenant id as the account)."""
        return check_id.split("_", 1)[0] in self.tenant_services

    def commercial_only_environments(self, check_id: str, environments: Sequence[str]) -> tuple[str, ...]:
        """The sovereign ``environments`` where ``check_id`` may have no findings at all (its service is
        reached only through commercial endpoints); empty when nothing is known."""
        if check_id.split("_", 1)[0] not in self.commercial_only_services:
            return ()
        return tuple(sorted({e for e in environments if e in self.sovereign_environments}))

    def names_region(self, region: str) -> bool:
        return bool(region) and (region == self.global_region or bool(self.region_pattern.fullmatch(region)))

    def partition(
        self, regions: Sequence[str], explicit: str | None, where: str, *, lenient: bool = False
    ) -> str:
        """A target's partition ("" for providers without partitions); see ``aws_partition``."""
        return aws_partition(regions, explicit, where, lenient=lenient) if self.partitioned else ""


_AWS_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Azure and Microsoft 365 sign in the same two ways (Azure CLI, service-principal environment); each adds its own.
_MICROSOFT_AUTH = {
    "az-cli": AuthMethod(("--az-cli-auth",)),
    "sp-env": AuthMethod(("--sp-env-auth",)),
}

PROVIDERS: dict[str, ProviderSpec] = {
    "aws": ProviderSpec(
        "aws",
        "AWS",
        "account",
        _AWS_REGION,
        re.compile(r"[0-9]{12}"),
        "12 digits (an AWS account id)",
        partitioned=True,
        command=ProwlerCommand(region_flag="-f", target_flags=("-p", "-R"), by_role=True),
        nist_framework="nist_800_171_revision_2_aws",
    ),
    "azure": ProviderSpec(
        "azure",
        "Azure",
        "subscription",
        # Location names ("usgovvirginia"), or the display names some resource APIs report instead and
        # Prowler writes as they come (App Service: "West Europe", "USGov Virginia"): words, single spaces.
        re.compile(r"[a-z0-9]+|[A-Z][A-Za-z0-9]*( [A-Z0-9][A-Za-z0-9]*)+"),
        # A subscription id, or for Entra checks the tenant id: both lower-case GUIDs.
        _GUID,
        "a lower-case GUID (an Azure subscription id, or the tenant id for Entra checks)",
        global_region="global",
        tenant_services=("entra",),
        compliance_columns=("SUBSCRIPTIONID", "LOCATION"),
        region_spellings_fold=True,
        command=ProwlerCommand(
            accounts_flag="--subscription-ids",
            environment_flag="--azure-region",
            default_environment="AzureCloud",
            auth={**_MICROSOFT_AUTH, "managed-identity": AuthMethod(("--managed-identity-auth",))},
            default_auth="az-cli",
        ),
    ),
    "m365": ProviderSpec(
        "m365",
        "Microsoft 365",
        "tenant",
        re.compile(r"global"),
        # The tenant's default domain (contoso.onmicrosoft.com) or a custom one, as Graph lists it.
        re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+"),
        "a lower-case domain name (the Microsoft 365 tenant domain)",
        global_region="global",
        compliance_columns=("TENANTID", "LOCATION"),
        commercial_only_services=("exchange", "teams", "defender", "purview"),
        sovereign_environments=("M365USGovernment",),
        command=ProwlerCommand(
            environment_flag="--region",
            default_environment="M365Global",
            auth={
                **_MICROSOFT_AUTH,
                "certificate": AuthMethod(("--certificate-auth",), value_flag="--certificate-path"),
            },
            default_auth="az-cli",
        ),
    ),
    "gcp": ProviderSpec(
        "gcp",
        "GCP",
        "project",
        # As the APIs report them: compute regions "us-east4", bucket locations "US-EAST4" and "US";
        # each API writes one case, never a mix.
        re.compile(r"[a-z]+(-[a-z]+)*[0-9]*|[A-Z]+(-[A-Z]+)*[0-9]*"),
        re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]"),
        "a GCP project id (6 to 30 lower-case letters, digits and hyphens)",
        global_region="global",
        compliance_columns=("PROJECTID", "LOCATION"),
        region_spellings_fold=True,
        command=ProwlerCommand(
            accounts_flag="--project-ids",
            auth={
                "adc": AuthMethod(()),
                "credentials-file": AuthMethod((), value_flag="--credentials-file"),
                "impersonate": AuthMethod((), value_flag="--impersonate-service-account"),
            },
            default_auth="adc",
        ),
    ),
}
# Azure and M365 default to the Azure CLI's login: in GitHub Actions that is what azure/login leaves after
# an OIDC federated sign-in, so no client secret is ever stored. GCP defaults to Application Default
# Credentials (no flag), which google-github-actions/auth sets up the same way.


def nist_framework_provider() -> ProviderSpec:
    """The provider Prowler's NIST SP 800-171 framework covers (it leads the mapping's lists)."""
    return next(spec for spec in PROVIDERS.values() if spec.nist_framework)


def provider_spec(name: str) -> ProviderSpec:
    """The row for ``name``; a provider outside the table is an input error, never a silent default."""
    spec = PROVIDERS.get(name)
    if spec is None:
        raise InputError(f"unknown provider {name!r} (known: {', '.join(PROVIDERS)})")
    return spec


# Prowler outputs that are findings, but not of a cloud a POA&M scope names: where they are read instead.
_ELSEWHERE = {"iac": " (`prowler iac` output is read by `poam iac`, not as cloud findings)"}


@lru_cache(maxsize=4096)
def identity_fault(provider: str, account: str, region: str) -> int | None:
    """Which of a finding's (provider, account, region) Prowler could not have written: its index, or None.

    Compared exactly, never trimmed or case-folded: ``"US-EAST-1"`` or ``"123456789012 "`` would match no
    scope target and silently take a FAIL out of scope. Cached, since a scan repeats a handful of these
    triples over a million findings.
    """
    spec = PROVIDERS.get(provider)
    if spec is None:
        return 0
    if not spec.account_pattern.fullmatch(account):
        return 1
    if not spec.names_region(region):
        return 2
    return None


def identity_expectation(provider: str, fault: int) -> str:
    """What the field ``identity_fault`` named should have held, for the message refusing it."""
    if fault == 0:
        return f"one of {', '.join(PROVIDERS)}, in lower case{_ELSEWHERE.get(provider, '')}"
    spec = PROVIDERS[provider]
    if fault == 1:
        return spec.account_shape
    return f"one of {spec.title}'s region names, exactly as Prowler writes them"


# AWS partitions by region prefix (Prowler takes the partition from the caller's or role's ARN).
_PARTITION_PREFIXES = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"))
AWS_PARTITION = "aws"


def region_partition(region: str) -> str:
    """The AWS partition a region belongs to: ``us-gov-west-1`` → ``aws-us-gov``."""
    return next((p for prefix, p in _PARTITION_PREFIXES if region.startswith(prefix)), AWS_PARTITION)


def aws_partition(regions: Sequence[str], explicit: str | None, where: str, *, lenient: bool = False) -> str:
    """The partition of an AWS scope target: the explicit one, else the one its regions imply.

    Regions from two partitions in one target, or regions outside an explicit partition, are refused:
    one role and one set of credentials can never reach both, so half the scope would go unscanned.
    ``lenient`` (version 1 files, which loaded before partitions existed) leaves a mixed target's
    partition unknown ("") instead; nothing is then ever built from it (``poam scan`` refuses a role_name).
    """
    implied = sorted({region_partition(r) for r in regions})
    if len(implied) > 1 and lenient and explicit is None:
        return ""
    if len(implied) > 1:
        raise InputError(
            f"{where}: regions from different AWS partitions ({', '.join(implied)}) in one scope target; "
            "give each partition its own target"
        )
    if explicit is not None and implied and implied[0] != explicit:
        raise InputError(
            f"{where}: partition {explicit!r} but region(s) {', '.join(regions)} belong to {implied[0]!r}"
        )
    return explicit or (implied[0] if implied else AWS_PARTITION)
