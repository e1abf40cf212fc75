"""Passwords told in scripts other than Latin (secrets_scripts.py), through the default
policy's input: the value after the word and its particles is cut; sentences about passwords
in those scripts, and values that do not look made up, pass untouched. Replies are not read
for them (a reader of other scripts would hold back every streamed reply)."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.secrets_scripts import script_password_rule
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

POLICY: CompiledPolicy = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]
CUT = "[REDACTED:KEYWORD_VALUE]"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("新しいパスワードは Rq7vT2mZk9 です。", "Rq7vT2mZk9"),
        ("パスワード：Lm3!xQ8w", "Lm3!xQ8w"),
        ("관리자 비밀번호는 Tz9kPq2Lw 입니다", "Tz9kPq2Lw"),
        ("와이파이 패스워드: Gf6&hJ1kz", "Gf6&hJ1kz"),
        ("服务器的密码是 Wq5nR8tY2 请保管好", "Wq5nR8tY2"),
        ("密碼：Hk4zM9qX", "Hk4zM9qX"),
        ("Пароль: Vb7#mK2pQ", "Vb7#mK2pQ"),
        ("новий пароль — Nc8vB3xQz", "Nc8vB3xQz"),
        ("ο κωδικός είναι: Pd5sF8gHj", "Pd5sF8gHj"),
        ("كلمة السر: Yu2!oP9iL", "Yu2!oP9iL"),
        ("סיסמה: Jk8mN3bVc", "Jk8mN3bVc"),
        ("मेरा पासवर्ड है Xr4tG7yHn", "Xr4tG7yHn"),
        ("รหัสผ่าน Qa1zW2sX3e", "Qa1zW2sX3e"),
        ("পাসওয়ার্ড: Mn5bV6cX7", "Mn5bV6cX7"),
    ],
)
def test_a_password_told_in_another_script_is_cut(text: str, value: str) -> None:
    result = run_stage(POLICY.input, [text])
    assert not result.blocked and result.texts[0] == text.replace(value, CUT)


@pytest.mark.parametrize(
    "text",
    [
        "パスワードは8文字以上で、英数字を含めてください。",
        "パスワードを忘れた場合は Settings から再設定できます。",
        "비밀번호는 abc 입니다",
        "비밀번호는 최소 12자 이상이어야 합니다.",
        "密码已过期，请在 Account 页面更新。",
        "密码是 123456 这样的密码很危险",
        "Пароль должен быть длиннее 8 символов.",
        "Пароль: qwerty — худший выбор.",
        "Пароль: см. /etc/app/secret.conf",
        "كلمة المرور يجب أن تحتوي على 8 أحرف",
        "पासवर्ड रीसेट करने के लिए Forgot Password पर क्लिक करें",
    ],
)
def test_sentences_about_passwords_pass(text: str) -> None:
    for stage in (POLICY.input, POLICY.output):
        result = run_stage(stage, [text])
        assert not result.blocked and result.texts[0] is None


def test_the_rule_needs_a_character_outside_ascii() -> None:
    with pytest.raises(ValueError, match="ASCII alone"):
        script_password_rule(lambda t: t.encode("ascii", "replace").decode())


def test_replies_are_not_read_for_them() -> None:
    assert run_stage(POLICY.output, ["パスワードは Rq7vT2mZk9 です"]).texts[0] is None
