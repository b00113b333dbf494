// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroup glue: which cgroup v2 a vCPU thread is in, and whether a
 * cgroup still exists. vtel never holds a reference on a cgroup.
 *
 * On a host with only cgroup v1 mounted every task sits in the root of the
 * (unmounted) default hierarchy, so every exit is attributed to "/".
 */
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/nsproxy.h>

#include "vtel_cgroup.h"
#include "vtel_vm.h"

/*
 * The vCPU's thread is in @cgrp (read once by the probe, which holds it
 * under RCU), not in the cgroup its segment has a record of.
 */
void notrace vtel_cgroup_switch(struct vtel_pcpu *pc, struct vtel_vcpu *vc,
				struct cgroup *cgrp)
{
	struct vtel_cg_path p;
	u32 i;

	p.id = cgroup_id(cgrp);
	/* Nothing can change now: do not walk the ancestors on every exit. */
	if (vtel_vm_cgroup_wanted(vc, p.id)) {
		p.level = cgrp->level;
		/* ancestors[level] is the cgroup itself. */
		for (i = 0; i <= cgrp->level && i < VTEL_CG_DEPTH; i++)
			p.ids[i] = cgroup_id(cgrp->ancestors[i]);
		vtel_vm_set_cgroup(vc, &p);
	}
	vtel_vm_count_stale(pc, vc, p.id);
}

bool vtel_cgroup_alive(u64 id)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);

	if (IS_ERR_OR_NULL(cgrp))
		return false;
	cgroup_put(cgrp);
	return true;
}

/* The cgroup's path in the reader's cgroup namespace; -ENOENT if gone. */
int vtel_cgroup_path(u64 id, char *buf, size_t len)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);
	int ret;

	if (IS_ERR_OR_NULL(cgrp))
		return -ENOENT;
	ret = cgroup_path_ns(cgrp, buf, len, current->nsproxy->cgroup_ns);
	cgroup_put(cgrp);
	return ret < 0 ? ret : 0;
}

/* The cgroup's level, or -ENOENT if it does not exist. */
int vtel_cgroup_level(u64 id, u32 *level)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);

	if (IS_ERR_OR_NULL(cgrp))
		return -ENOENT;
	*level = cgrp->level;
	cgroup_put(cgrp);
	return 0;
}

/* The cgroup of an open directory fd, as cgroupstats takes it. */
int vtel_cgroup_from_fd(int fd, u64 *id, u32 *level)
{
	struct cgroup *cgrp = cgroup_get_from_fd(fd);

	if (IS_ERR_OR_NULL(cgrp))
		return cgrp ? PTR_ERR(cgrp) : -EBADF;
	*id = cgroup_id(cgrp);
	*level = cgrp->level;
	cgroup_put(cgrp);
	return 0;
}
