"""`mieux policy show`: the effective policy, each clock with its value and where it came
from (the default, the TOML file of MIEUX_CONFIG, or an environment variable): the SOP's
numbers as the workflows will use them."""

from __future__ import annotations

import json
import os
import tomllib
from argparse import Namespace
from datetime import timedelta
from pathlib import Path
from typing import Any

from reads.errors import DONE
from reads.session import Session


def _iso(value: timedelta) -> str:
    days, seconds = value.days, value.seconds
    if seconds == 0 and value.microseconds == 0:
        return f"P{days}D"
    return f"P{days}DT{seconds}S" if days else f"PT{seconds}S"


def _shown(value: Any) -> Any:
    if isinstance(value, timedelta):
        return _iso(value)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value.value if hasattr(value, "value") else value


def sources() -> tuple[dict[str, Any], str]:
    config = os.environ.get("MIEUX_CONFIG", "")
    if not config:
        return {}, ""
    with Path(config).open("rb") as file:
        return tomllib.load(file).get("policy", {}), config


def policy_rows(policy: Any) -> list[dict[str, Any]]:
    in_file, config = sources()
    rows = []
    for name in type(policy).model_fields:
        variable = f"MIEUX_POLICY__{name.upper()}"
        if variable in os.environ:
            source = f"environment ({variable})"
        elif name in in_file:
            source = f"TOML ({config})"
        else:
            source = "default"
        rows.append(
            {"setting": f"policy.{name}", "value": _shown(getattr(policy, name)), "source": source}
        )
    return rows


async def policy_show(session: Session, args: Namespace) -> int:
    rows = policy_rows(session.settings.policy)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return DONE
    width = max(len(r["setting"]) for r in rows)
    for row in rows:
        value = row["value"]
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        print(f"{row['setting']:<{width}}  {text or '(none)'}  [{row['source']}]")
    return DONE
