// SPDX-License-Identifier: GPL-2.0
/* vtel vms (GET_VMS, with VM names: vmname.h) and vtel vcpus (GET_VCPUS). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "api.h"
#include "cmds.h"
#include "print.h"
#include "vmname.h"

static const struct vtel_col vm_cols[] = {
	{ "vm_id", "VM", VTEL_A_VM_ID, VF_ID, 0 },
	{ "pid", "PID", VTEL_A_PID, VF_ID, 0 },
	{ "comm", "COMM", VTEL_A_COMM, VF_STR, 0 },
	{ "name", "NAME", VTEL_X_VM_NAME, VF_STR, 0 },
	{ "name_source", "", VTEL_X_VM_NAME_SRC, VF_STR, VC_JSON },
	{ "state", "STATE", VTEL_A_VM_STATE, VF_STATE, 0 },
	{ "vcpus", "VCPUS", VTEL_A_VCPUS, VF_ID, 0 },
	{ "exits", "EXITS", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "HANDLING", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "GUEST", VTEL_A_GUEST_NS, VF_NS, 0 },
	VTEL_SPLIT_COLS(0),
	{ "overhead_ppm", "OVERHEAD", VTEL_A_OVERHEAD_PPM, VF_PPM, 0 },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	VTEL_WAIT_COLS(0),
	{ "slow_exits", "SLOW", VTEL_A_SLOW_EXITS, VF_COUNT, 0 },
	{ "l2_exits", "L2", VTEL_A_L2_EXITS, VF_COUNT, VC_OPT },
};

static const struct vtel_col vcpu_cols[] = {
	{ "vm_id", "VM", VTEL_A_VM_ID, VF_ID, 0 },
	{ "vcpu_id", "VCPU", VTEL_A_VCPU_ID, VF_ID, 0 },
	{ "tid", "TID", VTEL_A_TID, VF_ID, 0 },
	{ "exits", "EXITS", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "HANDLING", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "GUEST", VTEL_A_GUEST_NS, VF_NS, 0 },
	VTEL_SPLIT_COLS(0),
	{ "overhead_ppm", "OVERHEAD", VTEL_A_OVERHEAD_PPM, VF_PPM, 0 },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	VTEL_WAIT_COLS(0),
	{ "slow_exits", "SLOW", VTEL_A_SLOW_EXITS, VF_COUNT, 0 },
	{ "l2_exits", "L2", VTEL_A_L2_EXITS, VF_COUNT, VC_OPT },
};

/* The ABI gives no order for vCPUs: by VM, then vcpu_id. */
static int cmp_vcpu(const void *pa, const void *pb)
{
	const struct vtel_rec *a = pa, *b = pb;
	uint64_t x = rec_u(a, VTEL_A_VM_ID), y = rec_u(b, VTEL_A_VM_ID);

	if (x != y)
		return x < y ? -1 : 1;
	x = rec_u(a, VTEL_A_VCPU_ID);
	y = rec_u(b, VTEL_A_VCPU_ID);
	return x < y ? -1 : x > y;
}

static int print_list(struct vtel_ctx *ctx, const char *key,
		      const struct vtel_col *cols, size_t ncols,
		      const struct vtel_list *l)
{
	struct vtel_out *o = &ctx->out;
	const struct vtel_rec **rows = calloc(l->n + 1, sizeof(*rows));
	size_t i;

	if (!rows)
		return vtel_report(ctx, -ENOMEM);
	for (i = 0; i < l->n; i++)
		rows[i] = &l->v[i];
	if (o->json)
		jw_obj_open(o, NULL);
	vtel_print_table(o, key, cols, ncols, rows, l->n);
	if (o->json) {
		jw_obj_close(o);
		jw_end(o);
	}
	free(rows);
	return VTEL_EXIT_OK;
}

int cmd_vms(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_list l = { 0 };
	int err;

	(void)a;
	err = vtel_get_vms(ctx, &l);
	if (!err)
		err = vtel_vms_name(ctx, &l);
	if (err)
		err = vtel_report(ctx, err);
	else
		err = print_list(ctx, "vms", vm_cols, ARRAY_SIZE(vm_cols), &l);
	vtel_list_free(&l);
	return err;
}

int cmd_vcpus(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_list l = { 0 };
	int err;

	err = vtel_get_vcpus(ctx, &a->sel, &l);
	if (!err)
		qsort(l.v, l.n, sizeof(l.v[0]), cmp_vcpu);
	if (err)
		err = vtel_report(ctx, err);
	else
		err = print_list(ctx, "vcpus", vcpu_cols, ARRAY_SIZE(vcpu_cols),
				 &l);
	vtel_list_free(&l);
	return err;
}
