"""Record genuine Prowler output for Azure (Government), Microsoft 365 (GCC High) and GCP, offline.

Run from the repository root with Prowler's own interpreter (``make prowler`` installs it)::

    .venv-prowler/bin/python examples/record_providers.py [--out DIR]

There is no local emulator for the Azure, Microsoft Graph or Google Cloud APIs, so this script does what
Prowler's own unit tests do: it runs Prowler 5.46.0's real checks (their ``execute()`` code and their own
``*.metadata.json``) against stand-in *service clients* that hold Prowler's own service models (storage
accounts, Entra users, buckets, ...), with a stand-in *provider* that carries Prowler's real identity and
region objects (``AzureIdentityInfo`` + ``AzureRegionConfig``, ``M365IdentityInfo`` + ``M365RegionConfig``,
``GCPIdentityInfo`` + ``GCPProject``) and Prowler's real mutelist. Everything from there on is Prowler's own
CLI path: ``prowler.lib.check.check.execute`` (runs the check, applies the mutelist),
``Finding.generate_output``, the ``CSV`` and ``OCSF`` writers, and the universal compliance writer for
``cmmc_2.0`` (the files ``--compliance cmmc_2.0`` writes). No network is used.

Output is deterministic: the scan time is fixed (``SCAN_TIME``, UTC) and the random bits of the OCSF
``unmapped.scan_id`` (a UUIDv7) come from a seeded generator. The scenario -- a mixed CUI enclave -- is
described in ``tests/fixtures/prowler/providers/README.md``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import os
import random
import shutil
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "prowler" / "providers"
# Prowler stamps findings with the local wall clock (naive); pinning TZ keeps OCSF `time` the same anywhere.
SCAN_TIME = datetime(2026, 11, 30, 14, 0, 0)
SCAN_ID_SEED = 20261130
FRAMEWORK = "cmmc_2.0"

# The mixed enclave: one Entra tenant in Azure Government / GCC High, two subscriptions, one GCP project.
TENANT_ID = "4f2a7c1e-9b3d-4e8a-a1c6-0d5e7f9b2c48"
TENANT_DOMAIN = "contoso.onmicrosoft.us"
SCANNER_APP_ID = "7d1e5b0a-3c4f-4a6e-9f21-8b0c2d4e6a13"
SUB_PROD = "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b"
SUB_DEV = "2b9e4d1c-7a3f-4c85-b6d0-9e8f7a6b5c4d"
SUBSCRIPTIONS = {SUB_PROD: "cui-prod", SUB_DEV: "cui-dev"}
GCP_PROJECT = "cui-enclave-prod"
GCP_PROJECT_NUMBER = 482913756120
GCP_SCANNER = f"prowler-scan@{GCP_PROJECT}.iam.gserviceaccount.com"


@dataclass(frozen=True)
class Scenario:
    """One provider's recording: which checks run, against which stand-in clients, as which identity."""

    provider: str
    output_filename: str
    checks: tuple[str, ...]
    build: Callable[[], tuple[Any, dict[str, Any]]] = field(repr=False)


def _client(**attributes: Any) -> types.SimpleNamespace:
    # Stand-in for a Prowler service client: only the attributes the checks read, holding Prowler's own models.
    return types.SimpleNamespace(audit_config={}, fixer_config={}, **attributes)


