// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the VM/vCPU tables: accounting, aggregation across vCPUs,
 * limits, retirement, eviction and reset. Keys are fake pointers; nothing
 * here needs KVM.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../vtel.h"

#define KEY(n)	((const void *)(0x1000UL * (n)))

static struct vtel_limits vtel_test_lim = {
	.max_vms = 3,
	.max_vcpus = 4,
	.max_segs = 6,
	.max_cgroups = 4,
	.spare_cgroups = 4,
	.retired_vms = 1,
	.retired_secs = 0,
	.spare_vms = 3,
	.spare_vcpus = 4,
};

static int vtel_table_test_init(struct kunit *test)
{
	struct vtel_agg *a;

	vtel_reason_init();
	KUNIT_ASSERT_EQ(test, vtel_table_init(&vtel_test_lim), 0);
	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	test->priv = a;
	return 0;
}

static void vtel_table_test_exit(struct kunit *test)
{
	vtel_table_exit();
}

static struct vtel_pcpu *pcpu(void)
{
	return per_cpu_ptr(vtel_pcpu, 0);
}

/* A cgroup path root(1)/.../id, levels numbered from the root. */
static void cg_path(struct vtel_cg_path *p, const u64 *ids, u32 level)
{
	memset(p, 0, sizeof(*p));
	p->level = level;
	p->id = ids[level];
	memcpy(p->ids, ids, (level + 1) * sizeof(*ids));
}

static const u64 cg_root[] = { 1 };

/* A vCPU whose thread is in the root cgroup, as the probes would see it. */
static struct vtel_vcpu *vcpu(struct kunit *test, unsigned long vm,
			      unsigned long id)
{
	struct vtel_vcpu *vc = vtel_vcpu_lookup_slow(KEY(vm * 100 + id),
						     KEY(vm), id);
	struct vtel_cg_path p;

	if (vc && vc->cg_id != 1) {
		cg_path(&p, cg_root, 0);
		vtel_vcpu_set_cgroup(vc, &p);
	}
	return vc;
}

/* One exit of @reason at @t handled for @handling ns after @guest ns. */
static void exit_entry(struct vtel_vcpu *vc, unsigned int reason, u64 *t,
		       u64 guest, u64 handling)
{
	*t += guest;
	vtel_account_exit(pcpu(), vc, reason, *t);
	*t += handling;
	vtel_account_entry(pcpu(), vc, *t);
}

static u32 vm_id_of(struct vtel_vcpu *vc)
{
	return vc->vm->id;
}

static void vtel_table_accounts_one_vcpu(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), cpuid = vtel_svm_reason(0x72);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc;
	u64 t = 1000;
	int i;

	vc = vcpu(test, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, t);
	for (i = 0; i < 10; i++)
		exit_entry(vc, io, &t, 100, 50);
	exit_entry(vc, cpuid, &t, 100, 2000);
	/* An exit still being handled is counted but not timed. */
	t += 100;
	vtel_account_exit(pcpu(), vc, io, t);

	KUNIT_ASSERT_EQ(test, vtel_agg_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 12);
	KUNIT_EXPECT_EQ(test, a->t.guest_ns, 1200);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 10 * 50 + 2000);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 11);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 10);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 50);
	KUNIT_EXPECT_EQ(test, a->reason[io].max_ns, 50);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].count, 1);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].total_ns, 2000);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(a->t.handling_ns,
						a->t.guest_ns), 675675);
}

static void vtel_table_sums_vcpus_and_host(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v0, *v1, *w0;
	u64 t = 1;
	int i;

	v0 = vcpu(test, 1, 0);
	v1 = vcpu(test, 1, 1);
	w0 = vcpu(test, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, w0);
	KUNIT_EXPECT_PTR_EQ(test, v0->vm, v1->vm);
	KUNIT_EXPECT_PTR_NE(test, v0->vm, w0->vm);
	/* The same key finds the same record. */
	KUNIT_EXPECT_PTR_EQ(test, vcpu(test, 1, 1), v1);

	for (i = 0; i < 3; i++)
		exit_entry(v0, io, &t, 10, 100);
	for (i = 0; i < 5; i++)
		exit_entry(v1, io, &t, 10, 1000);
	for (i = 0; i < 7; i++)
		exit_entry(w0, io, &t, 10, 10);

	KUNIT_ASSERT_EQ(test, vtel_agg_vcpu(a, vm_id_of(v1), 1), 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 5);
	KUNIT_ASSERT_EQ(test, vtel_agg_vm(a, vm_id_of(v0)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 8);
	KUNIT_EXPECT_EQ(test, a->t.nr_vcpus, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 100);
	KUNIT_EXPECT_EQ(test, a->reason[io].max_ns, 1000);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 3 * 100 + 5 * 1000);
	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 15);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 15);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 10);
	KUNIT_EXPECT_EQ(test, vtel_agg_vcpu(a, vm_id_of(v0), 9), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_agg_vm(a, 12345), -ENOENT);
}

