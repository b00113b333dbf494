/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slow-exit thresholds: an exit whose handling takes longer than the
 * threshold of its reason counts as slow and fires vtel:vtel_slow_exit.
 *
 * The hot path reads one u64 per exit, indexed by reason: the effective
 * threshold in ns, U64_MAX when the check is off for that reason.
 */
#ifndef _VTEL_SLOW_H
#define _VTEL_SLOW_H

#include <linux/types.h>
#include <linux/cache.h>
#include <linux/compiler.h>

#include "vtel_reason.h"
#include "vtel_split.h"

struct vtel_vcpu;

/* What vtel:vtel_slow_exit reports of one exit. */
struct vtel_slow_event {
	pid_t pid;		/* VMM */
	pid_t tid;		/* vCPU thread */
	u32 vm_id;
	u32 vcpu_id;
	u8 isa;
	const char *reason;
	u64 cgroup_id;
	u64 guest_ns;		/* the guest run that ended in this exit */
	u64 handling_ns;	/* kvm + vmm + wait + idle */
	u64 kvm_ns;
	u64 vmm_ns;
	u64 wait_ns;
	u64 idle_ns;
};

/* Effective per-reason thresholds in ns; U64_MAX: not checked. */
extern u64 vtel_slow_thresh[VTEL_MAX_REASONS];

static __always_inline bool vtel_slow_is(unsigned int reason, u64 handling_ns)
{
	return unlikely(handling_ns > READ_ONCE(vtel_slow_thresh[reason]));
}

void vtel_slow_exit(struct vtel_vcpu *vc, u64 handling_ns,
		    const struct vtel_split *before);
void vtel_slow_init(void);
u64 vtel_slow_global(void);
u64 vtel_slow_idle(void);
void vtel_slow_set_global(u64 ns);
void vtel_slow_set_idle(u64 ns);
int vtel_slow_set_reason(unsigned int reason, u64 ns);
void vtel_slow_clear_reason(unsigned int reason);
bool vtel_slow_reason_override(unsigned int reason, u64 *ns);

#endif /* _VTEL_SLOW_H */
