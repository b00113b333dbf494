// SPDX-License-Identifier: GPL-2.0
/* Prometheus exposition: escaping, samples, histograms. */
#include <stdio.h>
#include <stdlib.h>

#include "prom.h"
#include "unit.h"

static char *buf;

static void capture_start(FILE **f, size_t *len)
{
	*f = open_memstream(&buf, len);
}

static char *hist_text(const struct vtel_bucket *h, size_t n, uint64_t count,
		       uint64_t sum)
{
	static const struct prom_label l[] = { { "reason", "io" } };
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	prom_family(f, "t_seconds", "histogram", "test");
	prom_histogram(f, "t_seconds", l, 1, h, n, count, sum);
	fclose(f);
	return out;
}

static void escaping(void)
{
	static const struct { const char *in, *label, *help; } c[] = {
		{ "plain", "plain", "plain" },
		{ "a\"b", "a\\\"b", "a\"b" },
		{ "a\\b", "a\\\\b", "a\\\\b" },
		{ "a\nb", "a\\nb", "a\\nb" },
		{ "\xff", "\xef\xbf\xbd", "\xef\xbf\xbd" },
		{ "\xc2\xb5s", "\xc2\xb5s", "\xc2\xb5s" },
	};
	size_t len, i;
	FILE *f;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("escape %zu", i);
		capture_start(&f, &len);
		prom_escape(f, c[i].in, 0);
		fclose(f);
		CHECK_STR(buf, c[i].label);
		free(buf);
		capture_start(&f, &len);
		prom_escape(f, c[i].in, 1);
		fclose(f);
		CHECK_STR(buf, c[i].help);
		free(buf);
	}
}

static void samples(void)
{
	static const struct prom_label l[] = { { "a", "1" }, { "b", "x\"y" } };
	size_t len;
	FILE *f;

	capture_start(&f, &len);
	prom_family(f, "m_total", "counter", "Help with \\ and\nnewline.");
	prom_sample_u64(f, "m_total", l, 2, UINT64_MAX);
	prom_sample_u64(f, "m_total", NULL, 0, 0);
	prom_sample_ns(f, "m_total", l, 1, 1500000001);
	fclose(f);
	CHECK_STR(buf, "# HELP m_total Help with \\\\ and\\nnewline.\n"
		  "# TYPE m_total counter\n"
		  "m_total{a=\"1\",b=\"x\\\"y\"} 18446744073709551615\n"
		  "m_total 0\n"
		  "m_total{a=\"1\"} 1.500000001\n");
	unit_save("prom", "samples.prom", buf);
	free(buf);
}

static void hist_ladder(void)
{
	static const struct vtel_bucket h[] = {
		{ 0, 1 }, { 511, 10 }, { 1023, 20 }, { UINT64_MAX, 2 },
	};
	char *s = hist_text(h, 4, 33, 123456789);
	unsigned int buckets = 0;
	const char *p;

	for (p = s; (p = strstr(p, "t_seconds_bucket")); p++)
		buckets++;
	CHECK_U64(buckets, 39);	/* 0, 1, 3, ... 2^37 - 1, +Inf */
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"0\"} 1\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"0.000000255\"} 1\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"0.000000511\"} 11\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"0.000001023\"} 31\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"1.073741823\"} 31\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"137.438953471\"} 31\n");
	CHECK_LACKS(s, "le=\"274.877906943\"");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"+Inf\"} 33\n");
	CHECK_HAS(s, "t_seconds_sum{reason=\"io\"} 0.123456789\n");
	CHECK_HAS(s, "t_seconds_count{reason=\"io\"} 33\n");
	unit_save("prom", "hist-ladder.prom", s);
	free(s);
}

static void hist_other(void)
{
	static const struct vtel_bucket odd[] = { { 100, 1 }, { 5000, 2 } };
	static const struct vtel_bucket big[] = { { (1ULL << 40) - 1, 4 } };
	static const struct vtel_bucket open_only[] = { { UINT64_MAX, 5 } };
	char *s;

	unit_case("log-linear bounds: summed into the fixed ladder");
	s = hist_text(odd, 2, 3, 10);
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"0.000000063\"} 0\n"
		  "t_seconds_bucket{reason=\"io\",le=\"0.000000127\"} 1\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"0.000004095\"} 1\n"
		  "t_seconds_bucket{reason=\"io\",le=\"0.000008191\"} 3\n");
	CHECK_HAS(s, "t_seconds_bucket{reason=\"io\",le=\"+Inf\"} 3\n"
		  "t_seconds_sum{reason=\"io\"} 0.00000001\n"
		  "t_seconds_count{reason=\"io\"} 3\n");
	CHECK_LACKS(s, "le=\"0.0000001\"");
	unit_save("prom", "hist-odd.prom", s);
	free(s);

	unit_case("a bound beyond the ladder is only in +Inf");
	s = hist_text(big, 1, 4, 10);
	CHECK_HAS(s, "le=\"137.438953471\"} 0\n");
	CHECK_LACKS(s, "le=\"1099.511627775\"");
	CHECK_HAS(s, "le=\"+Inf\"} 4\n");
	unit_save("prom", "hist-big.prom", s);
	free(s);

	unit_case("only the open bucket");
	s = hist_text(open_only, 1, 5, 10);
	CHECK_HAS(s, "le=\"1.073741823\"} 0\n");
	CHECK_HAS(s, "le=\"+Inf\"} 5\n");
	free(s);

	unit_case("fewer timed than the buckets hold: +Inf == _count");
	s = hist_text(odd, 2, 1, 10);
	CHECK_HAS(s, "le=\"+Inf\"} 3\n");
	CHECK_HAS(s, "t_seconds_count{reason=\"io\"} 3\n");
	free(s);

	unit_case("no buckets");
	s = hist_text(NULL, 0, 0, 0);
	CHECK_HAS(s, "le=\"+Inf\"} 0\n");
	CHECK_HAS(s, "t_seconds_count{reason=\"io\"} 0\n");
	unit_save("prom", "hist-empty.prom", s);
	free(s);
}

UNIT_SUITE(prom_tests, T(escaping), T(samples), T(hist_ladder), T(hist_other));
