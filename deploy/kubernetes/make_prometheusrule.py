"""Generate the gateway overlay's PrometheusRule from deploy/prometheus/*_rules.yml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = [
    ROOT / "deploy" / "prometheus" / "recording_rules.yml",
    ROOT / "deploy" / "prometheus" / "alert_rules.yml",
]
OUTPUT = ROOT / "deploy" / "kubernetes" / "overlays" / "gateway" / "prometheusrule.yaml"
HEADER = """\
# GENERATED from deploy/prometheus/recording_rules.yml and alert_rules.yml: do not edit.
# Change those files, then run: python deploy/kubernetes/make_prometheusrule.py
# (tests/unit/test_deploy_manifests.py fails while this file is out of date). runbook_url
# stays relative here; the overlay's runbook_base_url (kustomization.yaml) prefixes it.
"""


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (PromQL, descriptions) as literal blocks, as in the rule files."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def rule_groups() -> list[dict[str, Any]]:
    """Every rule group of the rule files, recording rules first (alerts read them)."""
    groups: list[dict[str, Any]] = []
    for path in RULE_FILES:
        doc: dict[str, Any] = yaml.safe_load(path.read_text())
        groups.extend(doc["groups"])
    return groups


def with_runbook_base(groups: list[dict[str, Any]], base: str) -> list[dict[str, Any]]:
    for group in groups:
        for rule in group["rules"]:
            annotations = rule.get("annotations", {})
            if "runbook_url" in annotations:
                annotations["runbook_url"] = f"{base.rstrip('/')}/{annotations['runbook_url']}"
    return groups


def prometheus_rule() -> str:
    doc = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "safeproxy", "labels": {"app.kubernetes.io/name": "safeproxy"}},
        "spec": {"groups": rule_groups()},
    }
    return HEADER + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    mode.add_argument(
        "--rules-only",
        metavar="RUNBOOK_BASE_URL",
        help="print one plain Prometheus rule file, runbook_url prefixed with this base",
    )
    args = parser.parse_args(argv)
    if args.rules_only:
        groups = with_runbook_base(rule_groups(), args.rules_only)
        sys.stdout.write(yaml.dump({"groups": groups}, Dumper=_Dumper, sort_keys=False, width=100))
        return 0
    text = prometheus_rule()
    if args.check:
        if OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run {__file__}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
