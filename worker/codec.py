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
import sys
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
    PayloadCodec,
)

from config.sources import decode_payload_key

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
            try:
                opened = cipher.decrypt(nonce, sealed, None)
            except InvalidTag:
                # Not a bare InvalidTag in a failing task (issue 22.5): which key is wrong.
                raise ValueError(
                    f"payload key {key_id!r} here is not the one that sealed this payload:"
                    " give every worker, CLI and web service the same key under that id"
                ) from None
            decoded.append(Payload.FromString(opened))
        return decoded


class _JsonWithModelsOnceLoaded(EncodingPayloadConverter):
    """JSON as pydantic writes and reads it once pydantic is loaded, as the SDK's plain JSON
    converter does until then. A staff command that sends and reads plain JSON (a status,
    a hold) need not import pydantic; one that reads into a model has imported it to name
    the model. Either way the payload is the same JSON."""

    def __init__(self) -> None:
        self._plain = JSONPlainPayloadConverter()
        self._models: EncodingPayloadConverter | None = None

    @property
    def encoding(self) -> str:
        return self._plain.encoding

    def _converter(self) -> EncodingPayloadConverter:
        if "pydantic" not in sys.modules:
            return self._plain
        if self._models is None:
            from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter

            self._models = PydanticJSONPlainPayloadConverter()
        return self._models

    def to_payload(self, value: Any) -> Payload | None:
        return self._converter().to_payload(value)

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        return self._converter().from_payload(payload, type_hint)


class ModelsOnceLoadedPayloadConverter(CompositePayloadConverter):
    def __init__(self) -> None:
        super().__init__(
            *(
                _JsonWithModelsOnceLoaded() if isinstance(c, JSONPlainPayloadConverter) else c
                for c in DefaultPayloadConverter.default_encoding_payload_converters
            )
        )


def data_converter(
    key: str | None,
    key_id: str = "mieux-1",
    *,
    models_once_loaded: bool = False,
    old_keys: dict[str, str] | None = None,
) -> DataConverter:
    """The project's converter: pydantic JSON, encrypted when a key is configured.

    `models_once_loaded` (the CLI): pydantic only once something has imported it."""
    if models_once_loaded:
        converter = DataConverter(payload_converter_class=ModelsOnceLoadedPayloadConverter)
    else:
        from temporalio.contrib.pydantic import pydantic_data_converter

        converter = pydantic_data_converter
    if not key:
        return converter
    # The key ring: the current key seals, every key opens what it sealed (a rotation keeps
    # the old ones until no running Action's history holds their payloads).
    ring = {old_id: decode_payload_key(old) for old_id, old in (old_keys or {}).items()}
    codec = EncryptionCodec({**ring, key_id: decode_payload_key(key)}, key_id)
    return dataclasses.replace(converter, payload_codec=codec)