def _azure() -> tuple[Any, dict[str, Any]]:
    from prowler.providers.azure.lib.mutelist.mutelist import AzureMutelist
    from prowler.providers.azure.lib.regions.regions import get_regions_config
    from prowler.providers.azure.models import AzureIdentityInfo, AzureRegionConfig
    from prowler.providers.azure.services.entra.entra_service import DirectoryRole, User
    from prowler.providers.azure.services.storage.storage_service import Account, NetworkRuleSet

    region = "AzureUSGovernment"
    provider = types.SimpleNamespace(
        type="azure",
        identity=AzureIdentityInfo(
            identity_id=SCANNER_APP_ID,
            identity_type="Service Principal",
            tenant_ids=[TENANT_ID],
            tenant_domain=TENANT_DOMAIN,
            subscriptions=SUBSCRIPTIONS,
            locations={SUB_PROD: ["usgovvirginia", "usgovtexas"], SUB_DEV: ["usgovarizona", "usgovvirginia"]},
        ),
        region_config=AzureRegionConfig(name=region, **get_regions_config(region)),
        mutelist=AzureMutelist(mutelist_path=str(FIXTURES / "azure" / "mutelist.yaml")),
        audit_config={},
    )

    def account(subscription: str, name: str, location: str, *, public_blobs: bool) -> Account:
        return Account(
            id=f"/subscriptions/{subscription}/resourceGroups/rg-cui/providers/Microsoft.Storage/storageAccounts/{name}",
            name=name,
            location=location,
            resouce_group_name="rg-cui",
            enable_https_traffic_only=True,
            allow_blob_public_access=public_blobs,
            public_network_access="Disabled",
            network_rule_set=NetworkRuleSet(bypass="AzureServices", default_action="Deny"),
            encryption_type="Microsoft.Storage",
            minimum_tls_version="TLS1_2",
            private_endpoint_connections=[],
        )

    storage = _client(
        subscriptions=SUBSCRIPTIONS,
        storage_accounts={
            SUB_PROD: [account(SUB_PROD, "cuiprodrecords", "usgovvirginia", public_blobs=False)],
            SUB_DEV: [
                account(SUB_DEV, "cuidevscratch", "usgovarizona", public_blobs=True),
                account(SUB_DEV, "cuilegacyexport", "usgovvirginia", public_blobs=True),
            ],
        },
    )
    admin = User(id="1b6f0c2e-8a4d-4b7e-9c3f-5d2a1e0b9f84", name="Ada Admin", is_mfa_capable=True)
    breakglass = User(id="6e9d2a4f-1c7b-4e3a-8d5f-0a2b4c6e8f17", name="Break Glass", is_mfa_capable=False)
    analyst = User(id="3c8a5f1d-2e9b-4a7c-b6d4-7f0e1a3c5b29", name="Ana Analyst", is_mfa_capable=True)
    entra = _client(
        tenant_ids=[TENANT_ID],
        tenant_domain=TENANT_DOMAIN,
        users={
            TENANT_DOMAIN: {
                f"ada@{TENANT_DOMAIN}": admin,
                f"breakglass@{TENANT_DOMAIN}": breakglass,
                f"ana@{TENANT_DOMAIN}": analyst,
            }
        },
        directory_roles={
            TENANT_DOMAIN: {
                "Global Administrator": DirectoryRole(
                    id="62e90394-69f5-4237-9190-012177145e10", members=[admin, breakglass]
                )
            }
        },
        users_retrieval_errors={},
        # GCC High tenants without Entra ID P1/P2 reporting licences: Graph refuses sign-in activity.
        sign_in_activity_errors={TENANT_DOMAIN: "Authentication_RequestFromNonPremiumTenantOrB2CTenant"},
    )
    return provider, {
        "prowler.providers.azure.services.storage.storage_client": ("storage_client", storage),
        "prowler.providers.azure.services.entra.entra_client": ("entra_client", entra),
    }


