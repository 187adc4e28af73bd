"""`mieux doc list REF` and `mieux doc get REF NAME [--out FILE]`: an Action's documents from
the shared database, on any host."""

from __future__ import annotations

import asyncio
import json
from argparse import Namespace
from pathlib import Path

from reads.errors import DONE, BadInput
from reads.session import Session
from starter.inputs import reference
from starter.outputs import target_file


async def doc_list(session: Session, args: Namespace) -> int:
    from store.documents import DocumentStore

    ref = reference(args.reference)
    found = await asyncio.to_thread(DocumentStore(session.existing_database).listing, ref)
    if args.json:
        print(json.dumps([d.__dict__ for d in found], indent=2))
    elif not found:
        print(f"No document for Action {ref} yet.")
    else:
        for d in found:
            print(f"{d.name:64} {d.size:>8} bytes  {d.media_type.split(';')[0]}")
    return DONE


async def doc_get(session: Session, args: Namespace) -> int:
    from store.documents import DocumentStore, OutsideStore

    ref = reference(args.reference)
    store = DocumentStore(session.existing_database)
    try:
        content = await asyncio.to_thread(store.read, f"{ref}/{args.name}")
    except OutsideStore:
        raise BadInput(f"{args.name!r} is not a document name (see mieux doc list {ref})") from None
    except FileNotFoundError:
        raise BadInput(
            f"Action {ref} has no document {args.name!r} (mieux doc list {ref})"
        ) from None
    out = target_file(Path(args.out or args.name), force=args.force)
    try:
        await asyncio.to_thread(out.write_bytes, content)
    except OSError as error:
        raise BadInput(f"cannot write {out}: {error.strerror or error}") from None
    print(f"{ref}/{args.name}: {len(content)} bytes written to {out}")
    return DONE
