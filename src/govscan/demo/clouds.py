"""The demo's Azure and Google Cloud: local servers for the canned estates, configured
exactly as docs/azure.md and docs/gcp.md tell a user to point govscan at a local
test server, for the length of one demo run.

Azure: an HTTPS server with a certificate authority made for this run (``trustme``),
``AZURE_AUTHORITY_HOST`` and a service principal in ``AZURE_CLIENT_ID``/``_SECRET``/
``AZURE_TENANT_ID``, ``REQUESTS_CA_BUNDLE`` and ``--azure-endpoint``. Google Cloud: a
service-account key file whose ``token_uri`` is the local server,
``GOOGLE_APPLICATION_CREDENTIALS`` and ``--gcp-endpoint``. Every variable is restored
afterwards; whatever else could route a call elsewhere (a proxy, a managed identity,
gcloud's or the Azure CLI's configuration, a metadata server) is switched off for
the run, so nothing connects beyond 127.0.0.1 and the user's own credentials are
never read.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from govscan.demo import azure_estate, gcp_estate
from govscan.demo.restserver import Credentials, RestServer
from govscan.errors import UsageError

_DROPPED = (
    # Other Azure credentials that DefaultAzureCredential would try first or instead.
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "IMDS_ENDPOINT",
    # A project the Google libraries would bill or default to instead of the demo's.
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_QUOTA_PROJECT",
    "CLOUDSDK_CORE_PROJECT",
    # A proxy would see (and could answer) the demo's calls.
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)


@dataclass(frozen=True)
class LocalClouds:
    """The running servers and the collector options that point govscan at them."""

    azure: RestServer
    gcp: RestServer
    targets: Mapping[str, object]


@contextmanager
def scoped_env(values: Mapping[str, str], drop: tuple[str, ...] = ()) -> Iterator[None]:
    """Set ``values`` and unset ``drop`` for the block; restore every one afterwards."""
    saved = {k: os.environ.get(k) for k in (*values, *drop)}
    for k in drop:
        os.environ.pop(k, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def local_clouds() -> Iterator[LocalClouds]:
    """Serve the demo's Azure subscription and Google Cloud project for the block."""
    try:
        import trustme
    except ImportError:
        raise UsageError("the demo needs trustme: pip install 'govscan[demo]'") from None
    with tempfile.TemporaryDirectory(prefix="govscan-demo-") as tmp, ExitStack() as stack:
        base = Path(tmp)
        ca = trustme.CA()
        issued = ca.issue_cert("127.0.0.1")
        ca_pem, chain, key = base / "ca.pem", base / "server.pem", base / "server.key"
        ca.cert_pem.write_to_path(str(ca_pem))
        issued.private_key_pem.write_to_path(str(key))
        chain.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
        # Fresh per run: nothing a user could mistake for, or reuse as, a real secret.
        arm_credentials = Credentials(
            token=secrets.token_urlsafe(32),
            client_id=azure_estate.CLIENT_ID,
            client_secret=secrets.token_urlsafe(24),
        )
        arm = stack.enter_context(
            RestServer("arm", azure_estate.routes(), arm_credentials, tls=(chain, key))
        )
        google = stack.enter_context(
            RestServer("google", gcp_estate.routes(), Credentials(secrets.token_urlsafe(32)))
        )
        key_file = base / "gcp-service-account.json"
        _service_account_key(key_file, f"{google.url}/token")
        env = {
            "AZURE_AUTHORITY_HOST": arm.url,
            "AZURE_TENANT_ID": azure_estate.TENANT,
            "AZURE_CLIENT_ID": arm_credentials.client_id,
            "AZURE_CLIENT_SECRET": arm_credentials.client_secret,
            "AZURE_CONFIG_DIR": str(base / "no-azure-cli"),
            "REQUESTS_CA_BUNDLE": str(ca_pem),
            "GOOGLE_APPLICATION_CREDENTIALS": str(key_file),
            "CLOUDSDK_CONFIG": str(base / "no-gcloud"),
            "NO_GCE_CHECK": "True",
            # Port 9 (discard) on the loopback: a metadata lookup fails at once, locally.
            "GCE_METADATA_HOST": "127.0.0.1:9",
            "GCE_METADATA_IP": "127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        stack.enter_context(scoped_env(env, _DROPPED))
        yield LocalClouds(
            azure=arm,
            gcp=google,
            targets={
                "azure": True,
                "azure_subscriptions": [azure_estate.SUBSCRIPTION],
                "azure_endpoint": arm.url,
                "gcp": True,
                "gcp_projects": [gcp_estate.PROJECT],
                "gcp_endpoint": google.url,
            },
        )


def _service_account_key(path: Path, token_uri: str) -> None:
    """A key file for a throwaway key: Google's libraries sign with it and ask
    ``token_uri`` for a token, as they would Google."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    document = {
        "type": "service_account",
        "project_id": gcp_estate.PROJECT,
        "private_key_id": "demo",
        "private_key": pem,
        "client_email": gcp_estate.SERVICE_ACCOUNT,
        "client_id": "1",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    path.chmod(0o600)