def _m365() -> tuple[Any, dict[str, Any]]:
    from prowler.providers.m365.lib.mutelist.mutelist import M365Mutelist
    from prowler.providers.m365.lib.regions.regions import get_regions_config
    from prowler.providers.m365.models import M365IdentityInfo, M365RegionConfig
    from prowler.providers.m365.services.admincenter.admincenter_service import Group
    from prowler.providers.m365.services.entra.entra_service import (
        AdminRoles,
        ApplicationsConditions,
        AuthorizationPolicy,
        ConditionalAccessGrantControl,
        ConditionalAccessPolicy,
        ConditionalAccessPolicyState,
        Conditions,
        DefaultUserRolePermissions,
        GrantControlOperator,
        GrantControls,
        PersistentBrowser,
        SessionControls,
        SignInFrequency,
        SignInFrequencyInterval,
        UsersConditions,
    )

    region = "M365USGovernment"
    provider = types.SimpleNamespace(
        type="m365",
        identity=M365IdentityInfo(
            identity_id=SCANNER_APP_ID,
            identity_type="Service Principal",
            tenant_id=TENANT_ID,
            tenant_domain=TENANT_DOMAIN,
            tenant_domains=[TENANT_DOMAIN, "contoso.us"],
            location="US",
        ),
        region_config=M365RegionConfig(name=region, **get_regions_config(region)),
        mutelist=M365Mutelist(mutelist_path=str(FIXTURES / "m365" / "mutelist.yaml")),
        audit_config={},
    )
    groups = {
        "0a4e2c6b-1d3f-4b5a-9e7c-8f6d4b2a0c13": ("CUI Program", "Private"),
        "5b7d9f1e-3a2c-4e6b-8d0f-2c4e6a8b0d25": ("All Company", "Public"),
        "9c1e3a5f-7b2d-4f8e-a0c6-4e2a6c8e0b37": ("Legacy Projects", "Public"),
    }
    admincenter = _client(
        groups={
            gid: Group(id=gid, name=name, visibility=visibility, group_types=["Unified"])
            for gid, (name, visibility) in groups.items()
        }
    )
    custom_strength = ConditionalAccessPolicy(
        id="d2f4a6c8-0e1b-4d3f-9a5c-7e9b1d3f5a71",
        display_name="Admins: GCC High authentication strength",
        conditions=Conditions(
            application_conditions=ApplicationsConditions(
                included_applications=["All"], excluded_applications=[], included_user_actions=[]
            ),
            user_conditions=UsersConditions(
                included_groups=[],
                excluded_groups=[],
                included_users=[],
                excluded_users=[],
                included_roles=[role.value for role in AdminRoles],
                excluded_roles=[],
            ),
            client_app_types=None,
        ),
        session_controls=SessionControls(
            persistent_browser=PersistentBrowser(is_enabled=False, mode="always"),
            sign_in_frequency=SignInFrequency(
                is_enabled=False, frequency=None, type=None, interval=SignInFrequencyInterval.EVERY_TIME
            ),
        ),
        grant_controls=GrantControls(
            built_in_controls=[ConditionalAccessGrantControl.MFA],
            operator=GrantControlOperator.AND,
            authentication_strength="CUI smart card (PIV/CAC)",
        ),
        state=ConditionalAccessPolicyState.ENABLED,
    )
    entra = _client(
        tenant_domain=TENANT_DOMAIN,
        authorization_policy=AuthorizationPolicy(
            id="authorizationPolicy",
            name="Authorization Policy",
            description="Used to manage authorization related settings across the company.",
            default_user_role_permissions=DefaultUserRolePermissions(
                allowed_to_create_apps=False,
                allowed_to_create_security_groups=False,
                allowed_to_create_tenants=False,
                allowed_to_read_bitlocker_keys_for_owned_device=True,
                allowed_to_read_other_users=True,
                odata_type=None,
            ),
            guest_invite_settings="adminsAndGuestInviters",
            guest_user_role_id=None,
        ),
        conditional_access_policies={custom_strength.id: custom_strength},
    )
    return provider, {
        "prowler.providers.m365.services.admincenter.admincenter_client": ("admincenter_client", admincenter),
        "prowler.providers.m365.services.entra.entra_client": ("entra_client", entra),
    }


