"""The `mieux` command line: every subcommand, its one-line help and an example.

Handlers are named as "module:function" and imported only when their command runs, so
`mieux --help` and quick commands do not pay for modules they do not use.
"""

from __future__ import annotations

import argparse
from datetime import date

from glossary.names import PsgMember, Region, Stage

PROG = "mieux"


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=24)


def _common(kind: str) -> argparse.ArgumentParser:
    """Options every leaf takes, so they may come after the subcommand too."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--as",
        dest="identity",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who you are, for the audit trail (default: setting identity)",
    )
    parent.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        default=argparse.SUPPRESS,
        help="how long to wait for Temporal and a worker (default 15)",
    )
    if kind == "command":
        parent.add_argument(
            "--no-wait",
            action="store_true",
            help="send it as a signal the server keeps, without waiting for a worker",
        )
        parent.add_argument(
            "--key",
            type=_key,
            default=None,
            help="send it under this key: the same key again is answered with the first"
            " outcome, never applied twice (a timed-out command prints its key)",
        )
    if kind == "read":
        parent.add_argument("--json", action="store_true", help="print JSON instead of tables")
    return parent


class _Tree:
    def __init__(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self.subparsers = subparsers

    def leaf(
        self, name: str, summary: str, example: str, handler: str, kind: str = "other"
    ) -> argparse.ArgumentParser:
        parser = self.subparsers.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"example:\n  {example}",
            formatter_class=_formatter,
            parents=[_common(kind)],
        )
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, summary: str, example: str) -> _Tree:
        parser = self.subparsers.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"example:\n  {example}",
            formatter_class=_formatter,
        )
        sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
        return _Tree(sub)


def _seconds(text: str) -> float:
    import math

    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or not 0 < seconds <= 86_400:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of seconds from 0 to 86400")
    return seconds


def _key(text: str) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z0-9._:-]{1,80}", text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a key: 1-80 letters, digits, '.', '_', ':' or '-'"
        )
    return text


def _ref(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "reference", metavar="REF", help="Action reference: 2026-03 or action-2026-03"
    )


def _file(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("file", metavar="FILE", help=f"{what} (JSON; - reads stdin)")


def _activity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--activity", type=int, required=True, metavar="N", help="activity number")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-06-30") from None


def _count(text: str) -> int:
    """A count from 1 to 10,000 (a limit, a number of requests)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{value} is not from 1 to 10000")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Staff CLI of mieux-flow: the lifecycle of MIEUX Actions on Temporal.",
        epilog=EPILOG,
        formatter_class=_formatter,
        parents=[_common("top")],
    )
    tree = _Tree(parser.add_subparsers(title="commands", metavar="COMMAND", required=True))
    _lifecycle(tree)
    _delivery(tree)
    _reads(tree)
    _tools(tree)
    return parser


