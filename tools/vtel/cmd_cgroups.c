// SPDX-License-Identifier: GPL-2.0
/*
 * vtel cgroups: GET_CGROUPS. The table shows each cgroup's totals with its
 * descendants (VTEL_A_ROLLUP, what cpu.stat would count) and the exits of
 * the cgroup alone; JSON has both sets in full.
 *
 * --tree: two snapshots --interval apart, drawn as a tree like
 * systemd-cgtop: exit rates over the interval and totals, both with
 * descendants, and the CPU share: handling time over the cgroup's
 * cpu.stat usage_usec in the interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cgtree.h"
#include "cmds.h"
#include "human.h"
#include "print.h"
#include "rates.h"

/* The cgroup itself, and its counters without descendants. */
static const struct vtel_col own_cols[] = {
	{ "cgroup_id", "ID", VTEL_A_CGROUP_ID, VF_ID, 0 },
	{ "level", "LEVEL", VTEL_A_CGROUP_LEVEL, VF_ID, 0 },
	{ "path", "PATH", VTEL_A_CGROUP_PATH, VF_STR, 0 },
	{ "exits", "OWN EXITS", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "", VTEL_A_HANDLING_NS, VF_NS, VC_JSON },
	{ "guest_ns", "", VTEL_A_GUEST_NS, VF_NS, VC_JSON },
	VTEL_SPLIT_COLS(VC_JSON),
	{ "overhead_ppm", "", VTEL_A_OVERHEAD_PPM, VF_PPM, VC_JSON },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	VTEL_WAIT_COLS(VC_JSON),
	{ "slow_exits", "", VTEL_A_SLOW_EXITS, VF_COUNT, VC_JSON },
};

/* The cgroup with its descendants; the tree shows three of its columns. */
enum { ROLLUP_EXITS, ROLLUP_HANDLING, ROLLUP_OVERHEAD = 8 };