def _gcp() -> tuple[Any, dict[str, Any]]:
    from prowler.providers.gcp.lib.mutelist.mutelist import GCPMutelist
    from prowler.providers.gcp.models import GCPIdentityInfo, GCPOrganization, GCPProject
    from prowler.providers.gcp.services.cloudstorage.cloudstorage_service import Bucket
    from prowler.providers.gcp.services.compute.compute_service import Project

    project = GCPProject(
        number=GCP_PROJECT_NUMBER,
        id=GCP_PROJECT,
        name="CUI Enclave (prod)",
        organization=GCPOrganization(id="615243987012", name="organizations/615243987012"),
        labels={"data-class": "cui"},
        lifecycle_state="ACTIVE",
    )
    projects = {GCP_PROJECT: project}
    provider = types.SimpleNamespace(
        type="gcp",
        identity=GCPIdentityInfo(profile=GCP_SCANNER),
        projects=projects,
        mutelist=GCPMutelist(mutelist_path=str(FIXTURES / "gcp" / "mutelist.yaml")),
        audit_config={},
    )

    def bucket(name: str, region: str, *, public: bool) -> Bucket:
        return Bucket(
            name=name,
            id=name,
            region=region,
            uniform_bucket_level_access=True,
            public=public,
            project_id=GCP_PROJECT,
        )

    cloudstorage = _client(
        project_ids=[GCP_PROJECT],
        projects=projects,
        region="global",
        buckets=[
            bucket("cui-enclave-records", "US-EAST4", public=False),
            bucket("cui-enclave-public-site", "US", public=True),
            bucket("cui-enclave-legacy-exports", "US-EAST4", public=True),
        ],
    )
    compute = _client(
        project_ids=[GCP_PROJECT],
        projects=projects,
        region="global",
        compute_projects=[Project(id=GCP_PROJECT, enable_oslogin=True)],
    )
    accessapproval = _client(
        project_ids=[GCP_PROJECT],
        projects=projects,
        region="global",
        settings={},
        # A 403 on the settings read: Prowler cannot tell whether Access Approval is on.
        settings_lookup_failed={GCP_PROJECT},
        api_disabled_project_ids=set(),
        api_state_unknown_project_ids=set(),
    )
    return provider, {
        "prowler.providers.gcp.services.cloudstorage.cloudstorage_client": (
            "cloudstorage_client",
            cloudstorage,
        ),
        "prowler.providers.gcp.services.compute.compute_client": ("compute_client", compute),
        "prowler.providers.gcp.services.iam.accessapproval_client": ("accessapproval_client", accessapproval),
    }


SCENARIOS = (
    Scenario(
        provider="azure",
        output_filename=f"prowler-output-{TENANT_DOMAIN}-{SCAN_TIME:%Y%m%d%H%M%S}",
        checks=(
            "storage_blob_public_access_level_is_disabled",
            "entra_privileged_user_has_mfa",
            "entra_user_with_recent_sign_in",
        ),
        build=_azure,
    ),
    Scenario(
        provider="m365",
        output_filename=f"prowler-output-{TENANT_DOMAIN}-{SCAN_TIME:%Y%m%d%H%M%S}",
        checks=(
            "admincenter_groups_not_public_visibility",
            "entra_policy_ensure_default_user_cannot_create_tenants",
            "entra_admin_users_phishing_resistant_mfa_enabled",
        ),
        build=_m365,
    ),
    Scenario(
        provider="gcp",
        output_filename=f"prowler-output-{GCP_SCANNER}-{SCAN_TIME:%Y%m%d%H%M%S}",
        checks=(
            "cloudstorage_bucket_public_access",
            "compute_project_os_login_enabled",
            "iam_account_access_approval_enabled",
        ),
        build=_gcp,
    ),
)


def _install_clients(clients: dict[str, tuple[str, Any]]) -> None:
    """Make ``from <module> import <name>`` in the checks resolve to the stand-in clients.

    Importing Prowler's real client modules would build the service, which calls the cloud API at once.
    """
    for module_name, (attribute, client) in clients.items():
        module = types.ModuleType(module_name)
        setattr(module, attribute, client)
        sys.modules[module_name] = module


def _check_class(provider: str, check_id: str) -> type:
    from prowler.lib.check.models import CheckMetadata

    service = CheckMetadata.get_bulk(provider)[check_id].ServiceName
    module = importlib.import_module(f"prowler.providers.{provider}.services.{service}.{check_id}.{check_id}")
    check_class: type = getattr(module, check_id)
    return check_class


