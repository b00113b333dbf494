/* SPDX-License-Identifier: GPL-2.0 */
/* The KVM glue: attaching to kvm.ko, and what it reports. */
#ifndef _VTEL_HOOK_H
#define _VTEL_HOOK_H

#include <linux/types.h>

int vtel_hook_init(void);
void vtel_hook_exit(void);
bool vtel_hook_attached(void);
const char *vtel_hook_vendor(void);
u64 vtel_hook_layout_errors(void);
u64 vtel_hook_reason_unavailable(void);

struct vtel_hook_probe {
	bool disabled;		/* the VM destruction kprobe is disarmed */
	unsigned long missed;	/* hits it missed */
};

struct vtel_hook_probe vtel_hook_probe_state(void);
void vtel_hook_check(void);

#ifdef VTEL_BENCH
#include <linux/kvm_host.h>
#include "vtel_compat.h"

/* The probes themselves, for vtel_bench.c. */
void vtel_hook_bench_probes(void (**exit)(VTEL_KVM_EXIT_PROTO),
			    void (**entry)(VTEL_KVM_ENTRY_PROTO));
#endif

#endif /* _VTEL_HOOK_H */
