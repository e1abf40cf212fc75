"""Passwords after the word for password in languages not written in Latin letters
(secrets_scripts.py): Russian, Greek, Arabic, Hebrew, Hindi, Chinese, Japanese, Korean,
Thai. The words in their ordinary sentences (forgot your password?, change password) stay."""

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

WORDS = ["пароль", "κωδικός", "كلمة المرور", "סיסמה", "पासवर्ड", "密码", "密碼", "パスワード",
         "비밀번호", "รหัสผ่าน", "парола"]  # fmt: skip


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("sep", [": ", ":", " = ", "：", " — "])
@pytest.mark.parametrize("value", ["Zxcv!9876qw", "Tr0ub4dor&3", "s3cr3t-Pass"])
def test_a_password_after_the_word_is_hidden(word: str, sep: str, value: str) -> None:
    out = run_stage(DEFAULT.input, [f"мой {word}{sep}{value} ok"]).texts[0]
    assert out is not None and value not in out


@pytest.mark.parametrize(
    "text", ["我的密码是 Abc123!xyz", "パスワードはHk7$mnP2qr", "비밀번호는 Qa1@ws3ed입니다"]
)
def test_a_copula_says_it_too(text: str) -> None:
    out = run_stage(DEFAULT.input, [text]).texts[0]
    assert out is not None and out != text


@pytest.mark.parametrize(
    "text",
    [
        "Пароль должен быть не короче 8 символов.",
        "Забыли пароль? Нажмите здесь.",
        "пароль: неверный",
        "请输入密码：",
        "密码长度至少8位",
        "密码是必填项",
        "パスワードを忘れた場合",
        "비밀번호 변경",
        "كلمة المرور: مطلوبة",
        "Password: Zxcv (a Latin word: the other rules' business)",
    ],
)
def test_ordinary_sentences_pass(text: str) -> None:
    out = run_stage(DEFAULT.input, [text])
    assert not out.blocked
    if text.startswith("Password"):
        return
    assert out.texts[0] is None


def test_only_input_reads_them() -> None:
    # A streamed reply keeps no reach of other scripts for these words (detector_types.py).
    out = run_stage(DEFAULT.output, ["пароль: Zxcv!9876qw"]).texts[0]
    assert out is None