def _lifecycle(tree: _Tree) -> None:
    request = tree.group(
        "request", "Register requests for assistance.", "mieux request submit examples/request.json"
    )
    p = request.leaf(
        "submit",
        "Register a request (JSON); prints its new reference.",
        "mieux request submit examples/request.json",
        "starter.submit:request_submit",
    )
    _file(p, "the request")
    p.add_argument(
        "--key",
        type=_key,
        help="idempotency key (default: from the file's content); the same key answers with"
        " the first reference instead of starting a second Action",
    )

    p = tree.leaf(
        "intake",
        "Accept, reject (with a reason) or forward a request.",
        "mieux intake 2026-03 accept --officer po.silva",
        "starter.commands:intake",
        "command",
    )
    _ref(p)
    p.add_argument("decision", choices=["accept", "reject", "forward"], help="the decision")
    p.add_argument("--reason", help="why it is rejected (required for reject)")
    p.add_argument("--to", metavar="FACILITY", help="the EU facility it goes to (forward)")
    p.add_argument("--officer", metavar="STAFF_ID", help="the project officer who owns it")

    fiche = tree.group(
        "fiche", "Submit the Action Fiche.", "mieux fiche submit 2026-03 examples/fiche.json"
    )
    p = fiche.leaf(
        "submit",
        "Submit the Action Fiche (JSON); consultation starts.",
        "mieux fiche submit 2026-03 examples/fiche.json",
        "starter.commands:fiche_submit",
        "command",
    )
    _ref(p)
    _file(p, "the Action Fiche")
    _past_dates(p)

    p = tree.leaf(
        "consult",
        "Record the consultation's objection or no objection.",
        'mieux consult 2026-03 --by "EUDEL Kenya" --no-objection',
        "starter.commands:consult",
        "command",
    )
    _ref(p)
    p.add_argument("--by", dest="organisation", required=True, metavar="ORG", help="who answers")
    answer = p.add_mutually_exclusive_group(required=True)
    answer.add_argument("--objection", metavar="TEXT", help="the objection; back to drafting")
    answer.add_argument("--no-objection", action="store_true", help="no objection")

    members = [m.value for m in PsgMember]
    for name, summary, needs_comment in (
        ("approve", "Record a PSG member's approval of the Action Fiche.", False),
        ("reject", "Record a PSG member's rejection (ends the Action).", True),
        ("revise", "Record a PSG member's call to revise the Fiche.", True),
    ):
        comment = "" if not needs_comment else ' --comment "reason"'
        p = tree.leaf(
            name,
            summary,
            f"mieux {name} 2026-03 --member DG_HOME{comment}",
            f"starter.commands:{name}",
            "command",
        )
        _ref(p)
        p.add_argument(
            "--member", required=True, metavar="M", help=f"PSG member: {' | '.join(members)}"
        )
        p.add_argument("--comment", required=needs_comment, metavar="C", help="the comment")

    plan = tree.group(
        "plan", "Amend the activity plan.", "mieux plan amend 2026-03 examples/plan-amendment.json"
    )
    p = plan.leaf(
        "amend",
        "Add, cancel or reschedule activities (JSON).",
        "mieux plan amend 2026-03 examples/plan-amendment.json",
        "starter.commands:plan_amend",
        "command",
    )
    _ref(p)
    _file(p, "the amendment")
    _past_dates(p)
    p = plan.leaf(
        "next-step",
        "Plan a two-step Action's rest after its fact-finding mission (JSON).",
        "mieux plan next-step 2026-03 examples/plan-amendment.json",
        "starter.commands:plan_amend",
        "command",
    )
    _ref(p)
    _file(p, "the plan of the next step: the activities to add, as in an amendment")
    _past_dates(p)

    p = tree.leaf(
        "validate",
        "Record the partner's validation of the deliverables.",
        'mieux validate 2026-03 --comment "strategy validated by the ministry"',
        "starter.commands:validate",
        "command",
    )
    _ref(p)
    p.add_argument("--comment", metavar="C", help="the partner's words")
    p = tree.leaf(
        "feedback",
        "Record the partner's feedback questionnaire (JSON).",
        "mieux feedback 2026-03 examples/feedback.json",
        "starter.commands:feedback",
        "command",
    )
    _ref(p)
    _file(p, "the answers")
    p = tree.leaf(
        "follow-up",
        "Record the follow-up questionnaire and adoption (JSON).",
        "mieux follow-up 2026-03 examples/follow-up.json",
        "starter.commands:follow_up",
        "command",
    )
    _ref(p)
    _file(p, "the answers")

    p = tree.leaf(
        "hold",
        "Put an Action on hold; its clocks keep their time left.",
        'mieux hold 2026-03 --reason "elections in the partner country"',
        "starter.commands:hold",
        "command",
    )
    _ref(p)
    p.add_argument("--reason", required=True, metavar="R", help="why")
    p = tree.leaf(
        "resume",
        "Resume an Action on hold where it was.",
        "mieux resume 2026-03",
        "starter.commands:resume",
        "command",
    )
    _ref(p)
    p.add_argument("--comment", metavar="C", help="a note for the audit trail")
    p = tree.leaf(
        "withdraw",
        "Withdraw an Action; its activities end, all are told.",
        'mieux withdraw 2026-03 --reason "the request was withdrawn by the ministry"',
        "starter.commands:withdraw",
        "command",
    )
    _ref(p)
    p.add_argument("--reason", required=True, metavar="R", help="why")

    deadline = tree.group(
        "deadline",
        "Extend the deadline of an open clock.",
        "mieux deadline extend 2026-03 --clock fiche --by P7D --reason R",
    )
    p = deadline.leaf(
        "extend",
        "Move an open clock's deadline later (e.g. by P7D).",
        'mieux deadline extend 2026-03 --clock fiche --by P7D --reason "partner on leave"',
        "starter.commands:deadline_extend",
        "command",
    )
    _ref(p)
    p.add_argument(
        "--clock",
        required=True,
        metavar="NAME",
        help="fiche, psg, revision, ...; with --activity: report, evaluation, or an expert's"
        " clock by name (mieux status lists them)",
    )
    p.add_argument(
        "--activity", type=int, metavar="N", help="a clock of activity N instead of the Action's"
    )
    p.add_argument("--by", dest="extend_by", required=True, metavar="DURATION", help="e.g. P7D")
    p.add_argument("--reason", required=True, metavar="R", help="why")


