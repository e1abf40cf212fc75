"""Secrets given as command-line options (secrets_cli.py): the value is cut, the option and
the user name flow; ports, paths, flags, names and templates after the same options pass."""

from __future__ import annotations

import pytest

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_RULES

SECRETS = Detector("secrets", list(SECRET_RULES.values()), Normalizer())
RULE = Detector("cli", [SECRET_RULES["cli_credential"]], Normalizer())


def cut(text: str) -> set[tuple[str, str]]:
    return {(f.type, text[f.start : f.end]) for f in SECRETS.find(text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mysql -h prod-db -u root -pS3cretPass9x app_db", "S3cretPass9x"),
        ("mysqldump -uroot -p'S3cretPass9x' db > dump.sql", "S3cretPass9x"),
        ("mysql -u root -pSummer2024! db", "Summer2024!"),
        ("docker login -u deploy -p Kx7mQ2vL9pRt registry.io", "Kx7mQ2vL9pRt"),
        ("sshpass -p 'Kx7mQ2vL9pRt' ssh deploy@10.1.2.3", "Kx7mQ2vL9pRt"),
        ("SSHPASS -P \"Kx7mQ2vL9pRt\" ssh deploy@host", "Kx7mQ2vL9pRt"),
        ("mongosh -u admin -p Kx7mQ2vL9pRt --authenticationDatabase admin", "Kx7mQ2vL9pRt"),
        ("redis-cli -a Kx7mQ2vL9pRt -h cache", "Kx7mQ2vL9pRt"),
        ("az login --service-principal -u http://app -p Kx7mQ2vL9pRt~.xyz", "Kx7mQ2vL9pRt~.xyz"),
        ("mysql -u root --password Kx7mQ2vL9pRt app", "Kx7mQ2vL9pRt"),
        ("wget --user deploy --password Hunter2024 https://x.io/f", "Hunter2024"),
        ("curl -u admin:Qz8mLp2Rt5xW https://ci.internal/api/json", "Qz8mLp2Rt5xW"),
        ("curl -u 'admin:Qz8mLp2Rt5xW' https://x.io", "Qz8mLp2Rt5xW"),
        ("curl -uadmin:Qz8mLp2Rt5xW https://x.io", "Qz8mLp2Rt5xW"),
        ("curl --user=admin:Qz8mLp2Rt5xW https://x.io", "Qz8mLp2Rt5xW"),
        ("http -a admin:Qz8mLp2Rt5xW https://x.io", "Qz8mLp2Rt5xW"),
        ("curl -s -u api:key-3ax6xnjp29jd6fds4gc373sgvjxteol0 https://api.mailgun.net",
         "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"),
        ("run:\n  curl -u ci:Qz8mLp2Rt5xW \\\n    https://x.io", "Qz8mLp2Rt5xW"),
    ],
)  # fmt: skip
def test_the_value_of_a_credential_option_is_cut(text: str, value: str) -> None:
    assert ("secret.cli_credential", value) in cut(text)
    # Only the value: the option and the user name flow.
    for f in RULE.find(text):
        assert "-" not in text[f.start : f.start + 1]
        assert "admin" not in text[f.start : f.end]


@pytest.mark.parametrize(
    "text",
    [
        "docker run -u 1000:1000 -p 8080:80 nginx",
        "docker run -u www-data:www-data -p 127.0.0.1:8080:80 nginx",
        "mkdir -p /var/lib/app && ssh -p 2222 deploy@host",
        "curl -u user: https://x.io",
        "curl -u $USER:$PASS https://x.io",
        'curl -u "${USER}:${TOKEN}" https://x.io',
        'curl -u "<user>:<password>" https://x.io',
        "curl -u admin:admin https://localhost:9200",
        "curl -u elastic:changeme localhost:9200",
        "python -m pytest -p no:cacheprovider -k test_Login2",
        "docker compose -p MyProject2024 up -d",
        "gcc -pthread -pedantic -O2 main.c",
        'kubectl patch deploy web -p \'{"spec":{"replicas":3}}\'',
        "git push -u origin feature/ABC-1234",
        "ls -a ~/.ssh && uname -a",
        "mysql --password --user=root",
        "pip install --user numpy==1.26.4",
        "ffmpeg -i in.mp4 -pix_fmt yuv420p -a 44100 out.mp4",
        "openvpn --auth-user-pass creds.txt --auth SHA256",
        "psql --pass --username=app",
        "nmap -p 1-65535 -T4 10.0.0.1",
        "iperf3 -c host -p 5201 -u -b 100M",
        "gcloud storage du -a gs://bucketname",
        "add-apt-repository -U http://myserver/path/to/repo -c main",
        "useradd --passwd user-id alice",
        "b = -alpha0**3 * (phi_a1 - phi0 - derphi0*alpha1)",
        "x = a -p2*q + r",
        "cmake -G Ninja -A ARM64 ..",
        # Targets, packages at versions, revisions and file names take the same letters.
        "ssh -a admin@192.168.1.1",
        "ssh -p 2222 -a deploy@10.0.0.5",
        "ssh -a ubuntu@ec2-3-91-12-44.compute-1.amazonaws.com",
        "ssh -a root@web01",
        "npx -p typescript@5.4.2 tsc --init",
        "npm exec -p cowsay@1.5.0 -- cowsay hi",
        "git log -p v1.2.0~1",
        "git log -p HEAD~3..HEAD",
        "mutt -a Invoice#2024-07.pdf -- someone",
        "ls -a Downloads@2x",
    ],
)
def test_look_alikes_after_the_same_options_pass(text: str) -> None:
    assert RULE.find(text) == []


def test_a_password_option_with_equals_stays_keyword_values() -> None:
    """`--password=X` was found before this rule, under its own name: one finding, that name."""
    text = "mysql --password=Kx7mQ2vL9pRt"
    assert cut(text) == {("secret.keyword_value", "Kx7mQ2vL9pRt")}
