"""An AWS Organization's member accounts, listed at scan time with the management or delegated-admin credentials.

``organizations:ListAccounts`` for the whole organization, or ``ListAccountsForParent`` under each
given OU and, recursively, every OU beneath it (``ListOrganizationalUnitsForParent``). Only ACTIVE
accounts are kept: a suspended or closing account cannot be scanned and is not part of the system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from verifier.errors import EnvError
from verifier.inputs.findings.manifest import OrganizationListing
from verifier.model import Organization

if TYPE_CHECKING:
    from mypy_boto3_organizations import OrganizationsClient

_ACTIVE = "ACTIVE"


def list_organization(
    organization: Organization, clock: Callable[[], datetime], client: OrganizationsClient | None = None
) -> OrganizationListing:
    """The ACTIVE member accounts (minus exclusions) and a sentence saying how they were listed."""
    orgs = client or _client()
    try:
        org_id = orgs.describe_organization()["Organization"].get("Id", "?")
        if organization.ou_ids:
            accounts = [a for ou in organization.ou_ids for a in _accounts_under(orgs, ou)]
            how = f"ListAccountsForParent recursively under {', '.join(organization.ou_ids)}"
        else:
            accounts = list(_pages(orgs, "list_accounts", "Accounts"))
            how = "ListAccounts"
    except (BotoCoreError, ClientError) as exc:
        raise EnvError(f"cannot list the AWS Organization's accounts: {_reason(exc)}") from exc
    excluded = set(organization.exclude_accounts)
    active = sorted({a["Id"] for a in accounts if _active(a)} - excluded)
    method = f"organizations:{how} in {org_id}, ACTIVE accounts only"
    if excluded:
        method += f", excluding {', '.join(sorted(excluded))}"
    return OrganizationListing(
        accounts=tuple(active),
        method=method,
        listed_at=clock(),
        ou_ids=organization.ou_ids,
        exclude_accounts=organization.exclude_accounts,
    )


def _active(account: Any) -> bool:
    # Newer API responses carry State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED ...) beside Status.
    return account.get("State", account.get("Status")) == _ACTIVE and "Id" in account


def _accounts_under(orgs: OrganizationsClient, parent: str) -> Iterator[Any]:
    pending, seen = [parent], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        yield from _pages(orgs, "list_accounts_for_parent", "Accounts", ParentId=current)
        pending += [
            ou["Id"]
            for ou in _pages(
                orgs, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=current
            )
        ]


def _pages(orgs: OrganizationsClient, operation: str, key: str, **arguments: str) -> Iterator[Any]:
    paginator = orgs.get_paginator(operation)  # type: ignore[call-overload]
    for page in paginator.paginate(**arguments):
        yield from page.get(key, [])


def _reason(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', '')} {error.get('Message', '')}".strip() or str(exc)
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials found"
    return str(exc)


def _client() -> OrganizationsClient:
    import boto3  # deferred: boto3 is slow to import and only organization scopes need it

    try:
        return boto3.session.Session().client("organizations")
    except BotoCoreError as exc:
        raise EnvError(f"cannot set up the Organizations client: {exc}") from exc
