/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text histograms of handling times. The kernel sends non-empty buckets
 * only, each with its inclusive upper bound. For display, adjacent buckets
 * within one power of two are merged into its row of the log2 ladder
 * (0, 1, 3, 7, ... 2^k - 1: the kernel's log-linear sub-buckets never
 * straddle a power of two), and the empty rows between are filled back
 * in, so the bars show the shape of the distribution. The percentiles
 * vtel prints come from the kernel's finer buckets.
 */
#ifndef VTEL_HIST_H
#define VTEL_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define HIST_BAR	40

struct vtel_hist_row {
	uint64_t lo, hi;	/* inclusive; hi == UINT64_MAX: open */
	uint64_t count;
};

/* 0, or 2^k - 1 for k in 1..63: a bound of the log2 ladder. */
bool vtel_hist_on_ladder(uint64_t le);
/* The smallest ladder bound >= le (UINT64_MAX stays open). */
uint64_t vtel_hist_ladder_of(uint64_t le);
/*
 * Buckets sorted by le summed into ladder buckets; out has room for n.
 * Returns how many.
 */
size_t vtel_hist_merge(const struct vtel_bucket *h, size_t n,
		       struct vtel_bucket *out);
/*
 * Rows from the first to the last non-empty bucket; rows must have room
 * for n + 66. min_ns is the lower bound of a lone open bucket.
 */
size_t vtel_hist_rows(const struct vtel_bucket *h, size_t n, uint64_t min_ns,
		      struct vtel_hist_row *rows);
/* The range, count, percentage and bar table of one exit record. */
void vtel_hist_print(FILE *f, const struct vtel_rec *e);

#endif /* VTEL_HIST_H */