static const struct vtel_col rollup_cols[] = {
	{ "exits", "EXITS", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "HANDLING", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "GUEST", VTEL_A_GUEST_NS, VF_NS, 0 },
	VTEL_SPLIT_COLS(VC_JSON),
	{ "overhead_ppm", "OVERHEAD", VTEL_A_OVERHEAD_PPM, VF_PPM, 0 },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	VTEL_WAIT_COLS(VC_JSON),
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

static void tree_text(struct vtel_out *o, const struct vtel_cg_row *rows,
		      const struct vtel_cg_rate *rate, const struct vtel_list *l)
{
	static const char *const titles[] = {
		"CGROUP", "EXITS/s", "EXITS", "HANDLING", "OVERHEAD", "CPU SHARE",
	};
	static const bool left[] = { true, false, false, false, false, false };
	static const struct vtel_rec none;
	const struct vtel_cg_rate *v;
	const struct vtel_rec *roll;
	struct vtel_table t;
	char (*c)[VTEL_CELL], h[HUMAN_LEN];
	size_t i;

	vtel_table_init(&t, ARRAY_SIZE(titles), titles, left);
	for (i = 0; i < l->n; i++) {
		c = vtel_table_row(&t);
		if (!c)
			break;
		v = &rate[rows[i].idx];
		roll = v->cg->rollup ? v->cg->rollup : &none;
		snprintf(c[0], VTEL_CELL, "%s", rows[i].label);
		snprintf(c[1], VTEL_CELL, "%s", human_rate(h, v->exits_s));
		vtel_col_text(c[2], VTEL_CELL, &rollup_cols[ROLLUP_EXITS], roll);
		vtel_col_text(c[3], VTEL_CELL, &rollup_cols[ROLLUP_HANDLING], roll);
		vtel_col_text(c[4], VTEL_CELL, &rollup_cols[ROLLUP_OVERHEAD], roll);
		if (v->share_ok)
			human_ppm(c[5], v->share_ppm);
		else
			snprintf(c[5], VTEL_CELL, "-");
	}
	vtel_table_print(o->f, &t, 0);
	vtel_table_free(&t);
}

static void tree_json(struct vtel_ctx *ctx, uint64_t dt,
		      const struct vtel_cg_row *rows,
		      const struct vtel_cg_rate *rate,
		      const struct vtel_snap *cur)
{
	static const struct vtel_rec none;
	struct vtel_out *o = &ctx->out;
	const char *root = vtel_cgroup_root(ctx), *path;
	const struct vtel_cg_rate *v;
	const struct vtel_rec *r;
	char buf[HUMAN_LEN];
	size_t i, k;

	jw_obj_open(o, NULL);
	jw_u64(o, "interval_ns", dt);
	if (root)
		jw_str(o, "cgroup_root", root);
	else
		jw_null(o, "cgroup_root");
	jw_arr_open(o, "cgroups");
	for (i = 0; i < cur->cgroups.n; i++) {
		k = rows[i].idx;
		v = &rate[k];
		r = v->cg;
		path = rec_s(r, VTEL_A_CGROUP_PATH);
		jw_obj_open(o, NULL);
		vtel_col_json(o, &own_cols[0], r);		/* cgroup_id */
		if (rows[i].parent >= 0)
			jw_u64(o, "parent_id", rec_u(&cur->cgroups.v[rows[i].parent],
						     VTEL_A_CGROUP_ID));
		else
			jw_null(o, "parent_id");
		vtel_col_json(o, &own_cols[1], r);		/* level */
		jw_u64(o, "depth", rows[i].depth);
		vtel_col_json(o, &own_cols[2], r);		/* path */
		if (path)
			jw_str(o, "name", vtel_cg_name(path));
		else
			jw_null(o, "name");
		snprintf(buf, sizeof(buf), "%.1f", v->exits_s >= 0 ? v->exits_s : 0.0);
		jw_num(o, "exits_per_s", buf);
		vtel_print_record(o, rollup_cols, ARRAY_SIZE(rollup_cols),
				  r->rollup ? r->rollup : &none);
		jw_u64(o, "own_exits", rec_u(r, VTEL_A_EXITS));
		if (cur->cpu && cur->cpu[k].ok)
			jw_u64(o, "cpu_usage_usec", cur->cpu[k].usage_usec);
		else
			jw_null(o, "cpu_usage_usec");
		if (v->share_ok)
			jw_num(o, "cpu_share_pct", exact_decimal(buf, v->share_ppm, 4));
		else
			jw_null(o, "cpu_share_pct");
		jw_obj_close(o);
	}
	jw_arr_close(o);
	jw_obj_close(o);
	jw_end(o);
}

static int cmd_tree(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_snap s[2];
	struct vtel_cg_rate *rate = NULL;
	struct vtel_cg_row *rows = NULL;
	size_t n;
	int err;

	memset(s, 0, sizeof(s));
	err = vtel_cg_snapshot(ctx, &s[0], true);
	if (err)
		goto out;
	if (ctx->wait(ctx, a->interval_ms))
		goto out;	/* 'q' or a signal: nothing to show */
	err = vtel_cg_snapshot(ctx, &s[1], true);
	if (!err)
		err = vtel_rates_cgroups(&s[0], &s[1], true, false, &rate, &n);
	if (!err)
		err = vtel_cg_tree(&s[1].cgroups, &rows);
	if (err)
		goto out;
	if (ctx->out.json)
		tree_json(ctx, s[1].t_ns - s[0].t_ns, rows, rate, &s[1]);
	else
		tree_text(&ctx->out, rows, rate, &s[1].cgroups);
out:
	free(rate);
	free(rows);
	vtel_snap_free(&s[0]);
	vtel_snap_free(&s[1]);
	return err ? vtel_report(ctx, err) : VTEL_EXIT_OK;
}

int cmd_cgroups(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_list l = { 0 };
	int err;

	if (a->tree)
		return cmd_tree(ctx, a);
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
