// SPDX-License-Identifier: GPL-2.0
/*
 * vtel cgroups: GET_CGROUPS. The table shows each cgroup's totals with its
 * descendants (VTEL_A_ROLLUP, what cpu.stat would count) and the exits of
 * the cgroup alone; JSON has both sets in full.
 */
#include <errno.h>
#include <stdlib.h>

#include "api.h"
#include "cmds.h"
#include "print.h"

/* The cgroup itself, and its counters without descendants. */
static const struct vtel_col own_cols[] = {
	{ "cgroup_id", "ID", VTEL_A_CGROUP_ID, VF_ID, 0 },
	{ "level", "LEVEL", VTEL_A_CGROUP_LEVEL, VF_ID, 0 },
	{ "path", "PATH", VTEL_A_CGROUP_PATH, VF_STR, 0 },
	{ "exits", "OWN EXITS", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "", VTEL_A_HANDLING_NS, VF_NS, VC_JSON },
	{ "guest_ns", "", VTEL_A_GUEST_NS, VF_NS, VC_JSON },
	{ "overhead_ppm", "", VTEL_A_OVERHEAD_PPM, VF_PPM, VC_JSON },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	{ "slow_exits", "", VTEL_A_SLOW_EXITS, VF_COUNT, VC_JSON },
};

/* The cgroup with its descendants. */
static const struct vtel_col rollup_cols[] = {
	{ "exits", "EXITS", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "HANDLING", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "GUEST", VTEL_A_GUEST_NS, VF_NS, 0 },
	{ "overhead_ppm", "OVERHEAD", VTEL_A_OVERHEAD_PPM, VF_PPM, 0 },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	{ "slow_exits", "SLOW", VTEL_A_SLOW_EXITS, VF_COUNT, 0 },
};

static void print_json(struct vtel_out *o, const struct vtel_list *l)
{
	static const struct vtel_rec none;
	size_t i;

	jw_obj_open(o, NULL);
	jw_arr_open(o, "cgroups");
	for (i = 0; i < l->n; i++) {
		jw_obj_open(o, NULL);
		vtel_print_record(o, own_cols, ARRAY_SIZE(own_cols), &l->v[i]);
		jw_obj_open(o, "rollup");
		vtel_print_record(o, rollup_cols, ARRAY_SIZE(rollup_cols),
				  l->v[i].rollup ? l->v[i].rollup : &none);
		jw_obj_close(o);
		jw_obj_close(o);
	}
	jw_arr_close(o);
	jw_obj_close(o);
	jw_end(o);
}

static void print_text(struct vtel_out *o, const struct vtel_list *l)
{
	static const struct vtel_rec none;
	const char *titles[ARRAY_SIZE(own_cols) + ARRAY_SIZE(rollup_cols)];
	bool left[ARRAY_SIZE(titles)];
	const struct vtel_col *cols[ARRAY_SIZE(titles)];
	bool rollup[ARRAY_SIZE(titles)];
	struct vtel_table t;
	char (*c)[VTEL_CELL];
	unsigned int n = 0, j;
	size_t i;

	/* ID LEVEL PATH, the rollup's columns, then OWN EXITS. */
	for (i = 0; i < 3; i++) {
		cols[n] = &own_cols[i];
		rollup[n++] = false;
	}
	for (i = 0; i < ARRAY_SIZE(rollup_cols); i++) {
		if (rollup_cols[i].flags & VC_JSON)
			continue;
		cols[n] = &rollup_cols[i];
		rollup[n++] = true;
	}
	cols[n] = &own_cols[3];
	rollup[n++] = false;
	for (j = 0; j < n; j++) {
		titles[j] = cols[j]->title;
		left[j] = cols[j]->fmt == VF_STR;
	}
	vtel_table_init(&t, n, titles, left);
	for (i = 0; i < l->n; i++) {
		c = vtel_table_row(&t);
		if (!c)
			break;
		for (j = 0; j < n; j++)
			vtel_col_text(c[j], VTEL_CELL, cols[j],
				      !rollup[j] ? &l->v[i] :
				      l->v[i].rollup ? l->v[i].rollup : &none);
	}
	vtel_table_print(o->f, &t, 0);
	vtel_table_free(&t);
}

int cmd_cgroups(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_list l = { 0 };
	int err;

	(void)a;
	err = vtel_get_cgroups(ctx, &l);
	if (err) {
		vtel_list_free(&l);
		return vtel_report(ctx, err);
	}
	if (ctx->out.json)
		print_json(&ctx->out, &l);
	else
		print_text(&ctx->out, &l);
	vtel_list_free(&l);
	return VTEL_EXIT_OK;
}
