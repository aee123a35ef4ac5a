"""A small AWS Organization in moto: the management account, member accounts (some in nested OUs), each
member seeded through STS assume-role, and a POA&M whose scope is that organization."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from tests.support.moto import ACCOUNT_ID, REGION, REPO_ROOT, aws_client
from verifier.inputs.poam import migrated_document

ROLE_NAME = "Scanner"
ENTRY = "POAM-003"  # iam_password_policy_reuse_24: one quick check per account


@dataclass(frozen=True)
class MotoOrganization:
    management: str
    members: tuple[str, ...]  # ACTIVE member accounts, in creation order
    nested_ou: str  # an OU under another OU, holding the last member
    top_ou: str

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(sorted((self.management, *self.members)))


def create_organization(endpoint: str, members: int) -> MotoOrganization:
    """The organization with ``members`` member accounts; the last one sits in an OU nested in another."""
    orgs = aws_client(endpoint, "organizations")
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    top = orgs.create_organizational_unit(ParentId=root, Name="cui")["OrganizationalUnit"]["Id"]
    nested = orgs.create_organizational_unit(ParentId=top, Name="enclave")["OrganizationalUnit"]["Id"]
    created = []
    for number in range(members):
        status = orgs.create_account(AccountName=f"member-{number}", Email=f"m{number}@example.invalid")
        created.append(status["CreateAccountStatus"]["AccountId"])
    orgs.move_account(AccountId=created[-1], SourceParentId=root, DestinationParentId=nested)
    if len(created) > 1:
        orgs.move_account(AccountId=created[0], SourceParentId=root, DestinationParentId=top)
    return MotoOrganization(ACCOUNT_ID, tuple(created), nested, top)


def seed_password_policies(endpoint: str, accounts: tuple[str, ...], reuse: int = 24) -> None:
    """A password policy in each account, set through an assumed role as a member's own admin would."""
    for account in accounts:
        _in_account(endpoint, account, "iam").update_account_password_policy(
            MinimumPasswordLength=14, PasswordReusePrevention=reuse
        )


def _in_account(endpoint: str, account: str, service: str) -> Any:
    sts = aws_client(endpoint, "sts")
    role = f"arn:aws:iam::{account}:role/{ROLE_NAME}"
    creds = sts.assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def write_org_poam(path: Path, organization: dict[str, Any], version: int = 1) -> None:
    """The example POA&M with one quick entry, scoped to an organization instead of listed accounts.

    Version 2 is the same document as ``poam migrate`` writes it: the scope becomes a list of provider
    targets, and the organization belongs to its AWS target.
    """
    document = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))
    document["scope"] = {
        "provider": "aws",
        "regions": [REGION],
        "role_name": ROLE_NAME,
        "organization": organization,
    }
    document["entries"] = [e for e in document["entries"] if e["id"] == ENTRY]
    if version == 2:
        document = migrated_document(document)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
