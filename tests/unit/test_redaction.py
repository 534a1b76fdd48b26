"""No credential and no runtime value at rest: the one table of what a credential looks like
(``code_analysis.credentials``), applied to environment variables, git remotes, cell code and
error messages, and what the script export makes of a redacted literal."""

from __future__ import annotations

import os
import re

import pytest

from jupyter_repro.code_analysis.cell_names import analyze
from jupyter_repro.code_analysis.credential_literals import redact_code, redacted_literals
from jupyter_repro.code_analysis.credentials import (
    NAME_WORDS,
    TOKEN_SHAPES,
    NameWord,
    Strength,
    name_strength,
    name_words,
    redact_text,
    token_shape,
    variable_name,
)
from jupyter_repro.recorder.redaction import (
    MAX_ERROR_MESSAGE,
    REDACTED,
    is_secret_name,
    redact_env,
    stored_error_message,
    strip_url_credentials,
)
from jupyter_repro.script.secret_literals import restore_secrets

# --- environment variables: names -----------------------------------------------------------

SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "OPENAI_API_KEY": "sk-proj-abc",
    "DB_PASSWORD": "hunter2",
    "MY_PASSWD": "hunter2",
    "MYSQL_PWD": "hunter2",
    "DB_PW": "hunter2",  # *_PW (issue 13)
    "DJANGO_SECRETKEY": "django-insecure-abc",  # *SECRET*, *KEY glued (issue 13)
    "MYSQL_PASS": "hunter2",
    "CLIENT_SECRET": "abc",
    "SSH_AUTH_SOCK": "/tmp/ssh-XXXX/agent.1",
    "JUPYTER_TOKEN": "abc",
    "JPY_API_TOKEN": "abc",
    "JUPYTERHUB_API_TOKEN": "abc",
    "HF_TOKEN": "abc",
    "some_cookie_jar": "abc",
    "GITHUBTOKEN": "abc",
    "apiKey": "abc",
    "STRIPE_APIKEY": "abc",
    "AZURE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=https;AccountKey=abc",
    "DATABASE_URL": "postgres://db/x",
    "SENTRY_DSN": "https://abc@sentry.io/1",
    "GOOGLE_APPLICATION_CREDENTIALS": "/secrets/sa.json",
    "SLACK_WEBHOOK": "https://hooks.slack.com/services/T0/B0/x",
    "HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz",
    "session-secret": "x",
}
KEPT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/home/me",
    "PWD": "/home/me/project",
    "OLDPWD": "/home/me",
    "LANG": "en_US.UTF-8",
    "PORT": "8888",
    "PYTHONHASHSEED": "0",
    "JPY_SESSION_NAME": "/home/me/project/analysis.ipynb",
    "TOKENIZERS_PARALLELISM": "false",  # TOKENIZERS is not a token
    "GIT_AUTHOR_NAME": "Me",  # AUTHOR is not AUTH
    "XAUTHORITY": "/run/user/1000/xauth",  # a path to a file, named like no credential
    "KEYBOARD_LAYOUT": "us",  # decided: KEYBOARD is not *KEY
    "GIT_COMMIT": "9fceb02d0ae598e95dc970b74767f19372d61af8",
    "CONDA_PREFIX": "/home/me/miniconda3/envs/Analysis2024_Project_Final_v2",
    "PIP_INDEX_URL": "https://pypi.org/simple",
    "DOCS_URL": "https://example.com/search?q=secret+sauce&page=2&sort=date",
    "GIT_REMOTE": "ssh://git@github.com/o/r.git",
    "LS_COLORS": "rs=0:di=01;34:ln=01;36:mh=00",
    "NO_PROXY": "localhost,.corp",
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_credential_names_are_redacted(name: str) -> None:
    assert redact_env({name: SECRETS[name]}) == {name: REDACTED}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_ordinary_names_and_values_are_kept(name: str) -> None:
    assert redact_env({name: KEPT[name]}) == {name: KEPT[name]}


def test_the_allow_list_exempts_names_not_values() -> None:
    assert not is_secret_name("JPY_SESSION_NAME") and not is_secret_name("PWD")
    assert is_secret_name("XDG_SESSION_COOKIE") and is_secret_name("db_pwd")
    url = "https://u:p@host/n.ipynb"
    assert (
        redact_env({"JPY_SESSION_NAME": url})["JPY_SESSION_NAME"]
        == "https://<redacted>@host/n.ipynb"
    )


# --- values: URL user-info, query parameters, connection strings, headers --------------------

