// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of VM and vCPU records: limits, retirement, eviction. */
#include "vtel_kunit.h"

static void vtel_vm_limits_count_untracked(struct kunit *test)
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

	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 7);
	KUNIT_EXPECT_EQ(test, a->t.untracked_exits, 6);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 7);
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.vcpus, 4);
	KUNIT_EXPECT_EQ(test, c.vms_live, 1);
}

static void vtel_vm_retire_evict_keep_host(struct kunit *test)
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
	vtel_worker_run();
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.vms_live, 1);
	KUNIT_EXPECT_EQ(test, c.vms_retired, 1);
	/* Retired VMs stay queryable. */
	KUNIT_EXPECT_EQ(test, vtel_view_vm(a, id1), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);

	/* The same struct kvm address again is a new VM. */
	v3 = vcpu(test, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, v3);
	KUNIT_EXPECT_PTR_NE(test, v3, v1);
	KUNIT_EXPECT_NE(test, vm_id_of(v3), id1);
	exit_entry(v3, io, &t, 10, 10);

	/* retired_vms is 1: a second retirement evicts the first. */
	vtel_vm_retire(KEY(2));
	vtel_worker_run();
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.vms_retired, 1);
	KUNIT_EXPECT_EQ(test, c.evicted_vms, 1);
	KUNIT_EXPECT_EQ(test, vtel_view_vm(a, id1), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_view_vm(a, id2), 0);

	/* Eviction moves numbers into the host total, it loses none. */
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 4);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 4);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 4);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 40);
}

static struct kunit_case vtel_vm_cases[] = {
	KUNIT_CASE(vtel_vm_limits_count_untracked),
	KUNIT_CASE(vtel_vm_retire_evict_keep_host),
	{}
};

static struct kunit_suite vtel_vm_suite = {
	.name = "vtel_vm",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_vm_cases,
};

kunit_test_suites(&vtel_vm_suite);

MODULE_LICENSE("GPL");