static void vtel_table_limits_count_untracked(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_counters c;
	struct vtel_vcpu *vc;
	u64 t = 1;
	int i;

	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_NOT_NULL(test, vcpu(test, 1, i));
	/* max_vcpus is 4: the fifth vCPU has no record. */
	vc = vcpu(test, 1, 4);
	KUNIT_EXPECT_NULL(test, vc);
	for (i = 0; i < 6; i++)
		exit_entry(vc, io, &t, 1, 1);
	exit_entry(vcpu(test, 1, 0), io, &t, 1, 1);

	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 7);
	KUNIT_EXPECT_EQ(test, a->t.untracked_exits, 6);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 7);
	vtel_counters(&c);
	KUNIT_EXPECT_EQ(test, c.vcpus, 4);
	KUNIT_EXPECT_EQ(test, c.vms_live, 1);
}

static void vtel_table_reason_slots_overflow(struct kunit *test)
{
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	unsigned int r, n = 0;
	u64 t = 1;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (r = 1; r < vtel_reason_count() && n < VTEL_SEG_SLOTS + 5; r++, n++)
		exit_entry(vc, r, &t, 1, 1);
	KUNIT_ASSERT_EQ(test, n, VTEL_SEG_SLOTS + 5);

	KUNIT_ASSERT_EQ(test, vtel_agg_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, n);
	KUNIT_EXPECT_EQ(test, a->t.reason_overflow, 5);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, n);
	/* The host view still has every exit under its own reason. */
	vtel_agg_host(a);
	for (r = 1; r <= n; r++)
		KUNIT_EXPECT_EQ(test, a->reason[r].count, 1);
}

static void vtel_table_retire_evict_keep_host(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2, *v3;
	struct vtel_counters c;
	u32 id1, id2;
	u64 t = 1;

	v1 = vcpu(test, 1, 0);
	v2 = vcpu(test, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	id1 = vm_id_of(v1);
	id2 = vm_id_of(v2);
	exit_entry(v1, io, &t, 10, 10);
	exit_entry(v2, io, &t, 10, 10);
	exit_entry(v2, io, &t, 10, 10);

	vtel_vm_retire(KEY(1));
	vtel_table_maintain();
	vtel_counters(&c);
	KUNIT_EXPECT_EQ(test, c.vms_live, 1);
	KUNIT_EXPECT_EQ(test, c.vms_retired, 1);
	/* Retired VMs stay queryable. */
	KUNIT_EXPECT_EQ(test, vtel_agg_vm(a, id1), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);

	/* The same struct kvm address again is a new VM. */
	v3 = vcpu(test, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, v3);
	KUNIT_EXPECT_PTR_NE(test, v3, v1);
	KUNIT_EXPECT_NE(test, vm_id_of(v3), id1);
	exit_entry(v3, io, &t, 10, 10);

	/* retired_vms is 1: a second retirement evicts the first. */
	vtel_vm_retire(KEY(2));
	vtel_table_maintain();
	vtel_counters(&c);
	KUNIT_EXPECT_EQ(test, c.vms_retired, 1);
	KUNIT_EXPECT_EQ(test, c.evicted_vms, 1);
	KUNIT_EXPECT_EQ(test, vtel_agg_vm(a, id1), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_agg_vm(a, id2), 0);

	/* Eviction moves numbers into the host total, it loses none. */
	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 4);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 4);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 4);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 40);
}

static void vtel_table_reset_zeroes_everything(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	u64 t = 1;

	v1 = vcpu(test, 1, 0);
	v2 = vcpu(test, 2, 0);
	exit_entry(v1, io, &t, 10, 10);
	exit_entry(v2, io, &t, 10, 10);
	vtel_vm_retire(KEY(2));
	vtel_vm_retire(KEY(1));
	vtel_table_maintain();		/* evicts one into the host total */
	exit_entry(NULL, io, &t, 1, 1);	/* untracked */

	vtel_reset();
	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 0);

	v1 = vcpu(test, 3, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	exit_entry(v1, io, &t, 10, 30);
	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 30);
}