IN_VALUES = [
    # (value of an ordinary variable, as stored)
    ("http://u:p@h:3128", "http://<redacted>@h:3128"),
    ("https://me:tok@pypi/s", "https://<redacted>@pypi/s"),
    ("postgres://user:pa/ss@db.example.com:5432/x", "postgres://<redacted>@db.example.com:5432/x"),
    ("mongodb://user:p@ss@db.example.com/x", "mongodb://<redacted>@db.example.com/x"),
    ("mysql://u:a/b@c@db/x?ssl=1", "mysql://<redacted>@db/x?ssl=1"),
    ("https://x-oauth-0a1b2c@github.com/o/r.git", "https://<redacted>@github.com/o/r.git"),
    (
        "https://api.example.com/f?user=me&password=hunter2",
        "https://api.example.com/f?user=me&password=<redacted>",
    ),
    (
        "https://api.example.com/f?token=abc&page=2",
        "https://api.example.com/f?token=<redacted>&page=2",
    ),
    ("https://api.example.com/f?key=abc", "https://api.example.com/f?key=<redacted>"),
    ("https://api.example.com/f?api_key=abc", "https://api.example.com/f?api_key=<redacted>"),
    ("https://api.example.com/f?secret=abc", "https://api.example.com/f?secret=<redacted>"),
    (
        "https://api.example.com/f?access_token=abc",
        "https://api.example.com/f?access_token=<redacted>",
    ),
    (
        "https://a.blob.core.windows.net/c/b?sv=2020&sig=abc%2B&se=1",
        "https://a.blob.core.windows.net/c/b?sv=2020&sig=<redacted>&se=1",
    ),
    (
        "https://s3/b/k?X-Amz-Credential=AK/2024&X-Amz-Signature=f00d",
        "https://s3/b/k?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>",
    ),
    (
        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123==;EndpointSuffix=x.net",
        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=<redacted>;EndpointSuffix=x.net",
    ),
    (
        "Server=tcp:x;Database=d;User ID=sa;Password=hunter2;",
        "Server=tcp:x;Database=d;User ID=sa;Password=<redacted>;",
    ),
    (
        "Driver={ODBC Driver 18};Uid=sa;Pwd={a;b};",
        "Driver={ODBC Driver 18};Uid=sa;Pwd={<redacted>};",
    ),
    (
        "Endpoint=sb://n.servicebus.windows.net/;SharedAccessKey=abc=",
        "Endpoint=sb://n.servicebus.windows.net/;SharedAccessKey=<redacted>",
    ),
    (
        "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2020&sig=abc",
        "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=<redacted>&sig=<redacted>",
    ),
    ("-Dhttp.proxyPassword=hunter2 -Xmx2g", "-Dhttp.proxyPassword=<redacted> -Xmx2g"),
    ('{"user": "me", "password": "hunter2"}', '{"user": "me", "password": "<redacted>"}'),
    ("Authorization: Bearer abcdefghijklmnop", "Authorization: <redacted>"),
    ("curl -u me:hunter2 https://x", "curl -u me:<redacted> https://x"),
]


@pytest.mark.parametrize(("value", "expected"), IN_VALUES, ids=[v for v, _ in IN_VALUES])
def test_credentials_inside_a_value_are_redacted_in_place(value: str, expected: str) -> None:
    assert redact_env({"SOMETHING": value}) == {"SOMETHING": expected}


# --- known token formats, whatever the name ---------------------------------------------------

SHAPES = {
    "private key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n"
    "-----END OPENSSH PRIVATE KEY-----",
    "JSON web token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "AWS access key id": "AKIAIOSFODNN7EXAMPLE",
    "GitHub token": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "GitLab token": "glpat-abcdefghij0123456789",
    "Slack token": "xoxb-1234567890-abcdefghijklmnop",
    "OpenAI-style secret key": "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "Stripe secret key": "sk_live_abcdefghijklmnop0123",
    "Hugging Face token": "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "Google API key": "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
    "PyPI token": "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoaWpr",
    "npm token": "npm_abcdefghijklmnopqrstuvwxyz0123456789",
}


def test_every_token_format_of_the_table_has_a_sample_here() -> None:
    assert {shape.kind for shape in TOKEN_SHAPES} == set(SHAPES)


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_known_token_formats_are_redacted_whatever_the_name(kind: str) -> None:
    value = SHAPES[kind]
    shape = token_shape(value)
    assert shape is not None and shape.kind == kind
    assert redact_env({"SOMETHING": value}) == {"SOMETHING": REDACTED}
    assert redact_text(f"failed with {value} here") == f"failed with {REDACTED} here"


