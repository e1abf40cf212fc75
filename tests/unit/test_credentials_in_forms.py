"""Credentials in the forms of particular files, tools and languages (secrets_pairs.py,
secrets_phrases.py, secrets_named.py): a .netrc line, an XML element or property named by
the credential word, Oracle's `user/password@host`, "creds -> USER : PASSWORD", a salt,
pepper or HMAC key in an env file, and a password told in a Turkish, Polish, Czech,
Vietnamese, Indonesian or Italian sentence. Only the value is cut; look-alikes pass."""

from __future__ import annotations

import random
import string

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

RNG = random.Random(7)


def _pw(n: int = 12) -> str:
    while True:
        value = "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))
        mixed = value.lower() != value != value.upper()
        if any(c.isdigit() for c in value) and mixed and len(set(value)) >= n - 2:
            return value


ATTACKS = [
    "machine ftp.corp.lan login backup password {}",
    "machine smtp.mail.net\n  login ops@mail.net\n  password {}",
    "<password>{}</password>",
    '<entry key="ldap.bind.password">{}</entry>',
    "<property name='mail.smtp.passwd'>{}</property>",
    "<apiKey>{}</apiKey>",
    "jdbc:oracle:thin:report_ro/{}@//ora-03.lan:1521/FIN",
    "sqlplus etl_user/{}@warehouse",
    "connect scott/{}@orclpdb",
    "Oracle: appsvc/{}@10.1.2.3:1521/SVC",
    "creds -> svc-export : {}",
    "credentials => ci.runner : {}",
    "COOKIE_SALT={}{}",
    "password_pepper: '{}{}'",
    "WEBHOOK_HMAC={}{}",
    "Şifrem {} kimseye verme",
    "şifresi {} olarak değişti",
    "moje haslo to {}",
    "haslo do routera to {}",
    "heslo je {}",
    "mật khẩu wifi là {}",
    "Mật khẩu của anh ấy là {}",
    "kata sandi saya {}",
    "Kata laluan akaun adalah {}",
    "Ecco il nome utente mario e la password {}",
]


@pytest.mark.parametrize("form", ATTACKS)
def test_the_value_is_cut(policy: CompiledPolicy, form: str) -> None:
    values = [_pw() for _ in range(form.count("{}"))]
    text = form.format(*values)
    result = run_stage(policy.input, [text])
    assert result.changed or result.blocked
    out = result.texts[0] or ""
    assert all(value not in out for value in values), out


BENIGN = [
    "machine ftp.corp.lan login anonymous password guest",
    "Set login and password in ~/.netrc, then run the script.",
    '<input type="password">Enter Password</input>',
    "<password>${DB_PASSWORD}</password>",
    "<token>Bearer</token>",
    "<xs:element name='password' type='xs:string'/>",
    "sqlplus / as sysdba",
    "jdbc:oracle:thin:@//db.lan:1521/XE",
    "connect to the db via tns/ldap@corp directory",
    "git clone git@github.com:org/repo.git",
    "the creds -> see the vault: path kv/prod",
    "salt = 1.5 teaspoons",
    "SALT_ROUNDS=12",
    "HMAC_ALGORITHM=sha256",
    "Şifresi nedir bilmiyorum",
    "Şifrem çok uzun ama hatırlıyorum",
    "haslo to jest tajne",
    "mật khẩu là bí mật",
    "kata sandi baru minimal 8 karakter",
    "la password è troppo corta",
    "la password deve avere 8 caratteri",
]


@pytest.mark.parametrize("text", BENIGN)
def test_a_look_alike_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.changed and not result.blocked, result.texts
