"""The mail path is real: aiosmtplib talks SMTP to the aiosmtpd fixture."""

from email.message import EmailMessage

import aiosmtplib


async def test_an_email_sent_with_aiosmtplib_arrives_at_the_local_smtp_server(smtp_server):
    message = EmailMessage()
    message["From"] = "mieux@mieux.example.org"
    message["To"] = "po.martin@mieux.example.org"
    message["Subject"] = "2026-03: Action Fiche due in 7 days"
    message.set_content("The Action Fiche for 2026-03 is due on 2026-04-21.")

    await aiosmtplib.send(message, hostname=smtp_server.host, port=smtp_server.port)

    [received] = smtp_server.inbox.messages
    assert received["Subject"] == "2026-03: Action Fiche due in 7 days"
    assert smtp_server.inbox.envelopes == [
        ("mieux@mieux.example.org", ["po.martin@mieux.example.org"])
    ]
    assert "due on 2026-04-21" in received.get_content()