@pytest.mark.parametrize(
    "value",
    [
        "ghp_0123456789abcdefghijABCDEFGHIJ012345",
        "-----BEGIN RSA PRIVATE KEY-----",
        "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL",  # random-looking, 44 characters
    ],
)
def test_secret_looking_values_are_redacted_whatever_the_name(value: str) -> None:
    assert redact_env({"SOMETHING": value}) == {"SOMETHING": REDACTED}


def test_a_private_key_cut_before_its_end_is_redacted_to_the_end() -> None:
    text = "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc"
    assert redact_text(text) == f"key: {REDACTED}"


@pytest.mark.parametrize("word", NAME_WORDS, ids=lambda word: word.examples[0])
def test_every_name_word_of_the_table_marks_its_examples(word: NameWord) -> None:
    for name in word.examples:
        assert any(re.fullmatch(word.pattern, w) for w in name_words(name)), name
        assert name_strength(name) is word.strength or name_strength(name) is Strength.STRONG
        code = f'cfg = {{"{name}": "Q3xk9Lm2Pz8Rt5Wv"}}'  # random: a WEAK name's too
        assert redact_code(code) == f'cfg = {{"{name}": "<redacted:{variable_name(name)}>"}}'


# --- git remotes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:tok@github.com/o/r.git", "https://github.com/o/r.git"),
        ("https://ghp_token@github.com/o/r.git", "https://github.com/o/r.git"),
        ("https://user:pa/ss@git.example.com/o/r.git", "https://git.example.com/o/r.git"),
        ("https://user:p@ss@git.example.com/o/r.git", "https://git.example.com/o/r.git"),
        (
            "https://gitlab.com/o/r.git?private_token=abc",
            "https://gitlab.com/o/r.git?private_token=<redacted>",
        ),
        ("ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"),
        ("ssh://me:pw@host:22/r.git", "ssh://host:22/r.git"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("https://github.com/o/r.git", "https://github.com/o/r.git"),
        ("/srv/git/r.git", "/srv/git/r.git"),
    ],
)
def test_strip_url_credentials(url: str, expected: str) -> None:
    assert strip_url_credentials(url) == expected


# --- cell code: a literal that holds a credential ---------------------------------------------

CODE_REDACTED = [
    ('API_KEY = "sk-proj-abcdefghijklmnopqrstuvwx"', 'API_KEY = "<redacted:API_KEY>"'),
    ("DB_PW = 'hunter2'\nn = 3", "DB_PW = '<redacted:DB_PW>'\nn = 3"),
    ('DJANGO_SECRETKEY = "abc"', 'DJANGO_SECRETKEY = "<redacted:DJANGO_SECRETKEY>"'),
    ('API_KEY: str = "xyz"', 'API_KEY: str = "<redacted:API_KEY>"'),
    ('for k in d: password = "pw"', 'for k in d: password = "<redacted:PASSWORD>"'),
    ('if a: x = 1\nelse: secret = "s"', 'if a: x = 1\nelse: secret = "<redacted:SECRET>"'),
    (
        'os.environ["DB_PASSWORD"] = "p@ss/word"',
        'os.environ["DB_PASSWORD"] = "<redacted:DB_PASSWORD>"',
    ),
    ('self.auth_token = "x1"', 'self.auth_token = "<redacted:AUTH_TOKEN>"'),
    (
        'conn = connect(host="h", password="hunter2")',
        'conn = connect(host="h", password="<redacted:PASSWORD>")',
    ),
    ('def f(password="hunter2"):\n    pass', 'def f(password="<redacted:PASSWORD>"):\n    pass'),
    (
        'cfg = {"secret": "x", "sort_key": "date"}',
        'cfg = {"secret": "<redacted:SECRET>", "sort_key": "date"}',
    ),
    (
        'environ.setdefault("SECRET_KEY", "abc")',
        'environ.setdefault("SECRET_KEY", "<redacted:SECRET_KEY>")',
    ),
    ('MY_KEY = "a8f5f167f44f4964e6c998dee827110c"', 'MY_KEY = "<redacted:MY_KEY>"'),
    ('SESSION_TOKEN = "Q3xk9Lm2Pz8Rt5Wv"', 'SESSION_TOKEN = "<redacted:SESSION_TOKEN>"'),
    (
        'g = Github("ghp_abcdefghijklmnopqrstuvwxyz0123456789")',
        'g = Github("<redacted:GITHUB_TOKEN>")',
    ),
    (
        'e = create_engine("postgresql://u:pa/ss@db/x")',
        'e = create_engine("<redacted:SECRET_URL>")',
    ),
    ('cs = "Server=x;Password=hunter2;"', 'cs = "<redacted:CS>"'),
    ('password = b"hunter2"', 'password = b"<redacted:PASSWORD>"'),
    ('SECRET = """multi\nline"""', 'SECRET = """<redacted:SECRET>"""'),
    ('h = f"token sk-proj-abcdefghijklmnopqrstuvwx {x}"', 'h = f"token <redacted> {x}"'),
    ("x = 1  # password=hunter2", "x = 1  # password=<redacted>"),
    ("%env API_KEY=sk-proj-abcdefghijklmnopqrstuvwx", "%env API_KEY=<redacted:API_KEY>"),
    ("%env DB_PASSWORD hunter2pw", "%env DB_PASSWORD <redacted:DB_PASSWORD>"),
    ("%env GH ghp_abcdefghijklmnopqrstuvwxyz0123456789", "%env GH <redacted:GH>"),
    ("%set_env DB_PASSWORD=hunter2", "%set_env DB_PASSWORD=<redacted:DB_PASSWORD>"),
    (
        "!curl https://me:pw@x.com/?token=abc",
        "!curl https://<redacted>@x.com/?token=<redacted:TOKEN>",
    ),
    (
        "%%bash\nexport PASSWORD=hunter2\necho hi",
        "%%bash\nexport PASSWORD=<redacted:PASSWORD>\necho hi",
    ),
    ("%%writefile c.py\nPASSWORD = 'pw'", "%%writefile c.py\nPASSWORD = '<redacted:PASSWORD>'"),
    ('x = 1\x0c\nAPI_KEY = "abc"', 'x = 1\x0c\nAPI_KEY = "<redacted:API_KEY>"'),  # a form feed
]


