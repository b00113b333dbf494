// SPDX-License-Identifier: GPL-2.0
/* vtel status: GET_STATUS (open to everyone). */
#include "api.h"
#include "cmds.h"
#include "print.h"

static const struct vtel_col status_cols[] = {
	{ "version", "version", VTEL_A_VERSION, VF_STR, 0 },
	{ "attached", "attached", VTEL_A_ATTACHED, VF_BOOL, 0 },
	{ "vendor", "vendor", VTEL_A_VENDOR, VF_STR, 0 },
	{ "vms_live", "VMs live", VTEL_A_VMS_LIVE, VF_ID, 0 },
	{ "vms_retired", "VMs retired", VTEL_A_VMS_RETIRED, VF_ID, 0 },
	{ "vms_evicted", "VMs evicted", VTEL_A_VMS_EVICTED, VF_COUNT, 0 },
	{ "vcpus", "vCPUs", VTEL_A_VCPUS, VF_ID, 0 },
	{ "exits", "exits", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "handling time", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "guest time", VTEL_A_GUEST_NS, VF_NS, 0 },
	{ "kvm_ns", "KVM time", VTEL_A_KVM_NS, VF_NS, 0 },
	{ "vmm_ns", "VMM time", VTEL_A_VMM_NS, VF_NS, 0 },
	{ "wait_ns", "wait time", VTEL_A_WAIT_NS, VF_NS, 0 },
	{ "idle_ns", "idle time", VTEL_A_IDLE_NS, VF_NS, 0 },
	{ "poll_ns", "halt polling", VTEL_A_POLL_NS, VF_NS, 0 },
	{ "overhead_ppm", "overhead", VTEL_A_OVERHEAD_PPM, VF_PPM, 0 },
	{ "overhead_pct", "", VTEL_A_OVERHEAD_PPM, VF_PCT, VC_JSON },
	{ "wait_ppm", "waiting", VTEL_A_WAIT_PPM, VF_PPM, 0 },
	{ "wait_pct", "", VTEL_A_WAIT_PPM, VF_PCT, VC_JSON },
	{ "split_missed", "split marks missed", VTEL_A_SPLIT_MISSED, VF_COUNT, 0 },
	{ "slow_exits", "slow exits", VTEL_A_SLOW_EXITS, VF_COUNT, 0 },
	{ "untracked_vms", "untracked VMs", VTEL_A_UNTRACKED_VMS, VF_COUNT, 0 },
	{ "untracked_vcpus", "untracked vCPUs", VTEL_A_UNTRACKED_VCPUS, VF_COUNT, 0 },
	{ "untracked_exits", "untracked exits", VTEL_A_UNTRACKED_EXITS, VF_COUNT, 0 },
	{ "reason_overflow", "reason overflow", VTEL_A_REASON_OVERFLOW, VF_COUNT, 0 },
	{ "layout_errors", "layout errors", VTEL_A_LAYOUT_ERRORS, VF_COUNT, 0 },
	{ "events_dropped", "events dropped", VTEL_A_EVENTS_DROPPED, VF_COUNT, 0 },
	{ "cgroups", "cgroups", VTEL_A_CGROUPS, VF_ID, 0 },
	{ "cgroups_released", "cgroups released", VTEL_A_CGROUPS_RELEASED, VF_COUNT, 0 },
	{ "untracked_cgroups", "untracked cgroups", VTEL_A_UNTRACKED_CGROUPS, VF_COUNT, 0 },
	{ "segment_drops", "segment drops", VTEL_A_SEGMENT_DROPS, VF_COUNT, 0 },
	{ "cgroup_stale_exits", "cgroup stale exits", VTEL_A_CGROUP_STALE_EXITS, VF_COUNT, 0 },
	{ "generation", "generation", VTEL_A_GENERATION, VF_ID, VC_JSON },
};

int cmd_status(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_out *o = &ctx->out;
	struct vtel_rec r;
	int err;

	(void)a;
	err = vtel_get_status(ctx, &r);
	if (err)
		return vtel_report(ctx, err);
	if (o->json) {
		jw_obj_open(o, NULL);
		jw_bool(o, "loaded", true);
		jw_u64(o, "family_version", ctx->fam.version);
		vtel_print_record(o, status_cols, ARRAY_SIZE(status_cols), &r);
		jw_obj_close(o);
		jw_end(o);
	} else {
		fprintf(o->f, "module:%*s loaded, interface version %u\n",
			(int)(vtel_record_width(status_cols,
						ARRAY_SIZE(status_cols)) - 6),
			"", ctx->fam.version);
		vtel_print_record(o, status_cols, ARRAY_SIZE(status_cols), &r);
	}
	vtel_rec_free(&r);
	return VTEL_EXIT_OK;
}
