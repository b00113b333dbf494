// SPDX-License-Identifier: GPL-2.0
/*
 * Humanising. Integer arithmetic throughout, so that the same input gives
 * the same string on every machine, and with rounding that carries into
 * the next unit (999.96µs is "1.0ms", not "1000µs").
 */
#include <stdio.h>
#include <string.h>

#include "human.h"
#include "json.h"

/*
 * v in units of div, with at most three significant digits: one decimal
 * below 100, none above. Returns 0 if it rounds to 1000 or more (the
 * caller moves to the next unit).
 */
static int scaled(char *buf, uint64_t v, uint64_t div, const char *unit)
{
	uint64_t tenth = div / 10, t, i;

	if (div >= 10) {
		t = v / tenth + (v % tenth >= (tenth + 1) / 2);
		if (t < 1000) {
			snprintf(buf, HUMAN_LEN, "%llu.%llu%s",
				 (unsigned long long)(t / 10),
				 (unsigned long long)(t % 10), unit);
			return 1;
		}
	}
	i = v / div + (v % div >= (div + 1) / 2);
	if (i >= 1000)
		return 0;
	snprintf(buf, HUMAN_LEN, "%llu%s", (unsigned long long)i, unit);
	return 1;
}

char *human_count(char *buf, uint64_t v)
{
	static const char units[] = "kMGTPE";
	uint64_t div = 1000;
	unsigned int u;
	char unit[2] = "";

	if (v < 1000) {
		snprintf(buf, HUMAN_LEN, "%llu", (unsigned long long)v);
		return buf;
	}
	for (u = 0; u < sizeof(units) - 1; u++, div *= 1000) {
		unit[0] = units[u];
		if (scaled(buf, v, div, unit))
			return buf;
		if (u == sizeof(units) - 2)
			break;
	}
	/* Beyond 999E: only possible near U64_MAX. */
	snprintf(buf, HUMAN_LEN, "%lluE", (unsigned long long)(v / div));
	return buf;
}

char *human_ns(char *buf, uint64_t ns)
{
	uint64_t s, m;

	if (ns < 1000) {
		snprintf(buf, HUMAN_LEN, "%lluns", (unsigned long long)ns);
		return buf;
	}
	if (scaled(buf, ns, 1000, "\xc2\xb5s") ||
	    scaled(buf, ns, 1000000, "ms") ||
	    scaled(buf, ns, 1000000000, "s"))
		return buf;
	s = ns / 1000000000 + (ns % 1000000000 >= 500000000);
	if (s < 3600) {
		snprintf(buf, HUMAN_LEN, "%llum%02llus",
			 (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	} else if (s < 100 * 3600) {
		m = (s + 30) / 60;
		snprintf(buf, HUMAN_LEN, "%lluh%02llum",
			 (unsigned long long)(m / 60),
			 (unsigned long long)(m % 60));
	} else {
		m = (s + 1800) / 3600;
		snprintf(buf, HUMAN_LEN, "%llud%02lluh",
			 (unsigned long long)(m / 24),
			 (unsigned long long)(m % 24));
	}
	return buf;
}

char *human_ppm(char *buf, uint64_t ppm)
{
	uint64_t h = ppm / 100 + (ppm % 100 >= 50);

	snprintf(buf, HUMAN_LEN, "%llu.%02llu%%", (unsigned long long)(h / 100),
		 (unsigned long long)(h % 100));
	return buf;
}

char *human_rate(char *buf, double per_s)
{
	if (!(per_s >= 0))	/* negative or NaN */
		per_s = 0;
	if (per_s < 99.95) {
		snprintf(buf, HUMAN_LEN, "%.1f", per_s);
		return buf;
	}
	if (per_s >= 1.8e19)
		per_s = 1.8e19;
	return human_count(buf, (uint64_t)(per_s + 0.5));
}

char *exact_decimal(char *buf, uint64_t v, unsigned int scale)
{
	uint64_t div = 1, frac;
	char digits[21];
	unsigned int i;
	size_t n;

	if (scale > 19)
		scale = 19;
	for (i = 0; i < scale; i++)
		div *= 10;
	n = stpcpy(buf, out_u64_str(digits, v / div)) - buf;
	frac = v % div;
	if (frac) {
		/* The fraction's scale digits, leading zeros kept. */
		buf[n++] = '.';
		for (i = scale; i; i--) {
			buf[n + i - 1] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += scale;
		while (buf[n - 1] == '0')
			n--;
	}
	buf[n] = '\0';
	return buf;
}
