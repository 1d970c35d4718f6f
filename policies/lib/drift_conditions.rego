# Condition comparison for the drift rules (package nhi.lib.drift; its METADATA is in drift.rego).
# Whether a live Condition still restricts at least as much as a declared one (NHI-DRIFT-003,
# NHI-DRIFT-007), per operator as IAM evaluates it:
# - StringEquals (and IgnoreCase), Bool, Null, BinaryEquals, NumericEquals, DateEquals,
#   IpAddress: every live value is a declared value (fewer values restrict more). A `*` in a
#   value of these operators is a character, never a wildcard.
# - StringLike, ArnLike and ArnEquals (AWS evaluates ArnEquals with wildcards as ArnLike): every
#   live value or pattern is matched by a declared pattern. A live Like whose values have no
#   wildcard is an equality; a live Like with a wildcard never keeps a declared equality.
# - The negated operators (StringNotEquals, StringNotLike, ArnNotEquals, ArnNotLike,
#   NumericNotEquals, DateNotEquals, NotIpAddress): every declared value is still excluded live
#   (more exclusions restrict more).
# - NumericLessThan(Equals), DateLessThan(Equals): the live bound is not above the declared one;
#   GreaterThan(Equals): not below. Dates compare only in one ISO 8601 form, else as equal text.
# - The set prefix (ForAllValues:, ForAnyValue:) must be the same; a live ...IfExists widens a
#   declared operator without it.
# Declared values that stayed a pattern of an unresolved reference (checks/drift/resolve.ts lists
# them in the condition's `patterns`) admit what they match whatever the operator.
package nhi.lib.drift

import data.nhi.lib.iam

# The parts of an operator as written: set prefix, base operator (lower case), IfExists.
operator_parts(op) := {"set": set_prefix(op), "base": trim_suffix(base_of(op), "ifexists"), "ifExists": endswith(base_of(op), "ifexists")}

set_prefix(op) := lower(split(op, ":")[0]) if contains(op, ":")

else := ""

base_of(op) := lower(split(op, ":")[1]) if contains(op, ":")

else := lower(op)

# Families of base operators.
equality_ops := {"stringequals", "stringequalsignorecase", "bool", "null", "binaryequals", "numericequals", "dateequals", "ipaddress"}

like_ops := {"stringlike", "arnlike", "arnequals"}

negated_literal_ops := {"stringnotequals", "stringnotequalsignorecase", "numericnotequals", "datenotequals", "notipaddress"}

negated_like_ops := {"stringnotlike", "arnnotlike", "arnnotequals"}

upper_bound_ops := {"numericlessthan", "numericlessthanequals", "datelessthan", "datelessthanequals"}

lower_bound_ops := {"numericgreaterthan", "numericgreaterthanequals", "dategreaterthan", "dategreaterthanequals"}

ignore_case_ops := {"stringequalsignorecase", "stringnotequalsignorecase"}

has_wildcard(v) if contains(v, "*")

has_wildcard(v) if contains(v, "?")

# The live condition lc keeps the declared condition dc (same key, checked by the caller).
condition_restricts(dc, lc) if {
	d := operator_parts(dc.operator)
	l := operator_parts(lc.operator)
	d.set == l.set
	if_exists_kept(d, l)
	values_kept(d.base, l.base, dc, lc)
}

if_exists_kept(d, _) if d.ifExists

if_exists_kept(d, l) if {
	not d.ifExists
	not l.ifExists
}

# An equality declared: the live operator admits only listed literal values.
values_kept(dbase, lbase, dc, lc) if {
	dbase in equality_ops
	live_literal(dbase, lbase, lc)
	every v in lc.values {
		equal_value(dbase, dc, v)
	}
}

# A pattern declared: every live value or pattern is matched by a declared pattern.
values_kept(dbase, lbase, dc, lc) if {
	dbase in like_ops
	lbase in (like_ops | {"stringequals"})
	every v in lc.values {
		pattern_covers(dc, v, lbase)
	}
}