static void vtel_table_cgroup_move_splits(struct kunit *test)
{
	static const u64 vm1[] = { 1, 10, 11 }, vm2[] = { 1, 10, 12 };
	static const u64 other[] = { 1, 20 };
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	struct vtel_cg_path p;
	u64 t = 1;
	int i;

	v1 = vtel_vcpu_lookup_slow(KEY(101), KEY(1), 0);
	v2 = vtel_vcpu_lookup_slow(KEY(201), KEY(2), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	/* No segment yet: the exit is counted, as untracked. */
	exit_entry(v1, io, &t, 1, 1);
	cg_path(&p, vm1, 2);
	vtel_vcpu_set_cgroup(v1, &p);
	cg_path(&p, vm2, 2);
	vtel_vcpu_set_cgroup(v2, &p);
	for (i = 0; i < 3; i++)
		exit_entry(v1, io, &t, 10, 100);
	for (i = 0; i < 5; i++)
		exit_entry(v2, io, &t, 10, 100);
	/* v1's thread moves to another tenant. */
	cg_path(&p, other, 1);
	vtel_vcpu_set_cgroup(v1, &p);
	for (i = 0; i < 7; i++)
		exit_entry(v1, io, &t, 10, 100);

	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 11, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 3);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 300);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 20, 1, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 7);
	/* The tenant has no vCPU of its own: own view unknown, rollup 3+5. */
	KUNIT_EXPECT_EQ(test, vtel_agg_cgroup(a, 10, 1, false), -ENOENT);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 8);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 8);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 15);
	/* The VM view is whole across the move, plus the untracked exit. */
	KUNIT_ASSERT_EQ(test, vtel_agg_vm(a, vm_id_of(v1)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 10);
	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 16);
	KUNIT_EXPECT_EQ(test, a->t.untracked_exits, 1);
}

static bool cg_alive_except_11(u64 id)
{
	return id != 11;
}

static void vtel_table_cgroup_lifetime(struct kunit *test)
{
	static const u64 vm1[] = { 1, 10, 11 };
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_counters c;
	struct vtel_vcpu *v1;
	struct vtel_cg_path p;
	u64 t = 1;

	v1 = vtel_vcpu_lookup_slow(KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	cg_path(&p, vm1, 2);
	vtel_vcpu_set_cgroup(v1, &p);
	exit_entry(v1, io, &t, 10, 100);
	exit_entry(v1, io, &t, 10, 100);

	/* The VM goes and is evicted: the cgroup keeps its numbers. */
	vtel_vm_retire(KEY(1));
	v1 = vtel_vcpu_lookup_slow(KEY(301), KEY(3), 0);
	vtel_vm_retire(KEY(3));
	vtel_table_maintain();
	vtel_counters(&c);
	KUNIT_EXPECT_EQ(test, c.evicted_vms, 1);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 11, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 200);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);

	/* rmdir: the record is released and the id is unknown. */
	vtel_cgroups_release(cg_alive_except_11);
	vtel_counters(&c);
	KUNIT_EXPECT_EQ(test, c.cgroups_released, 1);
	KUNIT_EXPECT_EQ(test, vtel_agg_cgroup(a, 11, 2, false), -ENOENT);
	/* Its parent's rollup keeps it, as cpu.stat does; not its own view. */
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 200);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 10, 1, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	/* The host total does not lose what the cgroup had. */
	vtel_agg_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);

	/* Recreated at the same path it is a new id, and starts at zero. */
	v1 = vtel_vcpu_lookup_slow(KEY(401), KEY(4), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	p.id = 13;
	p.ids[2] = 13;
	vtel_vcpu_set_cgroup(v1, &p);
	exit_entry(v1, io, &t, 10, 100);
	KUNIT_ASSERT_EQ(test, vtel_agg_cgroup(a, 13, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
}

static struct kunit_case vtel_table_cases[] = {
	KUNIT_CASE(vtel_table_accounts_one_vcpu),
	KUNIT_CASE(vtel_table_sums_vcpus_and_host),
	KUNIT_CASE(vtel_table_limits_count_untracked),
	KUNIT_CASE(vtel_table_reason_slots_overflow),
	KUNIT_CASE(vtel_table_retire_evict_keep_host),
	KUNIT_CASE(vtel_table_reset_zeroes_everything),
	KUNIT_CASE(vtel_table_cgroup_move_splits),
	KUNIT_CASE(vtel_table_cgroup_lifetime),
	{}
};

static struct kunit_suite vtel_table_suite = {
	.name = "vtel_table",
	.init = vtel_table_test_init,
	.exit = vtel_table_test_exit,
	.test_cases = vtel_table_cases,
};

kunit_test_suites(&vtel_table_suite);

MODULE_LICENSE("GPL");
