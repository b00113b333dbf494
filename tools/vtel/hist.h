/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text histograms of handling times. The kernel sends non-empty buckets
 * only, each with its inclusive upper bound; when the bounds are on the
 * log2 ladder (0, 1, 3, 7, ... 2^k - 1) the empty buckets between them
 * are filled back in, so the bars show the shape of the distribution.
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

/* 0, or 2^k - 1 for k in 1..63: a bound of the kernel's log2 buckets. */
bool vtel_hist_on_ladder(uint64_t le);
/*
 * Rows from the first to the last non-empty bucket; rows must have room
 * for n + 66. min_ns is the lower bound of a lone open bucket.
 */
size_t vtel_hist_rows(const struct vtel_bucket *h, size_t n, uint64_t min_ns,
		      struct vtel_hist_row *rows);
/* The range, count, percentage and bar table of one exit record. */
void vtel_hist_print(FILE *f, const struct vtel_rec *e);

#endif /* VTEL_HIST_H */
