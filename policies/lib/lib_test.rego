package nhi.lib_test.lib

import data.nhi.lib

test_and_more_counts_what_a_list_leaves_out if {
	lib.and_more(7, 5) == " and 2 more"
	lib.and_more(5, 5) == ""
	lib.and_more(0, 5) == ""
}
