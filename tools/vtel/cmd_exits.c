// SPDX-License-Identifier: GPL-2.0
/*
 * vtel exits: GET_VIEW for the totals, then GET_EXITS of the same VM (a
 * --pid is resolved to its VM id by GET_VIEW first, so that both requests
 * see the same VM even if the process starts another one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cmds.h"
#include "view.h"

/* The view's selector with the VM pinned to what GET_VIEW answered. */
void vtel_pin_sel(struct vtel_sel *sel, const struct vtel_rec *view)
{
	if ((sel->has_pid || sel->has_vm) && rec_has(view, VTEL_A_VM_ID)) {
		sel->has_pid = false;
		sel->has_vm = true;
		sel->vm_id = (uint32_t)rec_u(view, VTEL_A_VM_ID);
	}
	if (vtel_sel_cgroup(sel) && rec_has(view, VTEL_A_CGROUP_ID)) {
		sel->cgroup_path = NULL;
		sel->cgroup_dir = NULL;
		sel->has_cgroup_id = true;
		sel->cgroup_id = rec_u(view, VTEL_A_CGROUP_ID);
	}
}

static int sort_attr(enum vtel_sort s)
{
	switch (s) {
	case SORT_TIME:
		return VTEL_A_TOTAL_NS;
	case SORT_MAX:
		return VTEL_A_MAX_NS;
	case SORT_P99:
		return VTEL_A_P99_NS;
	default:
		return VTEL_A_COUNT;
	}
}

static int sort_key;

static int cmp_exit(const void *pa, const void *pb)
{
	const struct vtel_rec *a = *(const struct vtel_rec *const *)pa;
	const struct vtel_rec *b = *(const struct vtel_rec *const *)pb;
	uint64_t x = rec_u(a, sort_key), y = rec_u(b, sort_key);

	if (x != y)
		return x < y ? 1 : -1;
	x = rec_u(a, VTEL_A_COUNT);
	y = rec_u(b, VTEL_A_COUNT);
	if (x != y)
		return x < y ? 1 : -1;
	return strcmp(rec_str(a, VTEL_A_REASON), rec_str(b, VTEL_A_REASON));
}

/* Pointers to l's records, sorted by key (descending). */
const struct vtel_rec **vtel_sort_exits(const struct vtel_list *l,
					enum vtel_sort key)
{
	const struct vtel_rec **rows = calloc(l->n + 1, sizeof(*rows));
	size_t i;

	if (!rows)
		return NULL;
	for (i = 0; i < l->n; i++)
		rows[i] = &l->v[i];
	sort_key = sort_attr(key);
	qsort(rows, l->n, sizeof(*rows), cmp_exit);
	return rows;
}

int cmd_exits(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_out *o = &ctx->out;
	struct vtel_list l = { 0 };
	const struct vtel_rec **rows;
	struct vtel_sel sel = a->sel;
	struct vtel_rec view;
	size_t n;
	int err;

	err = vtel_get_view(ctx, &sel, &view);
	if (err)
		return vtel_report(ctx, err);
	vtel_pin_sel(&sel, &view);
	err = vtel_get_exits(ctx, &sel, 0, NULL, &l);
	if (err) {
		vtel_rec_free(&view);
		vtel_list_free(&l);
		return vtel_report(ctx, err);
	}
	rows = vtel_sort_exits(&l, a->sort);
	if (!rows) {
		vtel_rec_free(&view);
		vtel_list_free(&l);
		return vtel_report(ctx, -ENOMEM);
	}
	n = a->top && a->top < l.n ? a->top : l.n;

	if (o->json)
		jw_obj_open(o, NULL);
	vtel_print_view(o, &view);
	vtel_print_table(o, "exits", vtel_exit_cols, vtel_exit_ncols, rows, n);
	if (o->json) {
		jw_obj_close(o);
		jw_end(o);
	}
	free(rows);
	vtel_rec_free(&view);
	vtel_list_free(&l);
	return VTEL_EXIT_OK;
}
