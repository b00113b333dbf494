// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of the summed views: across vCPUs and VMs, and reset. */
#include "vtel_kunit.h"

static void vtel_view_sums_vcpus_and_host(struct kunit *test)
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

	KUNIT_ASSERT_EQ(test, vtel_view_vcpu(a, vm_id_of(v1), 1), 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 5);
	KUNIT_ASSERT_EQ(test, vtel_view_vm(a, vm_id_of(v0)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 8);
	KUNIT_EXPECT_EQ(test, a->t.nr_vcpus, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 100);
	KUNIT_EXPECT_EQ(test, a->reason[io].max_ns, 1000);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 3 * 100 + 5 * 1000);
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 15);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 15);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 10);
	KUNIT_EXPECT_EQ(test, vtel_view_vcpu(a, vm_id_of(v0), 9), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_view_vm(a, 12345), -ENOENT);
}

static void vtel_view_reset_zeroes_everything(struct kunit *test)
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
	vtel_worker_run();		/* evicts one into the host total */
	exit_entry(NULL, io, &t, 1, 1);	/* untracked */

	vtel_view_reset();
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 0);

	v1 = vcpu(test, 3, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	exit_entry(v1, io, &t, 10, 30);
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 30);
}

static struct kunit_case vtel_view_cases[] = {
	KUNIT_CASE(vtel_view_sums_vcpus_and_host),
	KUNIT_CASE(vtel_view_reset_zeroes_everything),
	{}
};

static struct kunit_suite vtel_view_suite = {
	.name = "vtel_view",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_view_cases,
};

kunit_test_suites(&vtel_view_suite);

MODULE_LICENSE("GPL");
