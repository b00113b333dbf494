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

	view_host(a);
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
	KUNIT_EXPECT_EQ(test, view_vm(a, id1), 0);
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
	KUNIT_EXPECT_EQ(test, view_vm(a, id1), -ENOENT);
	KUNIT_EXPECT_EQ(test, view_vm(a, id2), 0);

	/* Eviction moves numbers into the host total, it loses none. */
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 4);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 4);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 4);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 40);
}

/* Untracked VMs and vCPUs are counted once each, not per exit. */
static void vtel_vm_untracked_counted_once(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_counters c;
	u64 t = 1;
	int i, v;

	/* max_vms is 3: VMs 1-3 get records, VM 4 (two vCPUs) none. */
	for (v = 1; v <= 3; v++)
		KUNIT_ASSERT_NOT_NULL(test, vcpu(test, v, 0));
	for (i = 0; i < 10; i++) {
		exit_entry(vcpu(test, 4, 0), io, &t, 1, 1);
		exit_entry(vcpu(test, 4, 1), io, &t, 1, 1);
	}
	/* max_vcpus is 4: VM 1's second vCPU gets the last, its third none. */
	KUNIT_ASSERT_NOT_NULL(test, vcpu(test, 1, 1));
	for (i = 0; i < 10; i++)
		exit_entry(vcpu(test, 1, 2), io, &t, 1, 1);
	c = counters();
	KUNIT_EXPECT_EQ(test, c.untracked_vms, 1);
	KUNIT_EXPECT_EQ(test, c.untracked_vcpus, 3);
	/* Starved: kicked once, not on every exit. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(vtel_table.starved), 1);
	/* A run that can make no room leaves it so: no kick per exit. */
	vtel_worker_run();
	exit_entry(vcpu(test, 4, 0), io, &t, 1, 1);
	vtel_worker_run();
	KUNIT_EXPECT_EQ(test, READ_ONCE(vtel_table.starved), 1);
	/* VM 4 goes; a VM at its address is another VM, counted again. */
	vtel_vm_retire(KEY(4));
	exit_entry(vcpu(test, 4, 0), io, &t, 1, 1);
	KUNIT_EXPECT_EQ(test, counters().untracked_vms, 2);
}

/* A struct kvm_vcpu freed and reused by another VM is a new vCPU. */
static void vtel_vm_recycled_vcpu(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	u64 t = 1;

	v1 = vcpu_keys(KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	exit_entry(v1, io, &t, 1, 1);
	/* VM 1's destruction was missed (kprobe disarmed). */
	v2 = vcpu_keys(KEY(101), KEY(2), 0);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	KUNIT_EXPECT_PTR_NE(test, v2, v1);
	KUNIT_EXPECT_PTR_EQ(test, v2->vm_key, KEY(2));
	exit_entry(v2, io, &t, 1, 1);
	exit_entry(v2, io, &t, 1, 1);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(v1)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(v2)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
}

/* retired_secs applies to every retired VM, not the first created. */
static void vtel_vm_evict_by_age(struct kunit *test)
{
	static const struct vtel_limits lim = {
		.max_vms = 8, .max_vcpus = 8, .max_segs = 8, .max_cgroups = 4,
		.spare_vms = 8, .spare_vcpus = 8, .spare_cgroups = 4,
		.retired_vms = 8, .retired_secs = 60,
	};
	struct vtel_vcpu *v1, *v2;
	u32 id1, id2;

	vtel_kunit_limits(test, &lim);
	v1 = vcpu(test, 1, 0);
	v2 = vcpu(test, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	id1 = vm_id_of(v1);
	id2 = vm_id_of(v2);
	/* VM 2 retired long ago, VM 1 (created first) just now. */
	vtel_vm_retire(KEY(2));
	vtel_worker_run();
	v2->vm->retired_at = jiffies - 61 * HZ;
	vtel_vm_retire(KEY(1));
	vtel_worker_run();
	KUNIT_EXPECT_EQ(test, counters().evicted_vms, 1);
	KUNIT_EXPECT_EQ(test, view_vm(test->priv, id2), -ENOENT);
	KUNIT_EXPECT_EQ(test, view_vm(test->priv, id1), 0);
}

/* retired_secs * HZ does not wrap in 32 bits. */
static void vtel_vm_retired_secs_large(struct kunit *test)
{
	/* 2^32 / HZ + 1 seconds: (u32)(secs * HZ) is below HZ. */
	static struct vtel_limits lim = {
		.max_vms = 8, .max_vcpus = 8, .max_segs = 8, .max_cgroups = 4,
		.spare_vms = 8, .spare_vcpus = 8, .spare_cgroups = 4,
		.retired_vms = 8,
	};
	struct vtel_vcpu *v1;

	lim.retired_secs = (u32)div_u64(1ULL << 32, HZ) + 1;
	vtel_kunit_limits(test, &lim);
	v1 = vcpu(test, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	vtel_vm_retire(KEY(1));
	vtel_worker_run();
	v1->vm->retired_at = jiffies - 2 * HZ;
	vtel_worker_run();
	KUNIT_EXPECT_EQ(test, counters().evicted_vms, 0);
	KUNIT_EXPECT_EQ(test, counters().vms_retired, 1);
}

static struct kunit_case vtel_vm_cases[] = {
	KUNIT_CASE(vtel_vm_untracked_counted_once),
	KUNIT_CASE(vtel_vm_recycled_vcpu),
	KUNIT_CASE(vtel_vm_evict_by_age),
	KUNIT_CASE(vtel_vm_retired_secs_large),
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
