// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of the numbers on the command line. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "args.h"

int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

int parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;
	int err = parse_u64(s, &x);

	if (err)
		return err;
	if (x > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

int parse_interval(const char *s, unsigned int *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned int digits = 0;

	if (!s || !*s || *s == '.')
		return -EINVAL;
	for (; *s && *s != '.'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > 3600)
			return -ERANGE;
	}
	if (*s == '.') {
		for (s++; *s; s++) {
			if (*s < '0' || *s > '9' || digits == 3)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*s - '0');
			digits++;
		}
		if (!digits)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	whole = whole * 1000 + frac;
	if (whole < 10 || whole > 3600 * 1000)
		return -ERANGE;
	*ms = (unsigned int)whole;
	return 0;
}

/*
 * A duration with a unit: "250ns", "100us", "2ms", "1s"; "0" or "off" is
 * 0 (off). Whole numbers only, so 1.5ms is written 1500us.
 */
int parse_duration_ns(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; uint64_t mult; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000 },
	};
	char num[24];
	size_t n = 0, i;
	uint64_t v;
	int err;

	if (!s || !*s)
		return -EINVAL;
	if (!strcmp(s, "off") || !strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (!n || n >= sizeof(num))
		return n ? -ERANGE : -EINVAL;
	memcpy(num, s, n);
	num[n] = 0;
	err = parse_u64(num, &v);
	if (err)
		return err;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s + n, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -ERANGE;
		*ns = v * units[i].mult;
		return 0;
	}
	return -EINVAL;
}