def _output_options(scenario: Scenario, provider: Any, out_dir: Path) -> Any:
    """Prowler's own per-provider output options, with the checks' metadata completed by the frameworks."""
    from prowler.lib.check.compliance import update_checks_metadata_with_compliance
    from prowler.lib.check.compliance_models import Compliance
    from prowler.lib.check.models import CheckMetadata
    from prowler.providers.azure.models import AzureOutputOptions
    from prowler.providers.gcp.models import GCPOutputOptions
    from prowler.providers.m365.models import M365OutputOptions

    options_class = {"azure": AzureOutputOptions, "m365": M365OutputOptions, "gcp": GCPOutputOptions}
    metadata = update_checks_metadata_with_compliance(
        Compliance.get_bulk(scenario.provider), CheckMetadata.get_bulk(scenario.provider)
    )
    arguments = argparse.Namespace(
        output_formats=["csv", "json-ocsf", FRAMEWORK],
        output_directory=str(out_dir),
        output_filename=scenario.output_filename,
        unix_timestamp=False,
        status=None,
        verbose=False,
        only_logs=True,
        shodan=None,
        fixer=False,
    )
    return options_class[scenario.provider](arguments, metadata, provider.identity)


def record(scenario: Scenario, out_dir: Path) -> list[Any]:
    """Run the scenario's checks and write Prowler's CSV, OCSF and cmmc_2.0 compliance files into ``out_dir``."""
    from prowler.lib.check.check import execute
    from prowler.lib.check.compliance_models import load_compliance_framework_universal
    from prowler.lib.outputs.compliance.compliance import process_universal_compliance_frameworks
    from prowler.lib.outputs.csv.csv import CSV
    from prowler.lib.outputs.finding import Finding
    from prowler.lib.outputs.ocsf.ocsf import OCSF

    provider, clients = scenario.build()
    _install_clients(clients)
    options = _output_options(scenario, provider, out_dir)
    reports = [
        report
        for check_id in scenario.checks
        for report in execute(_check_class(scenario.provider, check_id)(), provider, None, options)
    ]
    findings = [Finding.generate_output(provider, report, options) for report in reports]
    base = out_dir / scenario.output_filename
    CSV(findings=findings, file_path=f"{base}.csv").batch_write_data_to_file()
    random.seed(SCAN_ID_SEED)
    OCSF(findings=findings, file_path=f"{base}.ocsf.json").batch_write_data_to_file()
    process_universal_compliance_frameworks(
        input_compliance_frameworks={FRAMEWORK},
        # What get_bulk_compliance_frameworks_universal loads for this name, without parsing every framework.
        universal_frameworks={
            FRAMEWORK: load_compliance_framework_universal(str(_compliance_dir() / f"{FRAMEWORK}.json"))
        },
        finding_outputs=findings,
        output_directory=str(out_dir),
        output_filename=scenario.output_filename,
        provider=scenario.provider,
        generated_outputs={"regular": [], "compliance": []},
    )
    _gzip(out_dir / "compliance" / f"{scenario.output_filename}_{FRAMEWORK}.ocsf.json")
    return findings


def _gzip(path: Path) -> None:
    """Compress the compliance OCSF (not findings input, a quarter of a megabyte) reproducibly: no name, no mtime."""
    with (
        path.open("rb") as source,
        Path(f"{path}.gz").open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as target,
    ):
        shutil.copyfileobj(source, target)
    path.unlink()


def _compliance_dir() -> Path:
    import prowler

    return Path(prowler.__file__).parent / "compliance"


def _pin_clock() -> None:
    from prowler.config.config import set_output_timestamp

    os.environ["TZ"] = "UTC"
    time.tzset()
    set_output_timestamp(SCAN_TIME)


def _replace(recorded: Path, target: Path, keep: Iterable[str]) -> None:
    """Swap the recorded files into ``target``, keeping hand-kept inputs (mutelist) in place."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.iterdir():
        if old.name not in keep:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for new in recorded.iterdir():
        shutil.move(str(new), target / new.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=FIXTURES, help="directory holding <provider>/ (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    _pin_clock()
    for scenario in SCENARIOS:
        with tempfile.TemporaryDirectory() as scratch:
            findings = record(scenario, Path(scratch))
            _replace(Path(scratch), args.out / scenario.provider, keep=("mutelist.yaml",))
        summary = ", ".join(
            f"{f.metadata.CheckID}={f.status.value}{'(muted)' if f.muted else ''}" for f in findings
        )
        print(f"{scenario.provider}: {len(findings)} findings: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