def _past_dates(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-past-dates",
        action="store_true",
        help="accept activities that already took place (their report is due at once)",
    )


def _delivery(tree: _Tree) -> None:
    expert = tree.group(
        "expert",
        "Record experts' answers or nominate one.",
        "mieux expert confirm 2026-03 --activity 1 --expert EXP-017",
    )
    for name, summary in (
        ("confirm", "Record an invited expert's confirmation."),
        ("decline", "Record an expert's decline; the next one is invited."),
    ):
        p = expert.leaf(
            name,
            summary,
            f"mieux expert {name} 2026-03 --activity 1 --expert EXP-017"
            + (' --reason "not available in June"' if name == "decline" else ""),
            f"starter.commands:expert_{name}",
            "command",
        )
        _ref(p)
        _activity(p)
        p.add_argument("--expert", required=True, metavar="ID", help="roster id of the expert")
        p.add_argument("--reason", metavar="R", help="the expert's reason")
    p = expert.leaf(
        "nominate",
        "Nominate an expert by hand for an activity.",
        "mieux expert nominate 2026-03 --activity 2 --expert EXP-031",
        "starter.commands:expert_nominate",
        "command",
    )
    _ref(p)
    _activity(p)
    p.add_argument("--expert", required=True, metavar="ID", help="roster id of the expert")

    activity = tree.group(
        "activity",
        "Report on and evaluate an activity.",
        "mieux activity evaluate 2026-03 --activity 1 examples/evaluation.json",
    )
    p = activity.leaf(
        "complete",
        "Record an activity's completion report.",
        "mieux activity complete 2026-03 --activity 1 --participants 25 --women 12 --men 13"
        ' --output "draft data strategy"',
        "starter.commands:activity_complete",
        "command",
    )
    _ref(p)
    _activity(p)
    p.add_argument("--participants", type=int, required=True, metavar="T", help="total")
    p.add_argument("--women", type=int, required=True, metavar="W", help="women among them")
    p.add_argument("--men", type=int, required=True, metavar="M", help="men among them")
    p.add_argument("--output", action="append", metavar="TEXT", help="an output (repeatable)")
    p.add_argument("--narrative", metavar="TEXT", help="a short account")
    p = activity.leaf(
        "evaluate",
        "Record the team's evaluation of an activity (JSON).",
        "mieux activity evaluate 2026-03 --activity 1 examples/evaluation.json",
        "starter.commands:activity_evaluate",
        "command",
    )
    _ref(p)
    _activity(p)
    _file(p, "the evaluation")


