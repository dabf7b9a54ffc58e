"""AWS partitions (SPEC §3): the commercial one, GovCloud (US), China, and the rest.

The partition comes from the caller's ARN (``arn:<partition>:...``); regions and their
partitions come from botocore's own endpoint data, never from a list kept here. What botocore
does not know is the handful of facts below, per partition: the region where root sign-in and
global-service events are delivered, the console's host, and whether the root user can sign
in to the console at all (a GovCloud root user cannot).

Pure functions and immutable values; safe from any thread.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

COMMERCIAL_CONSOLE = "console.aws.amazon.com"
COMMERCIAL_SIGN_IN_REGION = "us-east-1"


@dataclass(frozen=True)
class Partition:
    name: str
    # Where root console sign-ins and global-service (IAM, STS…) API events are delivered;
    # None for a partition Rootwarden knows nothing about.
    sign_in_region: str | None
    console_host: str | None
    root_console: bool

    @property
    def known(self) -> bool:
        return self.sign_in_region is not None

    def root_arn(self, account_id: str) -> str:
        return f"arn:{self.name}:iam::{account_id}:root"

    def arn(self, service: str, region: str, account_id: str, resource: str) -> str:
        return f"arn:{self.name}:{service}:{region}:{account_id}:{resource}"

    def console_url(self, url: str) -> str:
        """A commercial-console link rewritten for this partition (its host and sign-in region)."""
        if not self.console_host or self.name == "aws" or COMMERCIAL_CONSOLE not in url:
            return url
        url = url.replace(COMMERCIAL_CONSOLE, self.console_host)
        return url.replace(COMMERCIAL_SIGN_IN_REGION, self.sign_in_region or COMMERCIAL_SIGN_IN_REGION)

    def regions(self) -> list[str]:
        """Every region of the partition, from botocore's endpoint data."""
        return _regions(self.name)


_FACTS = {
    "aws": Partition("aws", "us-east-1", COMMERCIAL_CONSOLE, True),
    "aws-us-gov": Partition("aws-us-gov", "us-gov-west-1", "console.amazonaws-us-gov.com", False),
    "aws-cn": Partition("aws-cn", "cn-north-1", "console.amazonaws.cn", True),
}

_ARN = re.compile(r"^arn:([a-z0-9-]+):")


def by_name(name: str) -> Partition:
    """The partition called ``name``; one Rootwarden has no facts for is ``known == False``."""
    return _FACTS.get(name) or Partition(name, None, None, False)


def known_partitions() -> tuple[Partition, ...]:
    """The partitions Rootwarden has facts for."""
    return tuple(_FACTS.values())


def from_arn(arn: str) -> Partition:
    """The partition an ARN names (``arn:aws-us-gov:iam::…`` → GovCloud)."""
    match = _ARN.match(arn or "")
    if not match:
        raise ValueError(f"not an ARN: {arn[:80]!r}")
    return by_name(match.group(1))


def is_root_arn(arn: str, account_id: str) -> bool:
    """Whether ``arn`` is exactly the root user of ``account_id``, in whatever partition."""
    try:
        return arn == from_arn(arn).root_arn(account_id)
    except ValueError:
        return False


def every_region() -> set[str]:
    """Every region of every partition botocore knows (its endpoint data, no session)."""
    return {region for name in _partition_names() for region in _regions(name)}


def for_region(region: str) -> Partition | None:
    """The partition a region belongs to, or None when botocore does not know the region."""
    for name in _partition_names():
        if region in _regions(name):
            return by_name(name)
    return None


@functools.lru_cache(maxsize=1)
def _endpoints():
    """botocore's endpoint data, read directly: a botocore session would read AWS_PROFILE and
    fail when it names a profile that does not exist, which must not stop anything here."""
    from botocore.loaders import create_loader
    from botocore.regions import EndpointResolver

    return EndpointResolver(create_loader().load_data("endpoints"))


@functools.lru_cache(maxsize=None)
def _partition_names() -> tuple[str, ...]:
    return tuple(_endpoints().get_available_partitions())


@functools.lru_cache(maxsize=None)
def _regions(name: str) -> list[str]:
    resolver = _endpoints()
    # STS exists in every region of every partition (regional endpoints), so its list is the
    # partition's region list; EC2 as a second opinion for regions STS data might not name.
    regions = set(resolver.get_available_endpoints("sts", partition_name=name))
    regions |= set(resolver.get_available_endpoints("ec2", partition_name=name))
    return sorted(regions)
