# row.awk: efbench CSV rows by column name, for the scripts that write
# results in efbench's schema without efbench: prepend it to a program,
#   awk -v schema="$(build/efbench --schema)" "$(cat scripts/lib/row.awk)
#   PROGRAM"
# (POSIX awk takes one program, from -f or the command line), in which
# set v["column"] for each column a row fills (unset ones stay empty),
# then print row(): the values in the schema's order, so that no script
# holds its own copy of the columns' order.  Values are written as they
# are: none may hold a comma, a double quote or a line break.
function row(   i, line) {
	if (!ncol) ncol = split(schema, col, ",")
	line = v[col[1]]
	for (i = 2; i <= ncol; i++)
		line = line "," v[col[i]]
	return line
}
