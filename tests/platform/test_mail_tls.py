"""SMTP with encryption and credentials, against a real aiosmtpd server with a certificate made for the
test: STARTTLS (``smtp://``) and TLS from the first byte (``smtps://``), the user and password from the
environment; a server whose certificate is not trusted is refused (nothing sent in clear)."""

import datetime
import ipaddress
import smtplib
import ssl

import pytest
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from permille.mail.compose import compose
from permille.mail.transport import Smtp, email_message
from tests.mailserver import MailServer, _free_port, _Keeper, text_of

USER, PASSWORD = "platform", "s3cret-for-the-test"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for localhost and 127.0.0.1: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def _authenticator(_server, _session, _envelope, mechanism, data):
    return AuthResult(
        success=mechanism in ("LOGIN", "PLAIN")
        and data.login == USER.encode()
        and data.password == PASSWORD.encode()
    )


class TlsMailServer(MailServer):
    """The test SMTP server with TLS (``mode`` "starttls" or "ssl") and required authentication."""

    def __init__(self, context: ssl.SSLContext, mode: str):
        super().__init__()
        from aiosmtpd.controller import Controller

        options = {"authenticator": _authenticator, "auth_required": True}
        if mode == "starttls":
            options |= {"tls_context": context, "require_starttls": True}
        else:
            options |= {"ssl_context": context, "auth_require_tls": False}
        self.controller = Controller(
            _Keeper(self), hostname="127.0.0.1", port=_free_port(), server_hostname="localhost", **options
        )
        self.mode = mode

    def start(self):
        self.controller.start()
        return self


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_encrypted_and_authenticated(certificate, mode):
    cert_file, key_file = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    server = TlsMailServer(context, mode).start()
    try:
        scheme = "smtp" if mode == "starttls" else "smtps"
        url = f"{scheme}://127.0.0.1:{server.port}"
        environ = {
            "PERMILLE_SMTP_USER": USER,
            "PERMILLE_SMTP_PASSWORD": PASSWORD,
            "PERMILLE_SMTP_CAFILE": str(cert_file),
        }
        message = compose("password_changed", "ana@example.org", "es", name="Ana", email="ana@example.org")
        Smtp.from_url(url, environ).send(email_message(message, "platform <p@example.org>"))
        received = server.wait_for("ana@example.org")[0]
        assert "contraseña" in text_of(received)
        anonymous = Smtp.from_url(url, {"PERMILLE_SMTP_CAFILE": str(cert_file)})
        with pytest.raises(smtplib.SMTPException, match="530"):  # the server requires the credentials
            anonymous.send(email_message(message, "platform <p@example.org>"))
        # without the certificate's CA the server is not trusted: refused before anything is sent
        untrusted = Smtp.from_url(url, {"PERMILLE_SMTP_USER": USER, "PERMILLE_SMTP_PASSWORD": PASSWORD})
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusted.send(email_message(message, "platform <p@example.org>"))
        assert len(server.to("ana@example.org")) == 1
    finally:
        server.controller.stop()
