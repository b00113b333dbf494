// SPDX-License-Identifier: GPL-2.0
/* Histogram rows and their text rendering. */
#include <stdio.h>
#include <stdlib.h>

#include "hist.h"
#include "unit.h"

static void ladder(void)
{
	CHECK(vtel_hist_on_ladder(0));
	CHECK(vtel_hist_on_ladder(1));
	CHECK(vtel_hist_on_ladder(1023));
	CHECK(vtel_hist_on_ladder((1ULL << 63) - 1));
	CHECK(!vtel_hist_on_ladder(2));
	CHECK(!vtel_hist_on_ladder(1024));
	CHECK(!vtel_hist_on_ladder(UINT64_MAX));
}

static void rows_fill(void)
{
	static const struct vtel_bucket h[] = {
		{ 0, 2 }, { 7, 3 }, { 63, 1 }, { UINT64_MAX, 4 },
	};
	struct vtel_hist_row r[4 + 66];
	size_t n = vtel_hist_rows(h, 4, 0, r);

	/* 0, [1,1], [2,3], [4,7], [8,15], [16,31], [32,63], [64,inf). */
	CHECK_U64(n, 8);
	CHECK_U64(r[0].lo, 0);
	CHECK_U64(r[0].hi, 0);
	CHECK_U64(r[0].count, 2);
	CHECK_U64(r[1].lo, 1);
	CHECK_U64(r[1].hi, 1);
	CHECK_U64(r[1].count, 0);
	CHECK_U64(r[3].lo, 4);
	CHECK_U64(r[3].hi, 7);
	CHECK_U64(r[3].count, 3);
	CHECK_U64(r[6].lo, 32);
	CHECK_U64(r[6].hi, 63);
	CHECK_U64(r[7].lo, 64);
	CHECK_U64(r[7].hi, UINT64_MAX);
	CHECK_U64(r[7].count, 4);
}

static void rows_other(void)
{
	static const struct vtel_bucket odd[] = { { 100, 1 }, { 5000, 2 } };
	static const struct vtel_bucket open_only[] = { { UINT64_MAX, 5 } };
	static const struct vtel_bucket top[] = { { (1ULL << 63) - 1, 1 } };
	struct vtel_hist_row r[2 + 66];
	size_t n;

	unit_case("off the ladder: no filling");
	n = vtel_hist_rows(odd, 2, 50, r);
	CHECK_U64(n, 2);
	CHECK_U64(r[0].lo, 0);
	CHECK_U64(r[1].lo, 101);
	CHECK_U64(r[1].hi, 5000);

	unit_case("only the open bucket starts at min_ns");
	n = vtel_hist_rows(open_only, 1, 2000000000, r);
	CHECK_U64(n, 1);
	CHECK_U64(r[0].lo, 2000000000);

	unit_case("the top of the ladder");
	n = vtel_hist_rows(top, 1, 0, r);
	CHECK_U64(n, 1);
	CHECK_U64(r[0].lo, 1ULL << 62);

	unit_case("nothing");
	CHECK_U64(vtel_hist_rows(NULL, 0, 0, r), 0);
}

static void render(void)
{
	static const struct vtel_bucket h[] = { { 0, 1 }, { 3, 4 } };
	struct vtel_rec e = { 0 };
	char *buf;
	size_t len;
	FILE *f;

	e.hist = (struct vtel_bucket *)h;
	e.nhist = 2;
	f = open_memstream(&buf, &len);
	vtel_hist_print(f, &e);
	fclose(f);
	CHECK_STR(buf, "RANGE       COUNT     %\n"
		  "0ns             1  20.0  ##########\n"
		  "1ns             0   0.0\n"
		  "[2ns, 4ns)      4  80.0  ########################################\n");
	free(buf);
}

/* The kernel's log-linear buckets merge into ladder rows for display. */
static void merge(void)
{
	static const struct vtel_bucket h[] = {
		{ 5, 1 }, { 17, 2 }, { 23, 3 }, { 31, 4 }, { 1023, 5 },
		{ 1151, 6 }, { UINT64_MAX, 7 },
	};
	struct vtel_bucket m[7];
	size_t n = vtel_hist_merge(h, 7, m);

	CHECK_U64(vtel_hist_ladder_of(0), 0);
	CHECK_U64(vtel_hist_ladder_of(5), 7);
	CHECK_U64(vtel_hist_ladder_of(16), 31);
	CHECK_U64(vtel_hist_ladder_of(31), 31);
	CHECK_U64(vtel_hist_ladder_of(1ULL << 63), UINT64_MAX);
	CHECK_U64(vtel_hist_ladder_of(UINT64_MAX), UINT64_MAX);
	CHECK_U64(n, 5);
	CHECK_U64(m[0].le, 7);
	CHECK_U64(m[0].count, 1);
	CHECK_U64(m[1].le, 31);
	CHECK_U64(m[1].count, 9);
	CHECK_U64(m[2].le, 1023);
	CHECK_U64(m[3].le, 2047);
	CHECK_U64(m[3].count, 6);
	CHECK_U64(m[4].le, UINT64_MAX);
	CHECK_U64(m[4].count, 7);
}

UNIT_SUITE(hist_tests, T(ladder), T(rows_fill), T(rows_other), T(render),
	   T(merge));