def _reads(tree: _Tree) -> None:
    p = tree.leaf(
        "status",
        "Show an Action: stage, waits, clocks, votes, audit.",
        "mieux status 2026-03",
        "starter.reads:status",
        "read",
    )
    _ref(p)

    p = tree.leaf(
        "list",
        "List Actions by stage, region, country, officer, due.",
        'mieux list --region "Sub-Saharan Africa" --overdue',
        "starter.reads:list_actions",
        "read",
    )
    p.add_argument("--stage", choices=[s.value for s in Stage], metavar="S", help="a stage")
    p.add_argument("--region", metavar="R", help=f"one of: {'; '.join(r.value for r in Region)}")
    p.add_argument("--theme", metavar="T", help="a thematic area, e.g. 'labour migration'")
    p.add_argument("--country", metavar="C", help="the first country covered")
    p.add_argument("--officer", metavar="O", help="project officer's staff id")
    p.add_argument("--overdue", action="store_true", help="only Actions past a deadline")
    p.add_argument("--on-hold", action="store_true", help="only Actions on hold")
    p.add_argument(
        "--limit",
        type=int,
        default=50,
        metavar="N",
        help="the N most recent Actions (default 50, as a page of the board; 0: every one)",
    )

    p = tree.leaf(
        "report",
        "Annual-report figures: running and registered Actions.",
        "mieux report --year 2026 --docx",
        "starter.reads:report",
        "read",
    )
    p.add_argument("--year", type=int, metavar="Y", help="requests received that year")
    p.add_argument(
        "--docx",
        action="store_true",
        help="also write the report as a Word document, in the state folder's reports/",
    )
    p.add_argument("--out", metavar="FILE", help="with --docx: write it here instead")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained page with charts")
    p.add_argument(
        "--csv", metavar="DIR", help="also write one CSV file per table into DIR, for spreadsheets"
    )
    p.add_argument("--force", action="store_true", help="overwrite --out and --html files")
    p.add_argument(
        "--partial",
        action="store_true",
        help="exit 0 even when an Action could not be read (it is named on stderr)",
    )

    history = tree.group(
        "history", "Export workflow histories.", "mieux history export 2026-03 -o 2026-03.json"
    )
    p = history.leaf(
        "export",
        "Write an Action's workflow history as JSON.",
        "mieux history export 2026-03 -o tests/histories/2026-03.json",
        "starter.reads:history_export",
    )
    _ref(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write it")


def _tools(tree: _Tree) -> None:
    roster = tree.group(
        "roster",
        "Import into and search the Expert and Action Roster.",
        "mieux roster import examples/roster.json",
    )
    p = roster.leaf(
        "import",
        "Import experts and focal points (JSON) into the roster.",
        "mieux roster import examples/roster.json",
        "starter.roster:roster_import",
    )
    _file(p, "the roster")
    p = roster.leaf(
        "search",
        "Find available roster experts, best match first.",
        'mieux roster search --theme "migration data" --language French'
        " --from 2026-06-08 --to 2026-06-10",
        "starter.roster:roster_search",
        "read",
    )
    p.add_argument("--theme", required=True, metavar="T", help="thematic area")
    p.add_argument("--language", metavar="L", help="working language")
    p.add_argument("--from", dest="start", type=_day, metavar="D", help="first day (2026-06-08)")
    p.add_argument("--to", dest="end", type=_day, metavar="D", help="last day")

    policy = tree.group(
        "policy", "The policy in force: every clock and where it came from.", "mieux policy show"
    )
    policy.leaf(
        "show",
        "Print the effective policy: value and source (default, TOML, environment).",
        "mieux policy show",
        "starter.policy:policy_show",
        "read",
    )

    p = tree.leaf(
        "process",
        "Print the process (SOP): stages, actors, clocks, moves.",
        "mieux process > process.md",
        "starter.process:process_show",
        "read",
    )
    p.add_argument("--mermaid", action="store_true", help="only the Mermaid state diagram")

    p = tree.leaf(
        "publish",
        "Write approved Actions' public pages as a static site.",
        "mieux publish --out site/",
        "starter.publish:publish",
        "read",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="the site's folder")

    p = tree.leaf(
        "simulate",
        "Run a synthetic year through the real workflows.",
        "mieux simulate --requests 25 --year 2027 --seed 7",
        "starter.simulate:simulate",
        "read",
    )
    p.add_argument(
        "--requests", type=_count, required=True, metavar="N", help="requests in the year"
    )
    p.add_argument("--year", type=int, required=True, metavar="Y", help="a coming year")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same year")
    p.add_argument(
        "--register",
        action="store_true",
        help="also write the simulated Actions to the register of the configured database"
        " (point MIEUX_DATABASE__URL at a scratch one), for mieux report",
    )

    knowledge = tree.group(
        "knowledge",
        "Search ended Actions: outputs, lessons learned.",
        'mieux knowledge search "asylum law" --region "Sub-Saharan Africa"',
    )
    p = knowledge.leaf(
        "search",
        "Ended Actions matching every word of TEXT, best first.",
        'mieux knowledge search "labour migration strategy" --theme "labour migration"',
        "starter.knowledge:knowledge_search",
        "read",
    )
    p.add_argument("text", metavar="TEXT", help="words to find, all of them (stemmed)")
    p.add_argument("--theme", metavar="T", help="only Actions with this theme")
    p.add_argument("--country", metavar="C", help="only Actions in this country")
    p.add_argument("--region", metavar="R", help="only Actions in this region")
    p.add_argument(
        "--limit", type=_count, default=20, metavar="N", help="at most N Actions (default 20)"
    )

    register = tree.group(
        "register",
        "Ended Actions: lessons learned, and a programme's past.",
        "mieux register import examples/register-2009-2015.json",
    )
    p = register.leaf(
        "import",
        "Load historic Actions (JSON list) into the register; no workflow, no mail.",
        "mieux register import examples/register-2009-2015.json",
        "starter.register:register_import",
    )
    _file(p, "the Actions")
    p = register.leaf(
        "lessons",
        "Record the lessons learned of an ended Action (a text file).",
        "mieux register lessons 2026-03 lessons.txt",
        "starter.register:register_lessons",
    )
    _ref(p)
    p.add_argument("file", metavar="FILE", help="the lessons, as text (- reads stdin)")
    p = register.leaf(
        "show",
        "Show what the register keeps of an ended Action.",
        "mieux register show 2026-03",
        "starter.register:register_show",
        "read",
    )
    _ref(p)

    mail = tree.group("mail", "The local inbox of `mieux dev`, and the outbox.", "mieux mail list")
    mail.leaf(
        "list",
        "List the messages of the local inbox, newest last.",
        "mieux mail list",
        "starter.mail:mail_list",
        "read",
    )
    p = mail.leaf(
        "show",
        "Show one message of the local inbox.",
        "mieux mail show 3",
        "starter.mail:mail_show",
    )
    p.add_argument("id", metavar="ID", help="its number in `mieux mail list`, or its key")
    p = mail.leaf(
        "stuck",
        "List notices claimed but never confirmed sent (outcome unknown).",
        "mieux mail stuck",
        "starter.outbox:stuck",
        "read",
    )
    p.add_argument(
        "--older-than",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="claimed longer ago than this (default 300)",
    )
    p = mail.leaf(
        "resend",
        "Send a stuck notice again, from the message kept in the outbox.",
        "mieux mail resend 2026-03/fiche/reminder-1/po.martin --confirm",
        "starter.outbox:resend",
    )
    p.add_argument("key", metavar="KEY", help="the notice key, from `mieux mail stuck`")
    p.add_argument("--confirm", action="store_true", help="yes: it may have arrived already")

    doc = tree.group(
        "doc", "Read an Action's documents from the shared database.", "mieux doc list 2026-03"
    )
    p = doc.leaf(
        "list",
        "List an Action's documents (Fiche versions, invitations, reports).",
        "mieux doc list 2026-03",
        "starter.documents:doc_list",
        "read",
    )
    _ref(p)
    p = doc.leaf(
        "get",
        "Write one of an Action's documents to a file.",
        "mieux doc get 2026-03 final-report-1a2b3c4d5e6f7a8b.docx --out report.docx",
        "starter.documents:doc_get",
    )
    _ref(p)
    p.add_argument("name", metavar="NAME", help="as `mieux doc list` shows it")
    p.add_argument("--out", metavar="FILE", help="where to write it (default: NAME here)")
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")

    db = tree.group("db", "The shared database beside Temporal.", "mieux db upgrade")
    db.leaf(
        "upgrade",
        "Bring the database to the latest schema migration.",
        "mieux db upgrade",
        "starter.database:upgrade",
    )

    p = tree.leaf(
        "demo",
        "Submit demo Actions from the seeds' 2016 requests.",
        "mieux demo --count 8",
        "starter.demo:demo",
    )
    p.add_argument("--count", type=int, default=8, metavar="N", help="how many (1-23, default 8)")
    p.add_argument(
        "--year", type=int, default=2026, metavar="Y", help="the year they were received (2026)"
    )

    p = tree.leaf(
        "worker",
        "Run a worker on the task queue until Ctrl-C.",
        "mieux worker",
        "starter.stack:worker",
    )
    p.add_argument(
        "--wait-for-server",
        type=float,
        metavar="SECONDS",
        help="give up (exit 3) when Temporal is not there within this; default: wait",
    )
    tree.leaf(
        "dev",
        "Run Temporal, SMTP inbox, roster, worker and web service.",
        "mieux dev",
        "starter.stack:dev",
    )
    tree.leaf(
        "web",
        "Serve answer pages, the board and the UI codec endpoint.",
        "mieux web",
        "starter.stack:web",
    )
    tree.leaf(
        "links",
        "Print the Temporal UI views management uses.",
        "mieux links",
        "starter.links:links",
    )
    tree.leaf(
        "login",
        "Sign in through the organisation's provider.",
        "mieux login",
        "starter.signin:login",
    )
    tree.leaf("logout", "Forget this user's sign-in.", "mieux logout", "starter.signin:logout")
    tree.leaf(
        "whoami", "Say who the commands are sent as.", "mieux whoami", "starter.signin:whoami"
    )


EPILOG = """\
examples:
  mieux request submit examples/request.json        # prints the reference, e.g. 2026-03
  mieux intake 2026-03 accept
  mieux fiche submit 2026-03 examples/fiche.json
  mieux consult 2026-03 --by "EUDEL Kenya" --no-objection
  mieux approve 2026-03 --member DG_INTPA
  mieux status 2026-03
  mieux list --overdue

exit codes: 0 done; 1 refused by the workflow (reason on stderr); 2 bad usage, invalid
file, unknown reference or invalid setting; 3 Temporal (or a worker) unreachable.
Temporal is reached through TEMPORAL_ADDRESS (default 127.0.0.1:7233); settings are
MIEUX_* variables or the TOML file named by MIEUX_CONFIG."""
