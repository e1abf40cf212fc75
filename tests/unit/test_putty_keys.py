"""PuTTY key files (.ppk): the private part, from `Private-Lines:` to the `Private-MAC:`
line, is a private key; the header and public lines may flow, and text after the file
stays. Prose about the format is no key."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

DEFAULT = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]

PRIVATE = "AAAAIHp7Zx1cQm9vL3Kq8Wn2Rt5Yb0Ue6Io4Pa7Sd9Fg\nAAAAQQDabcdefGHijkl0123"


@pytest.mark.parametrize("version", ["2", "3"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_private_lines_are_cut_up_to_the_mac(version: str, newline: str) -> None:
    lines = [
        f"PuTTY-User-Key-File-{version}: ssh-ed25519",
        "Encryption: none",
        "Comment: deploy@build",
        "Public-Lines: 1",
        "AAAAC3NzaC1lZDI1NTE5AAAAIPublicPart",
        "Private-Lines: 2",
        *PRIVATE.split("\n"),
        "Private-MAC: 8f2a0c9d1e3b4a5f6c7d8e9f0a1b2c3d",
    ]
    text = newline.join(lines) + newline + "Thanks!"
    out = run_stage(DEFAULT.input, [text]).texts[0]
    assert out is not None
    assert "Zx1cQm9vL3Kq8Wn2" not in out and "QQDabcdef" not in out
    assert out.endswith("Thanks!") and "Public-Lines: 1" in out


def test_a_file_cut_short_is_cut_to_the_end() -> None:
    text = "PuTTY-User-Key-File-3: ssh-rsa\nPrivate-Lines: 1\n" + PRIVATE
    out = run_stage(DEFAULT.input, [text]).texts[0]
    assert out is not None and "Zx1cQm9vL3Kq8Wn2" not in out


@pytest.mark.parametrize(
    "text",
    [
        "In a .ppk file the Private-Lines header counts the base64 lines that follow.",
        "PuTTYgen writes Private-Lines and Private-MAC fields.",
    ],
)
def test_prose_about_the_format_passes(text: str) -> None:
    assert run_stage(DEFAULT.input, [text]).texts[0] is None
