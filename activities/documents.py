"""The `write_document` activity: the Action's documents as Word (for staff) and Markdown,
stored with content-addressed versions; the workflow keeps the `DocumentRef`, never the bytes.

The version is the sha256 of the Markdown text and is part of both file names, so writing the
same content again (a retry, a replay, a second request) returns the same reference and
rewrites nothing, while a changed document gets a new version beside the old one.
"""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy.exc import SQLAlchemyError
from temporalio import activity

from activities.document_content import content_of
from activities.document_render import to_docx, to_html, to_markdown
from activities.errors import refused, unavailable
from activities.heartbeat import heartbeating
from activities.options import DOCUMENT_STORE_UNAVAILABLE, INVALID_DOCUMENT
from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
from store.documents import DocumentStore


class DocumentActivities:
    def __init__(self, database_url: str) -> None:
        self.store = DocumentStore(database_url)

    @activity.defn(name="write_document")
    async def write_document(self, request: DocumentRequest) -> DocumentRef:
        try:
            async with heartbeating():
                ref = await asyncio.to_thread(self.write, request)
        except ValueError as error:
            raise refused(
                INVALID_DOCUMENT, f"{request.kind} for {request.reference}: {error}"
            ) from None
        except (OSError, SQLAlchemyError) as error:
            raise unavailable(
                DOCUMENT_STORE_UNAVAILABLE,
                f"{request.kind} for {request.reference}: the document store failed "
                f"({type(error).__name__})",
            ) from None
        activity.logger.info("%s for %s stored as %s", ref.kind, ref.reference, ref.version)
        return ref

    def write(self, request: DocumentRequest) -> DocumentRef:
        """Render and store a document (blocking; the CLI may call it directly)."""
        content = content_of(request)
        markdown = to_markdown(content)
        sha256 = hashlib.sha256(markdown.encode()).hexdigest()
        stem = f"{request.reference}/{_name(request)}-{sha256[:16]}"
        public = request.kind == DocumentKind.PUBLIC_SUMMARY
        ref = DocumentRef(
            kind=request.kind,
            reference=request.reference,
            sha256=sha256,
            docx_path=f"{stem}.docx",
            markdown_path=f"{stem}.md",
            html_path=f"{stem}.html" if public else "",
        )
        # Word (and the web page) first: a Markdown twin present means they are stored too.
        if not self.store.exists(ref.docx_path):
            self.store.put(ref.docx_path, to_docx(content), sha256)
        if public and not self.store.exists(ref.html_path):
            self.store.put(ref.html_path, to_html(content).encode(), sha256)
        self.store.put(ref.markdown_path, markdown.encode(), sha256)
        return ref


def _name(request: DocumentRequest) -> str:
    name = request.kind.value.replace("_", "-")
    if request.kind == DocumentKind.EXPERT_INVITATION:
        return f"{name}-a{request.planned_activity().number}-{request.expert_id}"
    if request.kind == DocumentKind.ACTIVITY_REPORT and request.activity is not None:
        return f"{name}-a{request.activity.number}"
    if request.kind == DocumentKind.ACTION_FICHE and request.fiche_version:
        return f"{name}-v{request.fiche_version}"
    return name
