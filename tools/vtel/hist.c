// SPDX-License-Identifier: GPL-2.0
/* Histogram rows and their text rendering. */
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "human.h"
#include "print.h"

bool vtel_hist_on_ladder(uint64_t le)
{
	return le != UINT64_MAX && !(le & (le + 1));
}

static uint64_t ladder_lo(uint64_t le)
{
	return le ? (le >> 1) + 1 : 0;
}

uint64_t vtel_hist_ladder_of(uint64_t le)
{
	int b = 63;

	if (le == UINT64_MAX || vtel_hist_on_ladder(le))
		return le;
	while (!(le >> b))
		b--;
	return b == 63 ? UINT64_MAX : (2ULL << b) - 1;
}

size_t vtel_hist_merge(const struct vtel_bucket *h, size_t n,
		       struct vtel_bucket *out)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		uint64_t le = vtel_hist_ladder_of(h[i].le);

		if (m && out[m - 1].le == le) {
			out[m - 1].count += h[i].count;
			continue;
		}
		out[m].le = le;
		out[m].count = h[i].count;
		m++;
	}
	return m;
}

size_t vtel_hist_rows(const struct vtel_bucket *h, size_t n, uint64_t min_ns,
		      struct vtel_hist_row *rows)
{
	size_t i, r = 0;
	uint64_t le;
	bool prev_ladder = false;

	for (i = 0; i < n; i++) {
		/* Empty ladder buckets between two ladder buckets. */
		if (i && prev_ladder && vtel_hist_on_ladder(h[i].le)) {
			for (le = rows[r - 1].hi * 2 + 1; le < h[i].le;
			     le = le * 2 + 1) {
				rows[r].lo = rows[r - 1].hi + 1;
				rows[r].hi = le;
				rows[r].count = 0;
				r++;
			}
		}
		if (i)
			rows[r].lo = rows[r - 1].hi + 1;
		else if (vtel_hist_on_ladder(h[i].le))
			rows[r].lo = ladder_lo(h[i].le);
		else if (h[i].le == UINT64_MAX)
			rows[r].lo = min_ns;
		else
			rows[r].lo = 0;
		rows[r].hi = h[i].le;
		rows[r].count = h[i].count;
		prev_ladder = vtel_hist_on_ladder(h[i].le);
		r++;
	}
	return r;
}

static void range_text(char *buf, size_t size, const struct vtel_hist_row *r)
{
	char a[HUMAN_LEN], b[HUMAN_LEN];

	if (r->hi == UINT64_MAX)
		snprintf(buf, size, "[%s, inf)", human_ns(a, r->lo));
	else if (r->lo == r->hi)
		snprintf(buf, size, "%s", human_ns(a, r->lo));
	else
		snprintf(buf, size, "[%s, %s)", human_ns(a, r->lo),
			 human_ns(b, r->hi + 1));
}

void vtel_hist_print(FILE *f, const struct vtel_rec *e)
{
	static const char *const titles[] = { "RANGE", "COUNT", "%", "" };
	static const bool left[] = { true, false, false, true };
	struct vtel_hist_row *rows;
	struct vtel_bucket *merged;
	struct vtel_table t;
	char (*c)[VTEL_CELL], h[HUMAN_LEN];
	uint64_t total = 0, max = 0;
	size_t i, n, w;

	rows = calloc(e->nhist + 66, sizeof(*rows));
	merged = calloc(e->nhist + 1, sizeof(*merged));
	if (!rows || !merged) {
		free(rows);
		free(merged);
		return;
	}
	n = vtel_hist_merge(e->hist, e->nhist, merged);
	n = vtel_hist_rows(merged, n, rec_u(e, VTEL_A_MIN_NS), rows);
	for (i = 0; i < n; i++) {
		total += rows[i].count;
		if (rows[i].count > max)
			max = rows[i].count;
	}
	vtel_table_init(&t, 4, titles, left);
	for (i = 0; i < n; i++) {
		c = vtel_table_row(&t);
		if (!c)
			break;
		range_text(c[0], VTEL_CELL, &rows[i]);
		snprintf(c[1], VTEL_CELL, "%s", human_count(h, rows[i].count));
		snprintf(c[2], VTEL_CELL, "%.1f",
			 total ? 100.0 * (double)rows[i].count / (double)total : 0.0);
		w = max ? (size_t)((double)HIST_BAR * (double)rows[i].count /
				   (double)max + 0.5) : 0;
		if (rows[i].count && !w)
			w = 1;
		memset(c[3], '#', w);
		c[3][w] = '\0';
	}
	vtel_table_print(f, &t, 0);
	vtel_table_free(&t);
	free(merged);
	free(rows);
}
