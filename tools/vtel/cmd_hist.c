// SPDX-License-Identifier: GPL-2.0
/* vtel hist REASON: GET_VIEW, then GET_EXITS with VTEL_A_REASON + HIST. */
#include "api.h"
#include "cmds.h"
#include "hist.h"
#include "view.h"

/* The exit statistics above the histogram, on one line. */
static const struct vtel_col summary_cols[] = {
	{ "reason", "", VTEL_A_REASON, VF_STR, 0 },
	{ "category", "category", VTEL_A_CATEGORY, VF_STR, 0 },
	{ "count", "count", VTEL_A_COUNT, VF_COUNT, 0 },
	{ "timed", "timed", VTEL_A_TIMED, VF_COUNT, 0 },
	{ "total_ns", "total", VTEL_A_TOTAL_NS, VF_NS, 0 },
	{ "min_ns", "min", VTEL_A_MIN_NS, VF_TNS, 0 },
	{ "p50_ns", "p50", VTEL_A_P50_NS, VF_TNS, 0 },
	{ "p90_ns", "p90", VTEL_A_P90_NS, VF_TNS, 0 },
	{ "p99_ns", "p99", VTEL_A_P99_NS, VF_TNS, 0 },
	{ "p999_ns", "p99.9", VTEL_A_P999_NS, VF_TNS, 0 },
	{ "max_ns", "max", VTEL_A_MAX_NS, VF_TNS, 0 },
};

static void print_json(struct vtel_out *o, const struct vtel_rec *view,
		       const struct vtel_rec *e)
{
	unsigned int i;

	jw_obj_open(o, NULL);
	vtel_print_view(o, view);
	if (e) {
		jw_obj_open(o, "exit");
		vtel_print_record(o, vtel_exit_cols, vtel_exit_ncols, e);
		jw_obj_close(o);
	} else {
		jw_null(o, "exit");
	}
	jw_arr_open(o, "buckets");
	for (i = 0; e && i < e->nhist; i++) {
		jw_obj_open(o, NULL);
		jw_u64(o, "le_ns", e->hist[i].le);
		jw_u64(o, "count", e->hist[i].count);
		jw_obj_close(o);
	}
	jw_arr_close(o);
	jw_obj_close(o);
	jw_end(o);
}

int cmd_hist(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_out *o = &ctx->out;
	struct vtel_list l = { 0 };
	struct vtel_sel sel = a->sel;
	const struct vtel_rec *e;
	struct vtel_rec view;
	int err;

	err = vtel_get_view(ctx, &sel, &view);
	if (err)
		return vtel_report(ctx, err);
	vtel_pin_sel(&sel, &view);
	err = vtel_get_exits(ctx, &sel, VTEL_F_HIST, a->reason, &l);
	if (err) {
		vtel_rec_free(&view);
		vtel_list_free(&l);
		return vtel_report(ctx, err);
	}
	/* The kernel filters by name; an empty reply means no such exits. */
	e = l.n ? &l.v[0] : NULL;
	if (o->json) {
		print_json(o, &view, e);
	} else {
		vtel_print_view(o, &view);
		if (!e) {
			fprintf(o->f, "%s: no exits\n", a->reason);
		} else {
			vtel_print_inline(o, summary_cols,
					  ARRAY_SIZE(summary_cols), e);
			if (e->nhist)
				vtel_hist_print(o->f, e);
			else
				fprintf(o->f, "no timed exits\n");
		}
	}
	vtel_rec_free(&view);
	vtel_list_free(&l);
	return VTEL_EXIT_OK;
}
