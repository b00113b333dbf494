/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the table suites share: small limits, fake keys for VMs and vCPUs,
 * and exits driven through the hot path as the probes would. Nothing here
 * needs KVM.
 */
#ifndef _VTEL_KUNIT_H
#define _VTEL_KUNIT_H

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../vtel_account.h"
#include "../vtel_cg.h"
#include "../vtel_table.h"
#include "../vtel_view.h"
#include "../vtel_vm.h"
#include "../vtel_worker.h"

#define KEY(n)	((const void *)(0x1000UL * (n)))

static inline int vtel_kunit_init(struct kunit *test)
{
	static const struct vtel_limits lim = {
		.max_vms = 3,
		.max_vcpus = 4,
		.max_segs = 6,
		.max_cgroups = 4,
		.spare_cgroups = 4,
		.retired_vms = 1,
		.retired_secs = 0,
		.spare_vms = 3,
		.spare_vcpus = 4,
		.max_addrs = 4,
	};
	struct vtel_agg *a;

	vtel_reason_init();
	KUNIT_ASSERT_EQ(test, vtel_worker_init(&lim), 0);
	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	test->priv = a;
	return 0;
}

static inline void vtel_kunit_exit(struct kunit *test)
{
	vtel_worker_exit();
}

/* Starts the tables again with @lim instead of the suites' limits. */
static inline void vtel_kunit_limits(struct kunit *test,
				     const struct vtel_limits *lim)
{
	vtel_worker_exit();
	KUNIT_ASSERT_EQ(test, vtel_worker_init(lim), 0);
}

static inline struct vtel_counters counters(void)
{
	struct vtel_counters c;

	vtel_table_counters(&c);
	return c;
}

static inline struct vtel_pcpu *pcpu(void)
{
	return per_cpu_ptr(vtel_table.pcpu, 0);
}

/* A cgroup path root(1)/.../id, levels numbered from the root. */
static inline void cg_path(struct vtel_cg_path *p, const u64 *ids, u32 level)
{
	memset(p, 0, sizeof(*p));
	p->level = level;
	p->id = ids[level];
	memcpy(p->ids, ids, (level + 1) * sizeof(*ids));
}

/* A vCPU whose thread is in the root cgroup, as the probes would see it. */
static inline struct vtel_vcpu *vcpu_keys(const void *vcpu_key,
					  const void *vm_key, u32 id)
{
	static const u64 cg_root[] = { 1 };
	struct vtel_vcpu *vc = vtel_vcpu_get(pcpu(), vcpu_key, vm_key, id);
	struct vtel_cg_path p;

	if (vc && vc->cg_id != 1) {
		cg_path(&p, cg_root, 0);
		vtel_vm_set_cgroup(vc, &p);
	}
	return vc;
}

static inline struct vtel_vcpu *vcpu(struct kunit *test, unsigned long vm,
				     unsigned long id)
{
	return vcpu_keys(KEY(vm * 100 + id), KEY(vm), id);
}

/* One exit of @reason at @t handled for @handling ns after @guest ns. */
static inline void exit_entry(struct vtel_vcpu *vc, unsigned int reason,
			      u64 *t, u64 guest, u64 handling)
{
	*t += guest;
	vtel_account_exit(pcpu(), vc, reason, *t, 0);
	*t += handling;
	vtel_account_entry(pcpu(), vc, *t, 0);
}

static inline u32 vm_id_of(struct vtel_vcpu *vc)
{
	return vc->vm->id;
}

/* A view summed sparsely, spread into @a by reason as the tests read it. */
static inline int view_sel(struct vtel_agg *a, const struct vtel_sel *sel)
{
	struct vtel_sum *s = vtel_view_sum(sel, -1);
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (IS_ERR(s))
		return PTR_ERR(s);
	a->t = s->t;
	for (i = 0; i < s->n; i++)
		a->reason[s->row[i].reason] = s->row[i].s;
	kvfree(s);
	return 0;
}

static inline int view_host(struct vtel_agg *a)
{
	const struct vtel_sel sel = { .type = VTEL_SEL_HOST };

	return view_sel(a, &sel);
}

static inline int view_vm(struct vtel_agg *a, u32 vm_id)
{
	const struct vtel_sel sel = { .type = VTEL_SEL_VM, .vm_id = vm_id };

	return view_sel(a, &sel);
}

static inline int view_vcpu(struct vtel_agg *a, u32 vm_id, u32 vcpu_id)
{
	const struct vtel_sel sel = { .type = VTEL_SEL_VCPU, .vm_id = vm_id,
				      .vcpu_id = vcpu_id };

	return view_sel(a, &sel);
}

static inline int view_cg(struct vtel_agg *a, u64 id, u32 level, bool rollup)
{
	const struct vtel_sel sel = { .type = VTEL_SEL_CGROUP, .cg_id = id,
				      .cg_level = level, .cg_own = !rollup };

	return view_sel(a, &sel);
}

#endif /* _VTEL_KUNIT_H */
