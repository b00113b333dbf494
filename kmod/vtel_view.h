/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The summed views debugfs and netlink read: the host, a VM, a vCPU and a
 * cgroup (its own or with its descendants), the id lists the dumps walk,
 * and the two operations that move every view's numbers: the folding of
 * an evicted VM and the reset.
 */
#ifndef _VTEL_VIEW_H
#define _VTEL_VIEW_H

#include "vtel.h"

/* A cgroup of the cgroups views: its own totals, and with descendants. */
struct vtel_cg_row {
	struct vtel_cg_ent e;
	struct vtel_totals own;
	struct vtel_totals all;
};

/* Which view: the host, a VM, a vCPU or a cgroup. */
enum vtel_sel_type { VTEL_SEL_HOST, VTEL_SEL_VM, VTEL_SEL_VCPU,
		     VTEL_SEL_CGROUP };

struct vtel_sel {
	enum vtel_sel_type type;
	u32 vm_id;
	u32 vcpu_id;
	u64 cg_id;
	u32 cg_level;
	bool cg_own;			/* the cgroup alone, not its rollup */
};

/* A view's reason, summed. */
struct vtel_sum_row {
	u16 reason;
	struct vtel_stats s;
};

/* A view: its totals and a row for each reason it has, by reason. */
struct vtel_sum {
	struct vtel_totals t;
	unsigned int n;
	struct vtel_sum_row row[];
};

int vtel_view_totals(struct vtel_totals *t, const struct vtel_sel *sel);
struct vtel_sum *vtel_view_sum(const struct vtel_sel *sel, int only);
u64 vtel_view_split_missed(void);
void vtel_view_host_totals(struct vtel_totals *t);
int vtel_view_addrs(struct vtel_addr_view *v, u32 vm_id, s64 vcpu_id);
void vtel_view_vm_totals(const struct vtel_vm *vm, struct vtel_totals *t);
void vtel_view_vcpu_totals(const struct vtel_vcpu *vc, struct vtel_totals *t);
unsigned int vtel_view_order(const struct vtel_sum *s, u16 *order);
u32 vtel_view_cg_ids(struct vtel_cg_ent *e, u32 max);
u32 vtel_view_cg_ids_max(void);
void vtel_view_cg_rows(struct vtel_cg_row *rows, const struct vtel_cg_ent *e,
		       u32 n);
void vtel_view_fold_vm(struct vtel_vm *vm);
void vtel_view_reset(void);

#endif /* _VTEL_VIEW_H */
