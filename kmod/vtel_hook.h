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

#endif /* _VTEL_HOOK_H */
