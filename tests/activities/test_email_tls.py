"""STARTTLS, implicit TLS and authentication, from the settings, against aiosmtpd with a
throw-away certificate (made with the openssl command; skipped where it is missing)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.email import EmailActivities
from config.settings import SmtpSecurity, SmtpSettings
from tests.activities.support import make_notice
from tests.conftest import Inbox, free_port

USER, PASSWORD = "mieux", "relay-password"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd answers 535 itself when the login fails.
    return AuthResult(success=ok, handled=False)


def relay(certificate: tuple[Path, Path], security: SmtpSecurity) -> Iterator[tuple[Inbox, int]]:
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(*certificate)
    inbox, port = Inbox(), free_port()
    if security == SmtpSecurity.TLS:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; here the whole connection is TLS.
        tls_options = {"ssl_context": server_tls, "auth_require_tls": False}
    else:
        tls_options = {"tls_context": server_tls, "require_starttls": True}
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        auth_required=True,
        authenticator=authenticate,
        **tls_options,
    )
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def starttls_relay(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    yield from relay(certificate, SmtpSecurity.STARTTLS)


@pytest.fixture
def tls_relay(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    yield from relay(certificate, SmtpSecurity.TLS)


def email_for(
    port: int,
    security: SmtpSecurity,
    certificate: tuple[Path, Path],
    tmp_path: Path,
    password: str = PASSWORD,
) -> EmailActivities:
    settings = SmtpSettings(
        host="127.0.0.1",
        port=port,
        security=security,
        username=USER,
        password=SecretStr(password),
        timeout_seconds=5,
    )
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    return EmailActivities(settings, f"sqlite:///{tmp_path / 'mieux.db'}", tls_context=trust)


async def test_a_notice_goes_through_a_starttls_relay_with_a_login(
    starttls_relay: tuple[Inbox, int], certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, port = starttls_relay
    email = email_for(port, SmtpSecurity.STARTTLS, certificate, tmp_path)

    receipt = await ActivityEnvironment().run(email.send_notice, make_notice())

    assert receipt.sent and len(inbox.messages) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_a_notice_goes_through_an_implicit_tls_relay_with_a_login(
    tls_relay: tuple[Inbox, int], certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, port = tls_relay
    email = email_for(port, SmtpSecurity.TLS, certificate, tmp_path)

    receipt = await ActivityEnvironment().run(email.send_notice, make_notice())

    assert receipt.sent and len(inbox.messages) == 1


async def test_a_wrong_password_sends_nothing_and_is_retried_once_the_settings_are_fixed(
    starttls_relay: tuple[Inbox, int], certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, port = starttls_relay
    wrong = email_for(port, SmtpSecurity.STARTTLS, certificate, tmp_path, password="wrong")

    with pytest.raises(ApplicationError) as error:
        await ActivityEnvironment().run(wrong.send_notice, make_notice())

    assert error.value.type == "SmtpUnavailable" and not error.value.non_retryable
    assert "wrong" not in error.value.message and PASSWORD not in error.value.message
    right = email_for(port, SmtpSecurity.STARTTLS, certificate, tmp_path)
    assert (await ActivityEnvironment().run(right.send_notice, make_notice())).sent
    assert len(inbox.messages) == 1
