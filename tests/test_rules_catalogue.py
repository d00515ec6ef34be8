"""Every rule of the catalogue the product promises (RULES.md, the contract kept beside the project in
`shared/`), with the severities it names, is registered: no rule missing, none extra."""

from __future__ import annotations

from outsourcer.checks.registry import rules

# Rule id -> the severities RULES.md gives it ("warning / error" and "warning; error where ..." are two).
PROMISED: dict[str, set[str]] = {
    "plan/outsourcing-core": {"warning"},
    "plan/no-knowledge": {"warning"},
    "plan/not-outsourcing-enough": {"info"},
    "plan/split-duties": {"info"},
    "vet/no-references": {"warning"},
    "vet/negative-reference": {"warning"},
    "vet/no-interview": {"warning"},
    "vet/identity-unverified": {"warning"},
    "vet/no-trial": {"warning"},
    "vet/red-flags": {"error"},
    "vet/timezone-gap": {"warning"},
    "brief/missing-goals": {"warning"},
    "brief/no-acceptance-criteria": {"warning"},
    "brief/no-point-person": {"warning"},
    "brief/no-important-channel": {"info"},
    "manage/silence": {"warning"},
    "manage/micromanaging": {"warning"},
    "manage/no-feedback": {"info"},
    "manage/underused-retainer": {"info"},
    "manage/over-hour-cap": {"warning"},
    "deliver/overdue": {"warning"},
    "deliver/unreviewed-to-customer": {"error"},
    "deliver/commitment-at-risk": {"error"},
    "deliver/originality": {"warning"},
    "money/late-payment": {"error"},
    "money/paid-late": {"warning"},
    "money/good-worker-waiting": {"error"},
    "money/no-payment-terms": {"warning"},
    "money/no-budget": {"info"},
    "money/over-budget": {"error", "warning"},
    "risk/no-register": {"warning"},
    "risk/unmitigated": {"warning"},
    "risk/no-exit-plan": {"warning"},
    "risk/access-not-revoked": {"error"},
    "risk/shared-credentials": {"warning"},
    "risk/concentration": {"info"},
    "comply/no-agreement": {"error", "warning"},
    "comply/agreement-incomplete": {"warning"},
    "comply/classification-unassessed": {"warning"},
    "comply/classification-risk": {"error", "warning"},
    "comply/missing-tax-form": {"error"},
    "comply/1099-due": {"warning"},
    "comply/document-expiring": {"warning"},
    "comply/backup-withholding": {"error"},
}


def test_every_promised_rule_is_registered_with_its_severities():
    registered = {rule.id: set(rule.levels) for rule in rules()}
    assert sorted(set(PROMISED) - set(registered)) == [], "rules of RULES.md with no code"
    assert sorted(set(registered) - set(PROMISED)) == [], "rules in the code that RULES.md does not name"
    wrong = {
        rule_id: (registered[rule_id], levels) for rule_id, levels in PROMISED.items() if registered[rule_id] != levels
    }
    assert wrong == {}, "severities that differ from RULES.md (registered, promised)"