# An exclusion declared: every declared value is still excluded live.
values_kept(dbase, lbase, dc, lc) if {
	dbase in negated_literal_ops
	lbase == dbase
	every dv in dc.values {
		excluded_literal(dbase, lc.values, dv)
	}
}

values_kept(dbase, lbase, dc, lc) if {
	dbase in negated_like_ops
	lbase in negated_like_ops
	every dv in dc.values {
		some lv in lc.values
		iam.glob_match(lv, dv)
	}
}

values_kept(dbase, lbase, dc, lc) if {
	dbase in upper_bound_ops
	lbase == dbase
	bound_not_above(lc.values, dc.values)
}

values_kept(dbase, lbase, dc, lc) if {
	dbase in lower_bound_ops
	lbase == dbase
	bound_not_above(dc.values, lc.values)
}

# The live operator of an equality: the same one, a case-sensitive StringEquals for an IgnoreCase
# declaration, or a Like whose values hold no wildcard.
live_literal(dbase, lbase, _) if lbase == dbase

live_literal(dbase, lbase, _) if {
	dbase == "stringequalsignorecase"
	lbase == "stringequals"
}

live_literal("stringequals", lbase, lc) if {
	lbase in like_ops
	every v in lc.values {
		not has_wildcard(v)
	}
}

equal_value(dbase, dc, v) if {
	not dbase in ignore_case_ops
	v in dc.values
}

equal_value(dbase, dc, v) if {
	dbase in ignore_case_ops
	some dv in dc.values
	lower(dv) == lower(v)
}

equal_value(_, dc, v) if declared_pattern_matches(dc, v)

# A declared value that stayed a pattern of an unresolved reference admits what it matches.
declared_pattern_matches(dc, v) if {
	some p in object.get(dc, "patterns", [])
	iam.glob_match(p, v)
}

# A live literal is covered when a declared pattern matches it; a live pattern when a declared
# pattern matches it as text and every `?` of the declared one is not set against a live wildcard.
pattern_covers(dc, v, _) if v in dc.values

pattern_covers(dc, v, lbase) if {
	some dv in dc.values
	iam.glob_match(dv, v)
	safe_pattern(dv, v, lbase)
}

pattern_covers(dc, v, _) if declared_pattern_matches(dc, v)

safe_pattern(_, _, "stringequals")

safe_pattern(_, v, lbase) if {
	lbase != "stringequals"
	not has_wildcard(v)
}

safe_pattern(dv, v, lbase) if {
	lbase != "stringequals"
	has_wildcard(v)
	not contains(dv, "?")
}

excluded_literal(dbase, values, dv) if {
	not dbase in ignore_case_ops
	dv in values
}

excluded_literal(dbase, values, dv) if {
	dbase in ignore_case_ops
	some lv in values
	lower(lv) == lower(dv)
}

# The largest value of a (not above b): numbers, or ISO 8601 texts of one form.
bound_not_above(a, b) if {
	every v in array.concat(a, b) {
		numeric_text(v)
	}
	max({to_number(v) | some v in a}) <= max({to_number(v) | some v in b})
}

bound_not_above(a, b) if {
	some v in a
	not numeric_text(v)
	every x in array.concat(a, b) {
		utc_time_text(x)
	}
	max({v | some v in a}) <= max({v | some v in b})
}

bound_not_above(a, b) if {
	sort(a) == sort(b)
}

# -?[0-9]+(.[0-9]+)? and YYYY-MM-DDTHH:MM:SSZ, with string functions (never regex.match on input).
numeric_text(v) if {
	parts := split(trim_prefix(v, "-"), ".")
	count(parts) <= 2
	every p in parts {
		iam.digits(p, 1, 64)
	}
}

utc_time_text(x) if {
	count(x) == 20
	[substring(x, 4, 1), substring(x, 7, 1), substring(x, 10, 1), substring(x, 13, 1), substring(x, 16, 1), substring(x, 19, 1)] == ["-", "-", "T", ":", ":", "Z"]
	iam.digits(concat("", [substring(x, 0, 4), substring(x, 5, 2), substring(x, 8, 2), substring(x, 11, 2), substring(x, 14, 2), substring(x, 17, 2)]), 14, 14)
}
