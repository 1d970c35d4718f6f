package nhi.rules_test.tr_006

import data.nhi.rules.tr_006
import data.nhi.test.fixtures as fx

trusted(name, statements) := fx.role(name, {"trust": {"known": true, "document": {"statements": statements}}})

allow(principals) := {"effect": "Allow", "actions": ["sts:assumerole"], "principals": principals, "conditions": []}

test_two_services_across_statements_are_reported if {
	r := trusted("shared", [allow({"service": ["lambda.amazonaws.com"]}), allow({"service": ["ecs-tasks.amazonaws.com"]})])
	fs := tr_006.findings with input as fx.input_of("synth", {"identities": [r]})
	fs == {{"resource": "role:shared", "identity": "role:shared", "message": "role shared is trusted by 2 service or workload principals: ecs-tasks.amazonaws.com, lambda.amazonaws.com"}}
}

test_service_and_oidc_workload_are_reported if {
	r := trusted("mixed", [allow({"service": ["lambda.amazonaws.com"], "federated": ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]})])
	count(tr_006.findings) == 1 with input as fx.input_of("synth", {"identities": [r]})
}

test_one_service_repeated_and_deny_statements_pass if {
	r := trusted("fn", [
		allow({"service": ["lambda.amazonaws.com"]}),
		allow({"service": ["Lambda.amazonaws.com"]}),
		{"effect": "Deny", "principals": {"service": ["ec2.amazonaws.com"]}, "conditions": []},
	])
	count(tr_006.findings) == 0 with input as fx.input_of("synth", {"identities": [r]})
}
