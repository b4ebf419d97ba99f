/* End-to-end driver for Debian's libsqlite3.a: exercises the parser, the
 * VDBE, the B-tree, indexes, transactions, aggregates, window functions,
 * recursive CTEs, JSON, triggers, views, user functions and collations, and
 * prints deterministic results.  Its output and exit status must be the same
 * whether the program is linked by gcc or loaded by `xsplice run`. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rows_printed;

static int print_row(void *tag, int n, char **val, char **col)
{
	printf("  %s:", (const char *)tag);
	for (int i = 0; i < n; i++)
		printf(" %s=%s", col[i], val[i] ? val[i] : "NULL");
	printf("\n");
	rows_printed++;
	return 0;
}

static void must(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		printf("FATAL %s: rc=%d %s\n", what, rc, sqlite3_errmsg(db));
		exit(2);
	}
}

static void q(sqlite3 *db, const char *tag, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, print_row, (void *)tag, &err);
	if (rc != SQLITE_OK) {
		printf("  %s: error %d: %s\n", tag, rc, err ? err : "?");
		sqlite3_free(err);
	}
}

/* a user function implemented in the driver, called back from the VDBE */
static void fn_collatz(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_int64 n = sqlite3_value_int64(argv[0]);
	int steps = 0;
	while (n > 1 && steps < 10000) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	sqlite3_result_int(ctx, steps);
}

/* an aggregate: product modulo a prime */
static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_int64 *acc = sqlite3_aggregate_context(ctx, sizeof(*acc));
	if (!acc)
		return;
	if (*acc == 0)
		*acc = 1;
	*acc = (*acc * (sqlite3_value_int64(argv[0]) % 1000003)) % 1000003;
}

static void agg_final(sqlite3_context *ctx)
{
	sqlite3_int64 *acc = sqlite3_aggregate_context(ctx, 0);
	sqlite3_result_int64(ctx, acc ? *acc : 1);
}

/* a collation that orders by string length, then bytes */
static int coll_len(void *arg, int la, const void *a, int lb, const void *b)
{
	(void)arg;
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, (size_t)la);
}

