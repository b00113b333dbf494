/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny test harness. A test function is one case unless it calls
 * unit_case() to split itself into several (table-driven tests: one case
 * per row). Each case prints "ok - NAME" or "not ok - NAME: WHY".
 */
#ifndef VTEL_UNIT_H
#define VTEL_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define T(fn) { #fn, fn }
#define UNIT_SUITE(sym, ...) \
	extern const struct unit_test sym[]; \
	extern const size_t sym##_n; \
	const struct unit_test sym[] = { __VA_ARGS__ }; \
	const size_t sym##_n = sizeof(sym) / sizeof(sym[0])

void unit_case(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void unit_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Writes s to $VTEL_TEST_OUT/<dir>/<name> for the external checkers. */
void unit_save(const char *dir, const char *name, const char *s);

#define CHECK(c) unit_check(!!(c), __FILE__, __LINE__, "%s", #c)
#define CHECK_U64(a, b) do { \
	unsigned long long _a = (a), _b = (b); \
	unit_check(_a == _b, __FILE__, __LINE__, "%s == %llu, want %s == %llu", \
		   #a, _a, #b, _b); \
} while (0)
#define CHECK_INT(a, b) do { \
	long long _a = (a), _b = (b); \
	unit_check(_a == _b, __FILE__, __LINE__, "%s == %lld, want %lld", \
		   #a, _a, _b); \
} while (0)
#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	unit_check(_a && _b && !strcmp(_a, _b), __FILE__, __LINE__, \
		   "%s == \"%s\", want \"%s\"", #a, _a ? _a : "(null)", \
		   _b ? _b : "(null)"); \
} while (0)
#define CHECK_HAS(hay, needle) do { \
	const char *_h = (hay), *_n = (needle); \
	unit_check(_h && strstr(_h, _n), __FILE__, __LINE__, \
		   "%s lacks \"%s\": \"%.300s\"", #hay, _n, _h ? _h : "(null)"); \
} while (0)
#define CHECK_LACKS(hay, needle) do { \
	const char *_h = (hay), *_n = (needle); \
	unit_check(_h && !strstr(_h, _n), __FILE__, __LINE__, \
		   "%s has \"%s\"", #hay, _n); \
} while (0)

#define CHECK_PREFIX(s, prefix) do { \
	const char *_s = (s), *_p = (prefix); \
	unit_check(_s && !strncmp(_s, _p, strlen(_p)), __FILE__, __LINE__, \
		   "%s does not start with \"%s\": \"%.300s\"", #s, _p, \
		   _s ? _s : "(null)"); \
} while (0)

/* Number of lines in s (a final line without '\n' counts). */
size_t unit_lines(const char *s);

#endif /* VTEL_UNIT_H */
