// SPDX-License-Identifier: GPL-2.0
/*
 * vtel-unit: runs every suite; "vtel-unit FILTER" runs the tests whose
 * name contains FILTER. Exit status 1 if any case failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "unit.h"

#define SUITES(X) X(args_tests) X(human_tests) X(json_tests) \
	X(model_tests) X(nl_tests) X(cmd_tests) X(prom_tests) \
	X(rates_tests) X(hist_tests) X(cgtree_tests) X(vmname_tests)

#define DECL(s) extern const struct unit_test s[]; extern const size_t s##_n;
SUITES(DECL)

static char cur_name[160];
static char cur_why[400];
static unsigned int cur_checks, cur_fails;
static bool cur_open;
static unsigned int passed, failed;

static void close_case(void)
{
	if (!cur_open)
		return;
	cur_open = false;
	if (!cur_checks && !cur_fails)
		return;
	if (cur_fails) {
		failed++;
		printf("not ok - %s: %s%s\n", cur_name, cur_why,
		       cur_fails > 1 ? " (and more)" : "");
	} else {
		passed++;
		printf("ok - %s\n", cur_name);
	}
	fflush(stdout);
}

static const char *cur_test;

static void open_case(const char *name)
{
	close_case();
	snprintf(cur_name, sizeof(cur_name), "%s", name);
	cur_checks = cur_fails = 0;
	cur_why[0] = '\0';
	cur_open = true;
}

void unit_case(const char *fmt, ...)
{
	char sub[120], name[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sub, sizeof(sub), fmt, ap);
	va_end(ap);
	snprintf(name, sizeof(name), "%s/%s", cur_test, sub);
	open_case(name);
}

void unit_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	cur_checks++;
	if (ok)
		return;
	if (!cur_fails++) {
		n = snprintf(cur_why, sizeof(cur_why), "%s:%d: ", file, line);
		va_start(ap, fmt);
		vsnprintf(cur_why + n, sizeof(cur_why) - n, fmt, ap);
		va_end(ap);
		for (char *p = cur_why; *p; p++)
			if (*p == '\n')
				*p = ' ';
	}
}

void unit_save(const char *dir, const char *name, const char *s)
{
	const char *base = getenv("VTEL_TEST_OUT");
	char path[512];
	FILE *f;

	if (!base)
		return;
	snprintf(path, sizeof(path), "%s/%s", base, dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", base, dir, name);
	f = fopen(path, "w");
	if (!f) {
		unit_check(false, __FILE__, __LINE__, "cannot write %s: %s",
			   path, strerror(errno));
		return;
	}
	fputs(s, f);
	fclose(f);
}

size_t unit_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		if (*s == '\n' || !s[1])
			n++;
	return n;
}

static void run_suite(const struct unit_test *t, size_t n, const char *filter)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (filter && !strstr(t[i].name, filter))
			continue;
		cur_test = t[i].name;
		open_case(t[i].name);
		t[i].fn();
		close_case();
	}
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;

	setenv("TZ", "UTC", 1);
	tzset();
#define RUN(s) run_suite(s, s##_n, filter);
	SUITES(RUN)
	printf("vtel-unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