@pytest.mark.parametrize(("code", "stored"), CODE_REDACTED, ids=[c for c, _ in CODE_REDACTED])
def test_a_literal_holding_a_credential_is_stored_redacted(code: str, stored: str) -> None:
    assert redact_code(code) == stored


CODE_KEPT = [
    'sort_key = "date"',
    'pad_token = "[PAD]"\neos_token = "</s>"',
    'token = "hello"',
    'key = "user_id"',
    'cache_key = "model_v2_2024_final"',
    'KEYBOARD = "us"',
    'PASSWORD_VAR = "DB_PASSWORD"',
    'CREDENTIALS = "~/sa.json"',
    'PASSWORD_RESET_URL = "https://example.com/reset"',
    "password = getpass.getpass()",
    'url = f"https://{user}:{pw}@host"',
    "%time connect(password=pw)",
    'q = "SELECT * FROM t WHERE key=5"',
    'img = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"',
    'df = pd.read_csv("https://example.com/data.csv?page=2")',
    "if password == 'x':\n    pass",
    "x = (1,\n",  # does not tokenize
    "x = (a\n     % dict(password=pw))",  # `%` continuing an expression is no magic
    'x = """\n!token=abc\n"""',  # nor a `!` inside a string
]


@pytest.mark.parametrize("code", CODE_KEPT)
def test_code_without_a_credential_is_stored_as_it_is(code: str) -> None:
    assert redact_code(code) == code


@pytest.mark.parametrize(
    "code", [c for c, _ in CODE_REDACTED if not c.startswith(("%", "!"))], ids=lambda c: c[:30]
)
def test_redacted_code_reads_and_binds_the_same_names(code: str) -> None:
    before, after = analyze(code), analyze(redact_code(code))
    assert before is not None and after is not None
    assert (after.reads, after.binds, after.defs) == (before.reads, before.binds, before.defs)


# --- error messages ---------------------------------------------------------------------------


def raised(code: str) -> BaseException:
    try:
        exec(code, {})
    except BaseException as error:  # noqa: BLE001 - the exception is what is tested
        return error
    raise AssertionError("the code did not raise")


ERRORS = [
    # (the cell, the message as stored)
    ("s = 'RTSTR' + 'qx01'\nint(s)", "invalid literal for int() with base 10: <str>"),
    ("float('abc'.upper() + 'x')", "could not convert string to float: <str>"),
    ("d = {}\nd['cust' + '42']", "<str>"),
    ("{}[4 + 1]", "<int>"),
    ("raise ValueError([1, 2, 3])", "<list>"),
    ("open('no' + 'pe.csv')", "[Errno 2] No such file or directory: <str>"),
    ("b'caf\\xc3'.decode('ascii')", None),  # ends with a reason, its byte quoted: checked below
    ("raise RuntimeError('for ' + repr('it' + \"'s\"))", "for <str>"),
    (
        "raise RuntimeError('connect failed: postgres://u:' + 'pw@db/x?password=1')",
        "connect failed: postgres://<redacted>@db/x?password=<redacted>",
    ),
    ("raise RuntimeError('token ' + 'ghp_' + 'a' * 36)", f"token {REDACTED}"),
    # code, not data: kept
    ("{}['price']", "'price'"),
    ("open('data/x.csv')", "[Errno 2] No such file or directory: 'data/x.csv'"),
    ("undefined_name", "name 'undefined_name' is not defined"),
    ("import no_such_module_xyz", "No module named 'no_such_module_xyz'"),
    ("x = 1\nx.price", "'int' object has no attribute 'price'"),
    ("class Row: pass\nRow().price", "'Row' object has no attribute 'price'"),
    ("1 + 'a'", "unsupported operand type(s) for +: 'int' and 'str'"),
    ("raise ValueError('bad threshold: -1')", "bad threshold: -1"),
]


