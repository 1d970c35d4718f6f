package nhi.main_test

import data.nhi.main
import data.nhi.test.fixtures as fx

meta := {
	"lp_001": {"id": "NHI-LP-001", "severity": "critical", "sources": ["synth", "plan", "state", "live"]},
	"own_001": {"id": "NHI-OWN-001", "severity": "high", "sources": ["live"]},
}

inp(source) := fx.input_of(source, {
	"identities": [fx.role("app", {"governance": object.remove(fx.governed, ["owner"]), "policies": [{"policy": "policy:admin"}]})],
	"policies": [fx.policy("admin", [fx.allow(["*"], ["*"])], {})],
})

test_aggregator_adds_rule_id_and_severity if {
	fs := main.findings with input as inp("synth") with data.nhi.meta as meta
	fs == {{"ruleId": "NHI-LP-001", "severity": "critical", "resource": "policy:admin", "identity": "role:app", "message": "policy admin allows every action (Action \"*\")"}}
}

test_aggregator_runs_only_rules_for_the_source if {
	fs := main.findings with input as inp("live") with data.nhi.meta as meta
	{f.ruleId | some f in fs} == {"NHI-LP-001", "NHI-OWN-001"}
}

test_rule_without_meta_is_not_run if {
	fs := main.findings with input as inp("synth") with data.nhi.meta as {}
	count(fs) == 0
}
