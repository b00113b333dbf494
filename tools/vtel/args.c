// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of the numbers on the command line. */
#include <errno.h>
#include <limits.h>

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
