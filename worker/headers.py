"""The proof a client puts on the commands it sends (worker/proof.py checks it).

The CLI sets the signed-in staff member's token once; the web service sets, per request,
the signed-in staff member's token or the answer link being answered. A context variable
carries it to the client interceptor, so one client serves every request of the web service.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Interceptor,
    OutboundInterceptor,
    SignalWorkflowInput,
    StartWorkflowUpdateInput,
    StartWorkflowUpdateWithStartInput,
    WorkflowUpdateHandle,
)
from temporalio.converter import default as default_converter

HEADER_TOKEN = "mieux-token"  # a staff member's OpenID Connect ID token
HEADER_LINK = "mieux-link"  # the signed token of an answer link
HEADER_INTERNAL = "mieux-internal"  # the workers' signature on an internal message

_PROOF: ContextVar[dict[str, str]] = ContextVar("mieux_proof", default={})  # noqa: B039


@contextlib.contextmanager
def sending(*, token: str | None = None, link: str | None = None) -> Iterator[None]:
    """Commands sent inside carry this proof (a staff token, or an answer link)."""
    proof = {HEADER_TOKEN: token, HEADER_LINK: link}
    reset = _PROOF.set({k: v for k, v in proof.items() if v})
    try:
        yield
    finally:
        _PROOF.reset(reset)


def header(value: str) -> Payload:
    return default_converter().payload_converter.to_payloads([value])[0]


def set_token(token: str | None) -> None:
    """For the whole of a CLI invocation."""
    _PROOF.set({HEADER_TOKEN: token} if token else {})


def _with_proof(headers: Any) -> dict[str, Any]:
    proof = _PROOF.get()
    return {**headers, **{name: header(value) for name, value in proof.items()}}


class ProofHeaders(Interceptor):
    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Outbound(next)


class _Outbound(OutboundInterceptor):
    async def start_workflow_update(
        self, input: StartWorkflowUpdateInput
    ) -> WorkflowUpdateHandle[Any]:
        return await super().start_workflow_update(
            replace(input, headers=_with_proof(input.headers))
        )

    async def signal_workflow(self, input: SignalWorkflowInput) -> None:
        await super().signal_workflow(replace(input, headers=_with_proof(input.headers)))

    async def start_update_with_start_workflow(
        self, input: StartWorkflowUpdateWithStartInput
    ) -> WorkflowUpdateHandle[Any]:
        update = input.update_workflow_input
        input.update_workflow_input = replace(update, headers=_with_proof(update.headers))
        return await super().start_update_with_start_workflow(input)
