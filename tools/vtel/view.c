// SPDX-License-Identifier: GPL-2.0
/* The view summary above exit tables, and the exit row fields. */
#include <string.h>

#include "view.h"

#define V_VM	(1U << 8)	/* only in VM and vCPU views */
#define V_VCPU	(1U << 9)	/* only in vCPU views */
#define V_HOST	(1U << 10)	/* only in the host view */
#define V_CG	(1U << 11)	/* only in cgroup views */

static const struct vtel_col view_cols[] = {
	{ "vm_id", "VM", VTEL_A_VM_ID, VF_ID, V_VM },
	{ "pid", "pid", VTEL_A_PID, VF_ID, V_VM },
	{ "comm", "comm", VTEL_A_COMM, VF_STR, V_VM },
	{ "vcpu_id", "vCPU", VTEL_A_VCPU_ID, VF_ID, V_VCPU },
	{ "cgroup_id", "cgroup", VTEL_A_CGROUP_ID, VF_ID, V_CG },
	{ "cgroup_path", "path", VTEL_A_CGROUP_PATH, VF_STR, V_CG },
	{ "cgroup_level", "level", VTEL_A_CGROUP_LEVEL, VF_ID, V_CG },
	{ "vcpus", "vCPUs", VTEL_A_VCPUS, VF_ID, 0 },
	{ "exits", "exits", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "handling", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "guest", VTEL_A_GUEST_NS, VF_NS, 0 },
	{ "kvm_ns", "kvm", VTEL_A_KVM_NS, VF_NS, 0 },
	{ "vmm_ns", "vmm", VTEL_A_VMM_NS, VF_NS, 0 },
	{ "wait_ns", "wait", VTEL_A_WAIT_NS, VF_NS, 0 },
	{ "idle_ns", "idle", VTEL_A_IDLE_NS, VF_NS, 0 },
	{ "poll_ns", "poll", VTEL_A_POLL_NS, VF_NS, 0 },
	{ "overhead_ppm", "overhead", VTEL_A_OVERHEAD_PPM, VF_PPM, 0 },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	{ "wait_ppm", "waiting", VTEL_A_WAIT_PPM, VF_PPM, 0 },
	{ "wait_pct", "", VTEL_A_WAIT_PPM, VF_PCT, VC_JSON },
	{ "slow_exits", "slow", VTEL_A_SLOW_EXITS, VF_COUNT, 0 },
	{ "l2_exits", "L2", VTEL_A_L2_EXITS, VF_COUNT, VC_OPT },
	{ "l2_handling_ns", "L2 handling", VTEL_A_L2_HANDLING_NS, VF_NS, VC_OPT },
	{ "untracked_exits", "untracked", VTEL_A_UNTRACKED_EXITS, VF_COUNT, V_HOST },
	{ "reason_overflow", "overflow", VTEL_A_REASON_OVERFLOW, VF_COUNT, 0 },
};

const struct vtel_col vtel_exit_cols[] = {
	{ "reason", "REASON", VTEL_A_REASON, VF_STR, 0 },
	{ "code", "CODE", VTEL_A_REASON_CODE, VF_ID, VC_JSON },
	{ "isa", "ISA", VTEL_A_ISA, VF_ISA, VC_JSON },
	{ "category", "CATEGORY", VTEL_A_CATEGORY, VF_STR, 0 },
	{ "count", "COUNT", VTEL_A_COUNT, VF_COUNT, 0 },
	{ "timed", "TIMED", VTEL_A_TIMED, VF_COUNT, VC_JSON },
	{ "total_ns", "TOTAL", VTEL_A_TOTAL_NS, VF_NS, 0 },
	VTEL_SPLIT_COLS(0),
	{ "min_ns", "MIN", VTEL_A_MIN_NS, VF_TNS, 0 },
	{ "max_ns", "MAX", VTEL_A_MAX_NS, VF_TNS, 0 },
	{ "p50_ns", "P50", VTEL_A_P50_NS, VF_TNS, 0 },
	{ "p90_ns", "P90", VTEL_A_P90_NS, VF_TNS, 0 },
	{ "p99_ns", "P99", VTEL_A_P99_NS, VF_TNS, 0 },
	{ "p999_ns", "P99.9", VTEL_A_P999_NS, VF_TNS, 0 },
	{ "unbinned", "UNBINNED", VTEL_A_UNBINNED, VF_COUNT, VC_JSON | VC_OPT },
};
const size_t vtel_exit_ncols = ARRAY_SIZE(vtel_exit_cols);

const char *vtel_view_type(const struct vtel_rec *v)
{
	if (rec_has(v, VTEL_A_CGROUP_ID))
		return "cgroup";
	if (rec_has(v, VTEL_A_VCPU_ID))
		return "vcpu";
	if (rec_has(v, VTEL_A_VM_ID))
		return "vm";
	return "host";
}

void vtel_print_view(struct vtel_out *o, const struct vtel_rec *v)
{
	struct vtel_col cols[ARRAY_SIZE(view_cols)];
	const char *type = vtel_view_type(v);
	bool host = !strcmp(type, "host"), vcpu = !strcmp(type, "vcpu");
	bool cg = !strcmp(type, "cgroup");
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(view_cols); i++) {
		unsigned int f = view_cols[i].flags;

		if ((f & V_VM && (host || cg)) || (f & V_VCPU && !vcpu) ||
		    (f & V_HOST && !host) || (f & V_CG && !cg))
			continue;
		cols[n++] = view_cols[i];
	}
	if (o->json) {
		jw_obj_open(o, "view");
		jw_str(o, "type", type);
		vtel_print_inline(o, cols, n, v);
		jw_obj_close(o);
		return;
	}
	if (host)
		fputs("host: ", o->f);
	vtel_print_inline(o, cols, n, v);
}
