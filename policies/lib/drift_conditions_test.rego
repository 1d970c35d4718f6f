package nhi.lib_test.drift_conditions

import data.nhi.lib.drift

c(op, key, values) := {"operator": op, "key": key, "values": values}

kept(d, l) if drift.condition_restricts(d, l)

# --- equality operators: a `*` is a character -------------------------------------------------

test_string_equals_star_is_a_literal if {
	d := c("StringEquals", "aws:principaltag/team", ["*"])
	not kept(d, c("StringEquals", "aws:principaltag/team", ["lab"]))
	kept(d, c("StringEquals", "aws:principaltag/team", ["*"]))
}

test_string_equals_fewer_values_keep_more_values_widen if {
	d := c("StringEquals", "aws:sourcevpce", ["vpce-1", "vpce-2"])
	kept(d, c("stringequals", "aws:sourcevpce", ["vpce-1"]))
	not kept(d, c("StringEquals", "aws:sourcevpce", ["vpce-1", "vpce-3"]))
}

test_a_live_like_is_an_equality_only_without_wildcards if {
	d := c("StringEquals", "sts:externalid", ["meridian-7"])
	kept(d, c("StringLike", "sts:externalid", ["meridian-7"]))
	not kept(d, c("StringLike", "sts:externalid", ["meridian-*"]))
	not kept(d, c("StringLike", "sts:externalid", ["*"]))
}

test_ignore_case if {
	d := c("StringEqualsIgnoreCase", "aws:principaltag/team", ["Lab"])
	kept(d, c("StringEqualsIgnoreCase", "aws:principaltag/team", ["lab"]))
	kept(d, c("StringEquals", "aws:principaltag/team", ["LAB"]))
	not kept(c("StringEquals", "aws:principaltag/team", ["Lab"]), c("StringEqualsIgnoreCase", "aws:principaltag/team", ["Lab"]))
}

test_bool_and_null if {
	kept(c("Bool", "aws:multifactorauthpresent", ["true"]), c("Bool", "aws:multifactorauthpresent", ["true"]))
	not kept(c("Bool", "aws:multifactorauthpresent", ["true"]), c("Bool", "aws:multifactorauthpresent", ["false"]))
	not kept(c("Bool", "aws:multifactorauthpresent", ["true"]), c("Null", "aws:multifactorauthpresent", ["false"]))
}

# --- patterns ---------------------------------------------------------------------------------

test_like_declared if {
	d := c("StringLike", "token.actions.githubusercontent.com:sub", ["repo:stmarys/nhi:*"])
	kept(d, c("StringLike", "token.actions.githubusercontent.com:sub", ["repo:stmarys/nhi:ref:refs/heads/*"]))
	kept(d, c("StringEquals", "token.actions.githubusercontent.com:sub", ["repo:stmarys/nhi:ref:refs/heads/main"]))
	not kept(d, c("StringLike", "token.actions.githubusercontent.com:sub", ["repo:stmarys/*"]))
	not kept(d, c("StringLike", "token.actions.githubusercontent.com:sub", ["*"]))
}

test_a_single_character_wildcard_does_not_cover_a_live_star if {
	not kept(c("StringLike", "aws:username", ["svc-?"]), c("StringLike", "aws:username", ["svc-*"]))
	kept(c("StringLike", "aws:username", ["svc-?"]), c("StringLike", "aws:username", ["svc-a"]))
}

test_arn_equals_takes_wildcards_as_arn_like if {
	d := c("ArnEquals", "aws:sourcearn", ["arn:aws:sns:us-east-1:111122223333:lab-*"])
	kept(d, c("ArnLike", "aws:sourcearn", ["arn:aws:sns:us-east-1:111122223333:lab-results"]))
	not kept(d, c("ArnLike", "aws:sourcearn", ["arn:aws:sns:us-east-1:111122223333:*"]))
}

test_an_unresolved_reference_stays_a_pattern_under_string_equals if {
	d := {"operator": "StringEquals", "key": "aws:sourcearn", "values": ["arn:aws:kms:us-east-1:111122223333:key/*"], "patterns": ["arn:aws:kms:us-east-1:111122223333:key/*"]}
	kept(d, c("StringEquals", "aws:sourcearn", ["arn:aws:kms:us-east-1:111122223333:key/1234"]))
	not kept(d, c("StringEquals", "aws:sourcearn", ["arn:aws:kms:us-east-1:444455556666:key/1234"]))
}

# --- exclusions and bounds --------------------------------------------------------------------

test_negated_operators_keep_every_exclusion if {
	d := c("StringNotEquals", "aws:principalaccount", ["444455556666", "777788889999"])
	kept(d, c("StringNotEquals", "aws:principalaccount", ["444455556666", "777788889999", "123412341234"]))
	not kept(d, c("StringNotEquals", "aws:principalaccount", ["444455556666"]))
	n := c("StringNotLike", "aws:userid", ["AIDA*:contractor-*"])
	kept(n, c("StringNotLike", "aws:userid", ["AIDA*"]))
	not kept(n, c("StringNotLike", "aws:userid", ["AIDA*:contractor-a*"]))
}

test_numeric_and_date_bounds if {
	d := c("NumericLessThan", "aws:multifactorauthage", ["3600"])
	kept(d, c("NumericLessThan", "aws:multifactorauthage", ["900"]))
	not kept(d, c("NumericLessThan", "aws:multifactorauthage", ["86400"]))
	g := c("DateGreaterThan", "aws:currenttime", ["2026-01-01T00:00:00Z"])
	kept(g, c("DateGreaterThan", "aws:currenttime", ["2026-06-01T00:00:00Z"]))
	not kept(g, c("DateGreaterThan", "aws:currenttime", ["2025-06-01T00:00:00Z"]))

	# Another date form is compared as text only.
	not kept(g, c("DateGreaterThan", "aws:currenttime", ["1767225600"]))
}

test_set_prefix_and_if_exists if {
	d := c("ForAllValues:StringEquals", "aws:tagkeys", ["owner", "purpose"])
	kept(d, c("ForAllValues:StringEquals", "aws:tagkeys", ["owner"]))
	not kept(d, c("ForAnyValue:StringEquals", "aws:tagkeys", ["owner"]))
	e := c("StringEquals", "aws:sourcevpc", ["vpc-1"])
	not kept(e, c("StringEqualsIfExists", "aws:sourcevpc", ["vpc-1"]))
	kept(c("StringEqualsIfExists", "aws:sourcevpc", ["vpc-1"]), e)
}

# IAM wildcards span every character, dots included.
test_wildcards_span_dots if {
	kept(c("StringLike", "aws:referer", ["https://*.stmarys.example/*"]), c("StringLike", "aws:referer", ["https://portal.eu.stmarys.example/a.html"]))
}

# Number and time texts without regex.match; glob syntax in condition values is literal.
test_numeric_and_time_text_with_string_functions if {
	drift.numeric_text("42")
	drift.numeric_text("-3.25")
	not drift.numeric_text("3.")
	not drift.numeric_text(".5")
	not drift.numeric_text("1.2.3")
	not drift.numeric_text("--1")
	not drift.numeric_text("1e5")
	not drift.numeric_text("")
	drift.utc_time_text("2026-11-22T10:00:00Z")
	not drift.utc_time_text("2026-11-22T10:00:00+01")
	not drift.utc_time_text("2026-11-22 10:00:00Z")
	not drift.utc_time_text("2026-1a-22T10:00:00Z")
}
