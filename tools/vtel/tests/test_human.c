// SPDX-License-Identifier: GPL-2.0
/* Humanised numbers and exact decimals. */
#include "human.h"
#include "unit.h"

static void counts(void)
{
	static const struct { uint64_t v; const char *s; } c[] = {
		{ 0, "0" }, { 7, "7" }, { 999, "999" }, { 1000, "1.0k" },
		{ 1049, "1.0k" }, { 1050, "1.1k" }, { 1234, "1.2k" },
		{ 35149, "35.1k" }, { 99949, "99.9k" }, { 99950, "100k" },
		{ 351000, "351k" }, { 999499, "999k" }, { 999500, "1.0M" },
		{ 1234567, "1.2M" }, { 1000000000, "1.0G" },
		{ 1500000000000ULL, "1.5T" }, { 2000000000000000ULL, "2.0P" },
		{ UINT64_MAX, "18.4E" },
	};
	char buf[HUMAN_LEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("count %llu", (unsigned long long)c[i].v);
		CHECK_STR(human_count(buf, c[i].v), c[i].s);
	}
}

static void times(void)
{
	static const struct { uint64_t v; const char *s; } c[] = {
		{ 0, "0ns" }, { 511, "511ns" }, { 999, "999ns" },
		{ 1000, "1.0\xc2\xb5s" }, { 35100, "35.1\xc2\xb5s" },
		{ 999499, "999\xc2\xb5s" }, { 999500, "1.0ms" },
		{ 35100000, "35.1ms" }, { 2300000000ULL, "2.3s" },
		{ 99940000000ULL, "99.9s" }, { 999400000000ULL, "999s" },
		{ 999500000000ULL, "16m40s" }, { 3599000000000ULL, "59m59s" },
		{ 3600000000000ULL, "1h00m" }, { 7380000000000ULL, "2h03m" },
		{ 360000000000000ULL, "4d04h" }, { UINT64_MAX, "213504d00h" },
	};
	char buf[HUMAN_LEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("ns %llu", (unsigned long long)c[i].v);
		CHECK_STR(human_ns(buf, c[i].v), c[i].s);
	}
}

static void percents(void)
{
	static const struct { uint64_t v; const char *s; } c[] = {
		{ 0, "0.00%" }, { 49, "0.00%" }, { 50, "0.01%" },
		{ 15030, "1.50%" }, { 15050, "1.51%" }, { 1000000, "100.00%" },
		{ 999999, "100.00%" }, { 4294967295ULL, "429496.73%" },
	};
	char buf[HUMAN_LEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("ppm %llu", (unsigned long long)c[i].v);
		CHECK_STR(human_ppm(buf, c[i].v), c[i].s);
	}
}

static void rates(void)
{
	static const struct { double v; const char *s; } c[] = {
		{ 0, "0.0" }, { 0.5, "0.5" }, { 99.9, "99.9" }, { 99.96, "100" },
		{ 2000, "2.0k" }, { 123456.7, "123k" }, { -5, "0.0" },
		{ 1e30, "18.0E" },
	};
	char buf[HUMAN_LEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("rate %g", c[i].v);
		CHECK_STR(human_rate(buf, c[i].v), c[i].s);
	}
}

static void decimals(void)
{
	static const struct { uint64_t v; unsigned int scale; const char *s; } c[] = {
		{ 0, 9, "0" }, { 1, 9, "0.000000001" }, { 1500000000, 9, "1.5" },
		{ 1073741823, 9, "1.073741823" }, { 15030, 4, "1.503" },
		{ 1000000, 4, "100" }, { 42, 0, "42" },
		{ UINT64_MAX, 0, "18446744073709551615" },
		{ UINT64_MAX, 9, "18446744073.709551615" },
		{ 5, 25, "0.0000000000000000005" },
	};
	char buf[HUMAN_LEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("decimal %llu/10^%u", (unsigned long long)c[i].v, c[i].scale);
		CHECK_STR(exact_decimal(buf, c[i].v, c[i].scale), c[i].s);
	}
}

UNIT_SUITE(human_tests, T(counts), T(times), T(percents), T(rates), T(decimals));
