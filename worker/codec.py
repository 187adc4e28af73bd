"""Payload encryption: personal data (names, email addresses in requests, notices and
rosters) is encrypted before it reaches Temporal (DOMAIN.md §5). Search attributes are
never encoded, which is why they hold ids, stages and dates only.

AES-256-GCM with the key from `MIEUX_TEMPORAL__PAYLOAD_KEY` (base64 of 32 bytes). The key id
travels with each payload so keys can be rotated: add the new key, keep the old one to read
old histories.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

from config.settings import decode_payload_key

ENCODING = b"binary/encrypted"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        # Loaded here: a deployment without a payload key never imports cryptography.
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._current = current

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._current]
        encoded = []
        for payload in payloads:
            nonce = os.urandom(12)
            data = nonce + cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(
                Payload(
                    metadata={
                        "encoding": ENCODING,
                        "encryption-key-id": self._current.encode(),
                    },
                    data=data,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)  # written before encryption was switched on
                continue
            key_id = payload.metadata.get("encryption-key-id", b"").decode()
            cipher = self._ciphers.get(key_id)
            if cipher is None:
                raise ValueError(f"no payload key {key_id!r} to decrypt with")
            nonce, sealed = payload.data[:12], payload.data[12:]
            decoded.append(Payload.FromString(cipher.decrypt(nonce, sealed, None)))
        return decoded


def data_converter(key: str | None, key_id: str = "mieux-1") -> DataConverter:
    """The project's converter: pydantic JSON, encrypted when a key is configured."""
    if not key:
        return pydantic_data_converter
    codec = EncryptionCodec({key_id: decode_payload_key(key)}, key_id)
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)
