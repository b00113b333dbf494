// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of cgroup records: segments split by a move, release and rollup. */
#include "vtel_kunit.h"

static void vtel_cg_move_splits(struct kunit *test)
{
	static const u64 vm1[] = { 1, 10, 11 }, vm2[] = { 1, 10, 12 };
	static const u64 other[] = { 1, 20 };
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	struct vtel_cg_path p;
	u64 t = 1;
	int i;

	v1 = vtel_vm_lookup_vcpu(KEY(101), KEY(1), 0);
	v2 = vtel_vm_lookup_vcpu(KEY(201), KEY(2), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	/* No segment yet: the exit is counted, as untracked. */
	exit_entry(v1, io, &t, 1, 1);
	cg_path(&p, vm1, 2);
	vtel_vm_set_cgroup(v1, &p);
	cg_path(&p, vm2, 2);
	vtel_vm_set_cgroup(v2, &p);
	for (i = 0; i < 3; i++)
		exit_entry(v1, io, &t, 10, 100);
	for (i = 0; i < 5; i++)
		exit_entry(v2, io, &t, 10, 100);
	/* v1's thread moves to another tenant. */
	cg_path(&p, other, 1);
	vtel_vm_set_cgroup(v1, &p);
	for (i = 0; i < 7; i++)
		exit_entry(v1, io, &t, 10, 100);

	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 11, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 3);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 300);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 20, 1, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 7);
	/* The tenant has no vCPU of its own: own view unknown, rollup 3+5. */
	KUNIT_EXPECT_EQ(test, vtel_view_cg(a, 10, 1, false), -ENOENT);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 8);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 8);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 15);
	/* The VM view is whole across the move, plus the untracked exit. */
	KUNIT_ASSERT_EQ(test, vtel_view_vm(a, vm_id_of(v1)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 10);
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 16);
	KUNIT_EXPECT_EQ(test, a->t.untracked_exits, 1);
}

static bool cg_alive_except_11(u64 id)
{
	return id != 11;
}

static void vtel_cg_lifetime(struct kunit *test)
{
	static const u64 vm1[] = { 1, 10, 11 };
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_counters c;
	struct vtel_vcpu *v1;
	struct vtel_cg_path p;
	u64 t = 1;

	v1 = vtel_vm_lookup_vcpu(KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	cg_path(&p, vm1, 2);
	vtel_vm_set_cgroup(v1, &p);
	exit_entry(v1, io, &t, 10, 100);
	exit_entry(v1, io, &t, 10, 100);

	/* The VM goes and is evicted: the cgroup keeps its numbers. */
	vtel_vm_retire(KEY(1));
	v1 = vtel_vm_lookup_vcpu(KEY(301), KEY(3), 0);
	vtel_vm_retire(KEY(3));
	vtel_worker_run();
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.evicted_vms, 1);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 11, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 200);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);

	/* rmdir: the record is released and the id is unknown. */
	vtel_cg_release(cg_alive_except_11);
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.cgroups_released, 1);
	KUNIT_EXPECT_EQ(test, vtel_view_cg(a, 11, 2, false), -ENOENT);
	/* Its parent's rollup keeps it, as cpu.stat does; not its own view. */
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 200);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 10, 1, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	/* The host total does not lose what the cgroup had. */
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);

	/* Recreated at the same path it is a new id, and starts at zero. */
	v1 = vtel_vm_lookup_vcpu(KEY(401), KEY(4), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	p.id = 13;
	p.ids[2] = 13;
	vtel_vm_set_cgroup(v1, &p);
	exit_entry(v1, io, &t, 10, 100);
	KUNIT_ASSERT_EQ(test, vtel_view_cg(a, 13, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
}

static struct kunit_case vtel_cg_cases[] = {
	KUNIT_CASE(vtel_cg_move_splits),
	KUNIT_CASE(vtel_cg_lifetime),
	{}
};

static struct kunit_suite vtel_cg_suite = {
	.name = "vtel_cg",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_cg_cases,
};

kunit_test_suites(&vtel_cg_suite);

MODULE_LICENSE("GPL");
