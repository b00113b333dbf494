/* SPDX-License-Identifier: GPL-2.0 */
/* The cgroup glue: a thread's cgroup v2, whether one exists, its name. */
#ifndef _VTEL_CGROUP_H
#define _VTEL_CGROUP_H

#include <linux/types.h>

struct cgroup;
struct vtel_pcpu;
struct vtel_vcpu;

void vtel_cgroup_switch(struct vtel_pcpu *pc, struct vtel_vcpu *vc,
			struct cgroup *cgrp);
bool vtel_cgroup_alive(u64 id);
int vtel_cgroup_path(u64 id, char *buf, size_t len);
int vtel_cgroup_level(u64 id, u32 *level);
int vtel_cgroup_from_fd(int fd, u64 *id, u32 *level);

#endif /* _VTEL_CGROUP_H */
