/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition format 0.0.4: HELP and TYPE lines, escaped
 * label values (always valid UTF-8), exact decimal values, histograms with
 * cumulative _bucket{le} series in seconds, +Inf, _sum and _count.
 */
#ifndef VTEL_PROM_H
#define VTEL_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

struct prom_label {
	const char *name;
	const char *value;
};

/*
 * The largest finite le of prom_histogram(): 2^37 - 1 ns (137 s), where
 * the kernel's last finite bucket ends. With 0 and +Inf, 39 series per
 * histogram.
 */
#define PROM_LADDER_MAX	((1ULL << 37) - 1)

void prom_escape(FILE *f, const char *s, int help);
void prom_family(FILE *f, const char *name, const char *type,
		 const char *help);
/* name{labels} value, value an exact decimal string. */
void prom_sample(FILE *f, const char *name, const struct prom_label *l,
		 size_t nl, const char *value);
void prom_sample_u64(FILE *f, const char *name, const struct prom_label *l,
		     size_t nl, uint64_t v);
/* A duration in ns as seconds, exactly. */
void prom_sample_ns(FILE *f, const char *name, const struct prom_label *l,
		    size_t nl, uint64_t ns);
/*
 * name_bucket/_sum/_count of one series. count is the exits timed (the
 * +Inf bucket is the larger of it and the buckets' sum, so the series is
 * always monotonic). The le bounds are always the log2 ladder 0, 1, 3,
 * ..., 2^k - 1 up to PROM_LADDER_MAX, whatever the kernel sent, so that
 * a series has the same, bounded, set of buckets from one scrape to the
 * next.
 */
void prom_histogram(FILE *f, const char *name, const struct prom_label *l,
		    size_t nl, const struct vtel_bucket *h, size_t nh,
		    uint64_t count, uint64_t sum_ns);

#endif /* VTEL_PROM_H */
