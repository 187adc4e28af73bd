"""What both readers of the settings share (`config.connection` without pydantic,
`config.settings` with it): the error they raise, the Temporal CLI's variables they read,
and the defaults they agree on. Neither imports the other for these."""

from __future__ import annotations

import base64
import binascii
import getpass


class SettingsError(Exception):
    """An invalid setting: the message is one line naming the setting and the problem."""


# The standard variables of the Temporal CLI, so one environment serves both.
TEMPORAL_ENV = {
    "TEMPORAL_ADDRESS": "address",
    "TEMPORAL_NAMESPACE": "namespace",
    "TEMPORAL_API_KEY": "api_key",
    "TEMPORAL_TLS": "tls",
    "TEMPORAL_TLS_CLIENT_CERT_PATH": "tls_client_cert_path",
    "TEMPORAL_TLS_CLIENT_KEY_PATH": "tls_client_key_path",
    "TEMPORAL_TLS_SERVER_CA_CERT_PATH": "tls_server_ca_cert_path",
    "TEMPORAL_TLS_SERVER_NAME": "tls_server_name",
}


def decode_payload_key(text: str) -> bytes:
    """The AES-256 key from its base64 text, or ValueError saying what is wrong."""
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64 of 32 random bytes") from None
    if len(key) != 32:
        raise ValueError(f"must be 32 bytes once decoded, not {len(key)}")
    return key


def default_identity() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "staff"
