"""Which legal entity a customer contracts with when it uses a provider.

The data-processing agreement of a cloud provider is signed with the provider's
contracting entity for the customer's region, not with the brand.  A scanned
AWS account of a German company is served by Amazon Web Services EMEA SARL in
Luxembourg; the US parent is a sub-processor of that entity.  The registry
collector uses this table to turn every scanned scope into a processor that
must be covered by an agreement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalEntity:
    provider: str
    """The key used in the registry's ``detect.cloud`` and by collectors (``aws``, ...)."""
    name: str
    """Contracting entity for customers in the EEA."""
    country: str
    """ISO 3166-1 alpha-2 country of that entity."""
    parent: str = ""
    """The group's parent, usually a sub-processor with access from a third country."""
    parent_country: str = ""
    dpa_url: str = ""


ENTITIES: dict[str, LegalEntity] = {
    "aws": LegalEntity(
        "aws",
        "Amazon Web Services EMEA SARL",
        "LU",
        parent="Amazon Web Services, Inc.",
        parent_country="US",
        dpa_url="https://d1.awsstatic.com/legal/aws-dpa/aws-dpa.pdf",
    ),
    "azure": LegalEntity(
        "azure",
        "Microsoft Ireland Operations Ltd",
        "IE",
        parent="Microsoft Corporation",
        parent_country="US",
        dpa_url="https://www.microsoft.com/licensing/docs/view/Microsoft-Products-and-Services-Data-Protection-Addendum-DPA",
    ),
    "gcp": LegalEntity(
        "gcp",
        "Google Cloud EMEA Ltd",
        "IE",
        parent="Google LLC",
        parent_country="US",
        dpa_url="https://cloud.google.com/terms/data-processing-addendum",
    ),
    "github": LegalEntity(
        "github",
        "GitHub B.V.",
        "NL",
        parent="GitHub, Inc.",
        parent_country="US",
        dpa_url="https://github.com/customer-terms/github-data-protection-agreement",
    ),
}

COLLECTOR_PROVIDER = {"aws": "aws", "azure": "azure", "gcp": "gcp"}
"""Collector name -> provider whose entity processes the data of its scanned scopes."""

FIRST_PARTY_ACTION_OWNERS = frozenset({"actions", "github"})
"""Owners of GitHub Actions published by GitHub itself (covered by GitHub's agreement)."""


def entity_for(provider: str) -> LegalEntity | None:
    return ENTITIES.get(provider)
