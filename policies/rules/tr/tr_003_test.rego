package nhi.rules_test.tr_003

import data.nhi.rules.tr_003
import data.nhi.test.fixtures as fx

github := "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"

eks := "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123"

trusting(name, provider, conditions) := fx.role(name, {"trust": {"known": true, "document": {"statements": [{"effect": "Allow", "actions": ["sts:assumerolewithwebidentity"], "principals": {"federated": [provider]}, "conditions": conditions}]}}})

sub(op, host, values) := {"operator": op, "key": sprintf("%s:sub", [host]), "values": values}

aud := {"operator": "StringEquals", "key": "token.actions.githubusercontent.com:aud", "values": ["sts.amazonaws.com"]}

run(roles) := fs if {
	fs := tr_003.findings with input as fx.input_of("synth", {"identities": roles})
}

test_missing_sub_is_reported if {
	run([trusting("ci", github, [aud])]) == {{"resource": "role:ci", "identity": "role:ci", "message": "role ci trusts the OIDC provider token.actions.githubusercontent.com without a \"token.actions.githubusercontent.com:sub\" condition: any workload of that provider can assume it"}}
}

test_org_wide_and_star_sub_are_reported if {
	c := sub("StringLike", "token.actions.githubusercontent.com", ["repo:acme/*", "*"])
	{f.message | some f in run([trusting("ci", github, [aud, c])])} == {
		"role ci trusts the OIDC provider token.actions.githubusercontent.com with StringLike \"token.actions.githubusercontent.com:sub\" = \"repo:acme/*\", which matches any repository or workload",
		"role ci trusts the OIDC provider token.actions.githubusercontent.com with StringLike \"token.actions.githubusercontent.com:sub\" = \"*\", which matches any repository or workload",
	}
}

test_eks_namespace_wildcard_is_reported if {
	c := sub("StringLike", "oidc.eks.us-east-1.amazonaws.com/id/abc123", ["system:serviceaccount:claims:*"])
	count(run([trusting("pods", eks, [c])])) == 1
}

test_one_repository_passes if {
	a := trusting("ci", github, [aud, sub("StringLike", "token.actions.githubusercontent.com", ["repo:acme/claims-export:*"])])
	b := trusting("deploy", github, [aud, sub("StringEquals", "token.actions.githubusercontent.com", ["repo:acme/claims-export:environment:prod"])])
	c := trusting("pods", eks, [sub("StringEquals", "oidc.eks.us-east-1.amazonaws.com/id/abc123", ["system:serviceaccount:claims:exporter"])])
	count(run([a, b, c])) == 0
}

test_star_under_string_equals_is_literal if {
	c := sub("StringEquals", "token.actions.githubusercontent.com", ["repo:acme/*"])
	count(run([trusting("ci", github, [c])])) == 0
}

test_saml_and_service_principals_are_not_oidc if {
	saml := trusting("sso", "arn:aws:iam::111122223333:saml-provider/okta", [])
	count(run([saml])) == 0
}
