"""The OpenID provider the single sign-on tests sign in through, run as its own Node process.

It is the certified oidc-provider package (tests/oidc_provider/), signing with its own RSA keys
and publishing them, with the people's claims and any misbehaviour chosen by each test.
"""

import json
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "corporate-parenting-portal"
CLIENT_SECRET = "the-portal-client-secret-registered-at-the-test-provider"
START_TIMEOUT_SECONDS = 30


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def install_provider() -> None:
    """npm ci into tests/oidc_provider, once, from its pinned lock file."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=PROVIDER_DIR,
        check=True,
        capture_output=True,
        timeout=600,
    )


class OpenIDProvider:
    def __init__(self, *, portal_origins: list[str]):
        self.portal_origins = portal_origins
        self.port = 0
        self.process = None
        self.folder = Path(tempfile.mkdtemp(prefix="portal-test-provider-"))

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self, *, kid: str = "key-1") -> None:
        client = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{origin}/sso/callback/" for origin in self.portal_origins],
            "post_logout_redirect_uris": [f"{origin}/account/sign-in/" for origin in self.portal_origins],
        }
        config = self.folder / "config.json"
        config.write_text(json.dumps({"port": self.port, "client": client, "kid": kid}))
        log = (self.folder / "provider.log").open("ab")
        self.process = subprocess.Popen(
            ["node", "server.mjs", str(config)], cwd=PROVIDER_DIR, stdout=subprocess.PIPE, stderr=log
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            if ready:
                line = self.process.stdout.readline().decode()
                if line.startswith("listening "):
                    self.port = int(line.split()[1])
                    return
                if not line:
                    break
        self.stop()
        raise RuntimeError(
            f"The test OpenID provider did not start: {(self.folder / 'provider.log').read_text()}"
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self, *, kid: str) -> None:
        """The provider rotates its signing key: the same address, a new key with a new id."""
        self.stop()
        for _ in range(50):
            try:
                self.start(kid=kid)
                return
            except RuntimeError:
                time.sleep(0.2)
        raise RuntimeError("The test OpenID provider did not restart")

    def behave(self, *, accounts: dict, id_token: str = "normal") -> None:
        answer = requests.post(
            f"{self.issuer}/_test/behaviour", json={"accounts": accounts, "id_token": id_token}, timeout=10
        )
        answer.raise_for_status()

    def sign_in(self, authorization_url: str, *, username: str) -> str:
        """What a person's browser does at the provider: its sign-in form, then back to the portal.
        Returns the address the provider sends the browser back to."""
        with requests.Session() as browser:
            answer = browser.get(authorization_url, allow_redirects=False, timeout=10)
            address = authorization_url
            for _ in range(12):
                if answer.is_redirect:
                    address = urljoin(address, answer.headers["Location"])
                    if not address.startswith(self.issuer):
                        return address
                    answer = browser.get(address, allow_redirects=False, timeout=10)
                    continue
                action = re.search(r'<form method="post" action="([^"]+)"', answer.text)
                assert action, f"The provider answered {answer.status_code}: {answer.text[:500]}"
                address = urljoin(self.issuer, action.group(1))
                answer = browser.post(address, data={"username": username}, allow_redirects=False, timeout=10)
        raise AssertionError("The provider never sent the browser back to the portal")


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