static unsigned lcg(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

int main(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	printf("sqlite %s (source id prefix %.10s)\n", sqlite3_libversion(), sqlite3_sourceid());
	printf("threadsafe=%d\n", sqlite3_threadsafe());
	must(NULL, sqlite3_open(":memory:", &db), "open");

	must(db, sqlite3_create_function(db, "collatz", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					 fn_collatz, NULL, NULL), "create_function");
	must(db, sqlite3_create_function(db, "prodmod", 1, SQLITE_UTF8, NULL, NULL, agg_step,
					 agg_final), "create_aggregate");
	must(db, sqlite3_create_collation(db, "BYLEN", SQLITE_UTF8, NULL, coll_len), "collation");

	q(db, "ddl",
	  "CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"
	  "CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id),"
	  "                 salary REAL, hired TEXT, tags TEXT, photo BLOB);"
	  "CREATE INDEX emp_dept ON emp(dept, salary DESC);"
	  "CREATE TABLE audit(n INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);"
	  "CREATE TRIGGER emp_ins AFTER INSERT ON emp BEGIN"
	  "  INSERT INTO audit(what) VALUES('hired ' || new.name); END;"
	  "CREATE VIEW payroll AS SELECT d.name AS dept, count(*) AS n, sum(e.salary) AS total"
	  "  FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.name;");

	const char *depts[] = {"engineering", "sales", "support", "research", "legal"};
	must(db, sqlite3_prepare_v2(db, "INSERT INTO dept(name) VALUES(?1)", -1, &st, NULL), "prep");
	for (int i = 0; i < 5; i++) {
		sqlite3_bind_text(st, 1, depts[i], -1, SQLITE_STATIC);
		must(db, sqlite3_step(st), "step dept");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);

	must(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	must(db, sqlite3_prepare_v2(db,
				    "INSERT INTO emp(name, dept, salary, hired, tags, photo)"
				    " VALUES(?, ?, ?, ?, ?, ?)", -1, &st, NULL), "prep emp");
	unsigned seed = 12345;
	for (int i = 0; i < 2000; i++) {
		char name[32], hired[16], tags[64];
		unsigned char blob[24];
		snprintf(name, sizeof name, "emp%04d_%c%c", i, 'a' + lcg(&seed) % 26,
			 'a' + lcg(&seed) % 26);
		snprintf(hired, sizeof hired, "20%02u-%02u-%02u", 10 + lcg(&seed) % 14,
			 1 + lcg(&seed) % 12, 1 + lcg(&seed) % 28);
		snprintf(tags, sizeof tags, "[\"t%u\",\"t%u\",%u]", lcg(&seed) % 7, lcg(&seed) % 5,
			 lcg(&seed) % 100);
		for (unsigned k = 0; k < sizeof blob; k++)
			blob[k] = (unsigned char)lcg(&seed);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, 1 + (int)(lcg(&seed) % 5));
		sqlite3_bind_double(st, 3, 30000.0 + (double)(lcg(&seed) % 90000) + 0.25 * (i % 4));
		sqlite3_bind_text(st, 4, hired, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, tags, -1, SQLITE_TRANSIENT);
		if (i % 3)
			sqlite3_bind_blob(st, 6, blob, (int)(sizeof blob - i % 7), SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 6);
		must(db, sqlite3_step(st), "step emp");
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	must(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	printf("changes=%d total_changes=%d last_rowid=%lld\n", sqlite3_changes(db),
	       sqlite3_total_changes(db), (long long)sqlite3_last_insert_rowid(db));

	q(db, "count", "SELECT count(*) AS n, count(photo) AS photos, sum(length(photo)) AS bytes FROM emp");
	q(db, "payroll", "SELECT dept, n, printf('%.2f', total) AS total FROM payroll ORDER BY dept");
	q(db, "agg",
	  "SELECT dept, min(salary) AS lo, max(salary) AS hi, printf('%.3f', avg(salary)) AS mean,"
	  " total(salary) > 1e6 AS big FROM emp GROUP BY dept HAVING count(*) > 10 ORDER BY dept");
	q(db, "top",
	  "SELECT name, salary FROM emp WHERE dept = 3 ORDER BY salary DESC, id LIMIT 5");
	q(db, "window",
	  "SELECT id, dept, salary, rank() OVER w AS r, printf('%.1f', sum(salary) OVER (PARTITION BY"
	  " dept ORDER BY id ROWS 2 PRECEDING)) AS run FROM emp WHERE id % 97 = 0"
	  " WINDOW w AS (PARTITION BY dept ORDER BY salary DESC) ORDER BY id");
	q(db, "cte",
	  "WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT i + 1, b, a + b FROM fib"
	  " WHERE i < 60) SELECT i, a FROM fib WHERE i % 10 = 0");
	q(db, "json",
	  "SELECT json_extract(tags, '$[2]') % 10 AS bucket, count(*) AS n,"
	  " json_group_array(DISTINCT json_extract(tags, '$[0]')) AS firsts"
	  " FROM (SELECT tags FROM emp ORDER BY id LIMIT 200) GROUP BY bucket ORDER BY bucket");
	q(db, "json2", "SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'x', null)) AS o,"
		       " json_valid('{\"x\":') AS bad");
	q(db, "dates",
	  "SELECT strftime('%Y', hired) AS y, count(*) AS n, min(date(hired, '+1 month')) AS first"
	  " FROM emp GROUP BY y ORDER BY y LIMIT 5");
	q(db, "julian", "SELECT julianday('2024-02-29 12:00:00') AS jd, date('2023-01-31', '+1 month') AS d,"
			" strftime('%j %w %H:%M', '2021-12-31 23:59:00') AS f");
	q(db, "strings",
	  "SELECT upper(substr(name, 1, 3)) AS p, count(*) AS n, group_concat(DISTINCT length(name))"
	  " AS lens FROM emp WHERE name LIKE 'emp1%' AND name GLOB '*[a-m]?' GROUP BY p ORDER BY p");
	q(db, "fmt", "SELECT printf('%5d|%-6s|%08.3f|%x|%q|%e', 42, 'ab', 3.14159, 255, 'it''s', 12345.678) AS s");
	q(db, "udf", "SELECT collatz(27) AS c27, collatz(97) AS c97, prodmod(id) AS pm FROM emp WHERE id < 500");
	q(db, "collate", "SELECT name FROM dept ORDER BY name COLLATE BYLEN");
	q(db, "subq",
	  "SELECT d.name, (SELECT count(*) FROM emp e WHERE e.dept = d.id AND e.salary >"
	  " (SELECT avg(salary) FROM emp)) AS above FROM dept d ORDER BY d.id");
	q(db, "exists", "SELECT count(*) AS n FROM emp e WHERE EXISTS (SELECT 1 FROM emp f WHERE"
			" f.dept = e.dept AND f.salary = e.salary AND f.id <> e.id)");
	q(db, "blob", "SELECT hex(substr(photo, 1, 6)) AS h, typeof(photo) AS t FROM emp WHERE id IN (1, 2, 3, 4)");
	q(db, "math", "SELECT abs(-7) AS a, round(2.5) AS r, 7 / 2 AS idiv, 7 % 3 AS m, 1 << 40 AS sh,"
		      " 9223372036854775807 + 0 AS big, cast('12abc' AS INTEGER) AS c, 0.1 + 0.2 = 0.3 AS fp");
	q(db, "update", "UPDATE emp SET salary = salary * 1.05 WHERE dept = 2 AND salary < 40000");
	printf("updated=%d\n", sqlite3_changes(db));
	q(db, "delete", "DELETE FROM emp WHERE id % 10 = 0");
	printf("deleted=%d\n", sqlite3_changes(db));
	q(db, "alter", "ALTER TABLE emp ADD COLUMN note TEXT DEFAULT 'none'");
	q(db, "after", "SELECT count(*) AS n, count(DISTINCT note) AS notes, printf('%.2f', sum(salary)) AS s FROM emp");
	q(db, "audit", "SELECT count(*) AS n, max(n) AS last, min(what) AS first FROM audit");
	q(db, "savepoint", "SAVEPOINT a; DELETE FROM emp; ROLLBACK TO a; RELEASE a; SELECT count(*) AS n FROM emp");
	q(db, "explain", "SELECT count(*) > 0 AS has_plan FROM (EXPLAIN QUERY PLAN SELECT * FROM emp WHERE dept = 1)");
	q(db, "integrity", "PRAGMA integrity_check");
	q(db, "syntax", "SELEC 1");
	q(db, "constraint", "INSERT INTO dept(name) VALUES('sales')");

	/* step through a result by hand, with column types */
	must(db, sqlite3_prepare_v2(db, "SELECT id, name, salary, photo FROM emp WHERE id BETWEEN ? AND ?"
				    " ORDER BY id", -1, &st, NULL), "prep manual");
	sqlite3_bind_int(st, 1, 1001);
	sqlite3_bind_int(st, 2, 1006);
	while (sqlite3_step(st) == SQLITE_ROW) {
		printf("  row: %d %s %.2f types=%d%d%d%d blob=%d\n", sqlite3_column_int(st, 0),
		       (const char *)sqlite3_column_text(st, 1), sqlite3_column_double(st, 2),
		       sqlite3_column_type(st, 0), sqlite3_column_type(st, 1),
		       sqlite3_column_type(st, 2), sqlite3_column_type(st, 3),
		       sqlite3_column_bytes(st, 3));
	}
	sqlite3_finalize(st);

	char *s = sqlite3_mprintf("%s-%d-%Q", "mprintf", 7, "o'k");
	printf("%s\n", s);
	sqlite3_free(s);
	printf("rows_printed=%d\n", rows_printed);
	must(db, sqlite3_close(db), "close");
	printf("done\n");
	return 0;
}
