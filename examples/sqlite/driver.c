/* SPDX-License-Identifier: MIT */
/*
 * A small SQLite program for scripts/demo.sh: `xsplice run` links it and
 * Debian's libsqlite3.a objects into the running process and calls main.
 * Same output whether linked by xsplice or by gcc.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

static int print_row(void *title, int n, char **val, char **col)
{
	int *first = title;

	if (*first) {
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? " | " : "  ", col[i]);
		printf("\n");
		*first = 0;
	}
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? " | " : "  ", val[i] ? val[i] : "NULL");
	printf("\n");
	return 0;
}

static int query(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int first = 1;

	printf("> %s\n", sql);
	if (sqlite3_exec(db, sql, print_row, &first, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s\n", err ? err : "error");
		sqlite3_free(err);
		return 1;
	}
	return 0;
}

int main(void)
{
	static const char *const sql[] = {
		"CREATE TABLE relocs(arch TEXT, name TEXT, bits INTEGER, pcrel INTEGER)",
		"INSERT INTO relocs VALUES"
		" ('x86_64', 'R_X86_64_64', 64, 0), ('x86_64', 'R_X86_64_PC32', 32, 1),"
		" ('x86_64', 'R_X86_64_PLT32', 32, 1), ('x86_64', 'R_X86_64_32S', 32, 0),"
		" ('aarch64', 'R_AARCH64_CALL26', 26, 1), ('aarch64', 'R_AARCH64_ABS64', 64, 0),"
		" ('aarch64', 'R_AARCH64_ADR_PREL_PG_HI21', 21, 1)",
		"SELECT arch, count(*) AS types, sum(pcrel) AS pc_relative, avg(bits) AS avg_bits"
		" FROM relocs GROUP BY arch ORDER BY arch",
		"SELECT name, printf('%#x', (1 << (bits - 1)) - 1) AS max_positive"
		" FROM relocs WHERE bits < 64 ORDER BY bits, name",
		"WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL"
		" SELECT n + 1, b, a + b FROM fib WHERE n < 12)"
		" SELECT group_concat(a, ' ') AS fibonacci FROM fib",
		"SELECT json_group_array(name) AS pc_relative FROM relocs WHERE pcrel",
		"SELECT length(zeroblob(4096)) AS blob_len,"
		" round(exp(1), 6) AS e, sqlite_compileoption_used('THREADSAFE=1') AS threadsafe",
	};
	sqlite3 *db;
	int rc = 0;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite: cannot open an in-memory database\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == 0; i++)
		rc = query(db, sql[i]);
	sqlite3_close(db);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}
