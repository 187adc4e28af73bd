"""One way to reach Temporal, for the worker, the CLI and the dev stack alike."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from config.connection import TemporalConnection
from worker.codec import data_converter
from worker.headers import ProofHeaders
from workflows import search_attributes


def _tls(settings: TemporalConnection) -> TLSConfig | bool:
    paths = (
        settings.tls_client_cert_path,
        settings.tls_client_key_path,
        settings.tls_server_ca_cert_path,
    )
    if not any(paths) and not settings.tls_server_name:
        return settings.tls or settings.api_key is not None
    cert, key, ca = (p.read_bytes() if p else None for p in paths)
    return TLSConfig(
        client_cert=cert,
        client_private_key=key,
        server_root_ca_cert=ca,
        domain=settings.tls_server_name,
    )


async def connect(temporal: Any, *, models_once_loaded: bool = False) -> Client:
    """`temporal`: the settings' `temporal` or a `TemporalConnection`; `models_once_loaded`
    for the CLI (`worker.codec.data_converter`)."""
    settings = (
        temporal if isinstance(temporal, TemporalConnection) else TemporalConnection.of(temporal)
    )
    return await Client.connect(
        settings.address,
        namespace=settings.namespace,
        api_key=settings.api_key or None,
        tls=_tls(settings),
        data_converter=data_converter(
            settings.payload_key,
            settings.payload_key_id,
            models_once_loaded=models_once_loaded,
            old_keys=settings.payload_old_keys,
        ),
        interceptors=[ProofHeaders()],
    )


async def register_search_attributes(client: Client) -> None:
    """Add the attributes the server does not know yet (idempotent)."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import (
        AddSearchAttributesRequest,
        ListSearchAttributesRequest,
    )

    wanted = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in search_attributes.ALL
    }
    try:
        known = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        wanted = {k: v for k, v in wanted.items() if k not in known.custom_attributes}
    except RPCError as error:
        # The time-skipping test server cannot list, only add.
        if error.status != RPCStatusCode.UNIMPLEMENTED:
            raise
    if wanted:
        try:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(namespace=client.namespace, search_attributes=wanted)
            )
        except RPCError as error:
            if error.status != RPCStatusCode.ALREADY_EXISTS:
                raise


def dev_server_flags() -> list[str]:
    from temporalio.common import SearchAttributeIndexedValueType

    names = {
        SearchAttributeIndexedValueType.KEYWORD: "Keyword",
        SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
        SearchAttributeIndexedValueType.BOOL: "Bool",
        SearchAttributeIndexedValueType.DATETIME: "Datetime",
    }
    flags: list[str] = []
    for key in search_attributes.ALL:
        flags += ["--search-attribute", f"{key.name}={names[key.indexed_value_type]}"]
    return flags
