"""A fault-injecting SMTP server: aiosmtpd answering 4xx or 5xx per recipient and per
message, as real mail servers do (a full mailbox, greylisting, an unknown user)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.conftest import Inbox


@dataclass
class FaultyInbox(Inbox):
    """`rcpt`: the reply to RCPT TO for an address (e.g. "451 4.2.2 mailbox full"), until the
    test removes it; `data`: replies to the next DATA commands, one each, then acceptance."""

    rcpt: dict[str, str] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt.get(address)
        if reply is not None:
            with self.changed:
                self.refusals.append((address, reply[:3]))
                self.changed.notify_all()
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data:
            reply = self.data.pop(0)
            self.refusals.append(("DATA", reply[:3]))
            return reply
        return await super().handle_DATA(server, session, envelope)

    def to(self, address: str) -> list[str]:
        """Subjects of the messages whose envelope reached `address`."""
        return [
            str(m["Subject"])
            for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True)
            if address in rcpts
        ]
