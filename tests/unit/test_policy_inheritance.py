"""Policy inheritance (`extends`) and baseline filters: merging, errors with YAML paths,
and the "at least as strict" rule; Hypothesis for arbitrary inheritance graphs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.settings.baseline import missing_baselines, weakenings
from safeproxy.settings.inheritance import PolicyTreeError, chain, origin, resolve
from safeproxy.settings.loading import ConfigError, validate
from safeproxy.settings.policy import BlocklistFilter, PiiFilter, PolicySettings, SecretsFilter


def config(policies: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [{"name": "chat", "upstream": "u"}],
        "policies": policies,
        **extra,
    }


def problems(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        validate(cfg)
    return info.value.problems


def names(policy: PolicySettings, stage: str) -> list[str]:
    return [f.name or f.type for f in getattr(policy, stage)]


def test_a_child_gets_its_parents_filters_replaces_same_names_in_place_and_appends() -> None:
    settings = validate(config({
        "default": {},
        "base": {"input": [{"type": "pii"}, {"type": "secrets"}],
                 "output": [{"type": "blocklist", "words": ["alpha"]}],
                 "stream": {"context_chars": 128}},
        "child": {"extends": "base",
                  "input": [{"type": "pii", "action": "block"},
                            {"type": "blocklist", "name": "extra", "words": ["beta"]}]},
    }))  # fmt: skip
    child = settings.policies["child"]
    assert names(child, "input") == ["pii", "secrets", "extra"]
    first = child.input[0]
    assert isinstance(first, PiiFilter) and first.action == "block"  # replaced in place
    assert names(child, "output") == ["blocklist"]
    assert child.stream.context_chars == 128  # inherited: the child gave none
    assert chain(settings.policies, "child") == ["child", "base"]
    assert origin(settings.policies, "child", "input", child.input[1]) == "base"
    assert origin(settings.policies, "child", "input", child.input[0]) == "child"


def test_a_childs_own_stream_settings_win() -> None:
    settings = validate(config({
        "default": {"stream": {"context_chars": 128}},
        "child": {"extends": "default", "stream": {"context_chars": 32}},
    }))  # fmt: skip
    assert settings.policies["child"].stream.context_chars == 32


def test_unknown_parent_and_cycles_are_errors_with_their_path() -> None:
    assert problems(config({"default": {"extends": "nowhere"}})) == [
        ("policies.default.extends", "unknown policy 'nowhere'")
    ]
    [(where, message)] = problems(config({"default": {}, "a": {"extends": "b"},
                                          "b": {"extends": "a"}}))  # fmt: skip
    assert where == "policies.b.extends" and message == "inheritance cycle a -> b -> a"
    [(where, message)] = problems(config({"default": {"extends": "default"}}))
    assert (where, message) == ("policies.default.extends", "inheritance cycle default -> default")


def test_a_child_cannot_weaken_a_baseline_filter_and_keeps_it_a_baseline() -> None:
    base = {"input": [{"type": "secrets", "baseline": True}]}
    [(where, message)] = problems(config({
        "default": base, "child": {"extends": "default",
                                   "input": [{"type": "secrets", "action": "flag"}]},
    }))  # fmt: skip
    assert where == "policies.child.input.0"
    assert "weakens baseline filter 'secrets'" in message and "action flag" in message
    # A change that is not weaker is fine (how a match is shown is free).
    fine = validate(config({
        "default": base,
        "child": {"extends": "default", "input": [{"type": "secrets", "redaction": "mask"}]},
    }))  # fmt: skip
    kept = fine.policies["child"].input[0]
    assert isinstance(kept, SecretsFilter) and kept.redaction == "mask"
    [(where, _)] = problems(config({
        "default": base,
        "child": {"extends": "default", "input": [{"type": "secrets", "redaction": "mask"}]},
        "grandchild": {"extends": "child", "input": [{"type": "secrets", "mode": "shadow"}]},
    }))  # fmt: skip
    # The child's override is still a baseline, so its own child cannot weaken it.
    assert where == "policies.grandchild.input.0"


def test_a_baseline_policy_makes_every_filter_a_baseline() -> None:
    settings = validate(config({
        "default": {"baseline": True, "input": [{"type": "pii"}],
                    "output": [{"type": "secrets"}]},
    }))  # fmt: skip
    policy = settings.policies["default"]
    assert [f.baseline for f in (*policy.input, *policy.output)] == [True, True]


def test_what_counts_as_weaker() -> None:
    pii = PiiFilter(type="pii", entities=["email", "phone"], action="block", baseline=True)
    assert weakenings(pii, pii) == []
    assert weakenings(pii, pii.model_copy(update={"redaction": "mask", "budget_ms": 5})) == []
    lost = weakenings(pii, pii.model_copy(update={"entities": ["email"], "mode": "shadow"}))
    assert lost == ["mode shadow is weaker than enforce", "entities drops ['phone']"]
    assert weakenings(pii, SecretsFilter(type="secrets", name="pii")) == [
        "type secrets instead of pii"
    ]
    words = BlocklistFilter(type="blocklist", words=["a", "b"], baseline=True)
    assert weakenings(words, words.model_copy(update={"words": ["b", "a", "c"]})) == []
    assert weakenings(words, words.model_copy(update={"words": ["a"]})) == ["words drops ['b']"]


def test_missing_baselines_names_each_dropped_or_weakened_filter() -> None:
    required = PolicySettings(
        input=[SecretsFilter(type="secrets", baseline=True), PiiFilter(type="pii")],
        output=[BlocklistFilter(type="blocklist", words=["x"], baseline=True)],
    )
    weaker = PolicySettings(input=[SecretsFilter(type="secrets", action="flag")])
    assert missing_baselines(required, weaker) == [
        "weakens baseline filter input.secrets: action flag is weaker than block",
        "drops baseline filter output.blocklist",
    ]
    assert missing_baselines(required, required) == []


ACTIONS = ("flag", "redact", "block")


@given(st.sampled_from(ACTIONS), st.sampled_from(ACTIONS))
def test_only_a_lower_action_is_a_weakening(base: str, other: str) -> None:
    b = BlocklistFilter(type="blocklist", words=["w"], action=base, baseline=True)  # type: ignore[arg-type]
    c = b.model_copy(update={"action": other})
    assert bool(weakenings(b, c)) == (ACTIONS.index(other) < ACTIONS.index(base))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 7)), min_size=1, max_size=8))
def test_resolve_succeeds_exactly_when_every_chain_ends(parents: list[int | None]) -> None:
    """Policy i extends policy parents[i] (None: no parent; past the end: unknown)."""
    raw = {
        f"p{i}": PolicySettings(
            extends=None if p is None else f"p{p}",
            input=[BlocklistFilter(type="blocklist", name=f"f{i}", words=[f"w{i}"])],
        )
        for i, p in enumerate(parents)
    }

    def ends(i: int) -> bool:
        seen = set()
        at: int | None = i
        while at is not None:
            if at >= len(parents) or at in seen:
                return False
            seen.add(at)
            at = parents[at]
        return True

    if all(ends(i) for i in range(len(parents))):
        resolved = resolve(raw)
        for name in raw:
            lineage = chain(resolved, name)
            # Every ancestor's own filter is there, oldest first; resolving again is a no-op.
            assert names(resolved[name], "input") == [f"f{n[1:]}" for n in reversed(lineage)]
        assert resolve(resolved) == resolved
    else:
        with pytest.raises(PolicyTreeError) as info:
            resolve(raw)
        assert info.value.path.startswith("policies.p") and info.value.path.endswith(".extends")
