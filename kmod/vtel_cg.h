/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup records: the cgroups vCPU threads ran in, found by id, and their
 * release once the cgroup is removed. The kernel side (which cgroup a
 * thread is in, whether one exists) is in vtel_cgroup.c.
 */
#ifndef _VTEL_CG_H
#define _VTEL_CG_H

#include <linux/rculist.h>

#include "vtel.h"
#include "vtel_table.h"

/* Every cgroup record; under rcu_read_lock(). */
#define vtel_cg_for_each(cg) \
	list_for_each_entry_rcu(cg, &vtel_table.cgs, node)

struct vtel_cg *vtel_cg_get(const struct vtel_cg_path *p);
bool vtel_cg_in(const struct vtel_cg *cg, u64 id, u32 level);
bool vtel_cg_release(bool (*alive)(u64 id));
void vtel_cg_free_all(void);

#endif /* _VTEL_CG_H */