@pytest.mark.parametrize(("code", "stored"), ERRORS, ids=[c for c, _ in ERRORS])
def test_error_messages_are_stored_with_values_replaced_by_their_type(
    code: str, stored: str | None
) -> None:
    message = stored_error_message(raised(code), code)
    if stored is None:
        assert message is not None and "<bytes>" not in message and "\\xc3" not in message
    else:
        assert message == stored


def test_a_value_in_the_message_is_kept_only_when_the_cell_code_holds_it() -> None:
    error = raised("int('RTSTRqx01')")
    assert stored_error_message(error, "int('RTSTRqx01')") == (
        "invalid literal for int() with base 10: 'RTSTRqx01'"
    )
    typed = "invalid literal for int() with base 10: <str>"
    assert stored_error_message(error, "int(value)") == typed
    assert stored_error_message(error) == typed


def test_a_credential_redacted_from_the_code_does_not_keep_the_message_value() -> None:
    code = 'API_KEY = "hunter2hunter2"\nint(API_KEY)'
    message = stored_error_message(raised(code), code)
    assert message == "invalid literal for int() with base 10: <str>"


def test_long_messages_are_cut_after_redaction_and_a_cut_value_is_not_kept() -> None:
    error = ValueError("bad: '" + "A" * 2 * MAX_ERROR_MESSAGE + "'")
    message = stored_error_message(error)
    assert message == "bad: <str>"
    error = ValueError("x" * 10 * MAX_ERROR_MESSAGE)
    assert len(stored_error_message(error) or "") == MAX_ERROR_MESSAGE
    error = ValueError("first: '" + "B" * 10 * MAX_ERROR_MESSAGE)  # a quote left open
    assert stored_error_message(error) == "first: <str>..."


def test_an_exception_whose_str_raises_is_stored_by_its_type() -> None:
    class Odd(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert stored_error_message(Odd()) == "<unprintable Odd>"
    assert stored_error_message(None) is None


# --- the export: a redacted literal is read from the environment -------------------------------


def test_the_export_reads_a_redacted_literal_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = redact_code('API_KEY = "sk-proj-abcdefghijklmnopqrstuvwx"\nn = len(API_KEY)')
    restored = restore_secrets(stored, 7)
    assert 'API_KEY = os.environ["API_KEY"]' in restored.code
    assert restored.imports == ("os",)
    assert restored.warnings == (
        "execution 7: a credential was not recorded; the script reads it from the environment "
        "variable API_KEY: set it before running or verifying the script",
    )
    monkeypatch.setenv("API_KEY", "from-the-environment")
    namespace: dict[str, object] = {"os": os}
    exec(restored.code, namespace)
    assert namespace["n"] == len("from-the-environment")
    monkeypatch.delenv("API_KEY")
    with pytest.raises(KeyError, match="API_KEY"):
        exec(restored.code, {"os": os})


def test_a_redacted_bytes_literal_is_read_back_as_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    restored = restore_secrets(redact_code('password = b"hunter2"'), 1)
    monkeypatch.setenv("PASSWORD", "pw")
    namespace: dict[str, object] = {"os": os}
    exec(restored.code, namespace)
    assert namespace["password"] == b"pw"


def test_a_credential_the_script_cannot_read_back_is_a_warning() -> None:
    stored = redact_code('h = f"token sk-proj-abcdefghijklmnopqrstuvwx {x}"')
    restored = restore_secrets(stored, 3)
    assert restored.code == stored and restored.imports == ()
    assert len(restored.warnings) == 1 and "cannot read it back" in restored.warnings[0]
    assert restore_secrets("x = 1  # password=<redacted>", 1).warnings == ()  # a comment


def test_only_whole_marker_literals_are_read_back() -> None:
    stored = redact_code('cfg = {"secret": "x"}\nnote = "<redacted:NOT_A_MARKER> inside"')
    assert [literal.variable for literal in redacted_literals(stored)] == ["SECRET"]
