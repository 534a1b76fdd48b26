"""Credential redaction of environment variables and git remotes."""

from __future__ import annotations

import pytest

from jupyter_repro.recorder.redaction import (
    REDACTED,
    is_secret_name,
    redact_env,
    strip_url_credentials,
)

SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "OPENAI_API_KEY": "sk-proj-abc",
    "DB_PASSWORD": "hunter2",
    "MY_PASSWD": "hunter2",
    "MYSQL_PWD": "hunter2",
    "SSH_AUTH_SOCK": "/tmp/ssh-XXXX/agent.1",
    "JUPYTER_TOKEN": "abc",
    "JPY_API_TOKEN": "abc",
    "JUPYTERHUB_API_TOKEN": "abc",
    "some_cookie_jar": "abc",
    "GITHUBTOKEN": "abc",
    "AZURE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=https;AccountKey=abc",
    "DATABASE_URL": "postgres://db/x",
    "SENTRY_DSN": "https://abc@sentry.io/1",
    "GOOGLE_APPLICATION_CREDENTIALS": "/secrets/sa.json",
    "session-secret": "x",
}
KEPT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/home/me",
    "PWD": "/home/me/project",
    "OLDPWD": "/home/me",
    "LANG": "en_US.UTF-8",
    "JPY_SESSION_NAME": "/home/me/project/analysis.ipynb",
    "TOKENIZERS_PARALLELISM": "false",
    "GIT_AUTHOR_NAME": "Me",
    "XAUTHORITY": "/run/user/1000/xauth",
    "KEYBOARD_LAYOUT": "us",
    "GIT_COMMIT": "9fceb02d0ae598e95dc970b74767f19372d61af8",
    "CONDA_PREFIX": "/home/me/miniconda3/envs/Analysis2024_Project_Final_v2",
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_credential_names_are_redacted(name: str) -> None:
    assert redact_env({name: SECRETS[name]}) == {name: REDACTED}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_ordinary_names_are_kept(name: str) -> None:
    assert redact_env({name: KEPT[name]}) == {name: KEPT[name]}


def test_url_credentials_are_redacted_in_any_variable() -> None:
    env = redact_env({"HTTP_PROXY": "http://u:p@h:3128", "PIP_INDEX_URL": "https://me:tok@pypi/s"})
    assert env["HTTP_PROXY"] == "http://<redacted>@h:3128"
    assert env["PIP_INDEX_URL"] == "https://<redacted>@pypi/s"
    assert redact_env({"NO_PROXY": "localhost,.corp"}) == {"NO_PROXY": "localhost,.corp"}


@pytest.mark.parametrize(
    "value",
    [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END ...",
        "-----BEGIN RSA PRIVATE KEY-----",
        "AKIAIOSFODNN7EXAMPLE",
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "xoxb-1234567890-abcdefghijklmnop",
        "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL",  # random-looking, 44 characters
    ],
)
def test_secret_looking_values_are_redacted_whatever_the_name(value: str) -> None:
    assert redact_env({"SOMETHING": value}) == {"SOMETHING": REDACTED}


def test_the_allow_list_exempts_names_not_values() -> None:
    assert not is_secret_name("JPY_SESSION_NAME") and not is_secret_name("PWD")
    assert is_secret_name("XDG_SESSION_COOKIE") and is_secret_name("db_pwd")
    url = "https://u:p@host/n.ipynb"
    assert (
        redact_env({"JPY_SESSION_NAME": url})["JPY_SESSION_NAME"]
        == "https://<redacted>@host/n.ipynb"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:tok@github.com/o/r.git", "https://github.com/o/r.git"),
        ("https://ghp_token@github.com/o/r.git", "https://github.com/o/r.git"),
        ("ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"),
        ("ssh://me:pw@host:22/r.git", "ssh://host:22/r.git"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("https://github.com/o/r.git", "https://github.com/o/r.git"),
        ("/srv/git/r.git", "/srv/git/r.git"),
    ],
)
def test_strip_url_credentials(url: str, expected: str) -> None:
    assert strip_url_credentials(url) == expected
