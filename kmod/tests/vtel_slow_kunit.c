// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of the slow-exit thresholds and their check on the hot path. */
#include "vtel_kunit.h"
#include "../vtel_slow.h"

static unsigned int io, npf, hlt;

static int vtel_slow_kunit_init(struct kunit *test)
{
	io = vtel_svm_reason(0x7b);
	npf = vtel_svm_reason(0x400);
	hlt = vtel_svm_reason(0x78);
	vtel_slow_set_global(1000 * NSEC_PER_USEC);
	vtel_slow_set_idle(0);
	return vtel_kunit_init(test);
}

static void vtel_slow_kunit_exit(struct kunit *test)
{
	vtel_slow_clear_reason(io);
	vtel_slow_clear_reason(npf);
	vtel_slow_clear_reason(hlt);
	vtel_slow_set_global(1000 * NSEC_PER_USEC);
	vtel_slow_set_idle(0);
	vtel_kunit_exit(test);
}

/* The default: 1 ms for every reason that is not idle; idle exits off. */
static void vtel_slow_defaults(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vtel_reason_category(hlt), VTEL_CAT_HALT);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[io], 1000000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[npf], 1000000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[hlt], U64_MAX);
	KUNIT_EXPECT_FALSE(test, vtel_slow_is(io, 1000000));
	KUNIT_EXPECT_TRUE(test, vtel_slow_is(io, 1000001));
	KUNIT_EXPECT_FALSE(test, vtel_slow_is(hlt, U64_MAX));
}

/* 0 turns a check off: no handling time, however long, is slow. */
static void vtel_slow_zero_is_off(struct kunit *test)
{
	vtel_slow_set_global(0);
	KUNIT_EXPECT_EQ(test, vtel_slow_global(), 0);
	KUNIT_EXPECT_FALSE(test, vtel_slow_is(io, U64_MAX));
	KUNIT_EXPECT_FALSE(test, vtel_slow_is(npf, U64_MAX - 1));
	vtel_slow_set_idle(5);
	KUNIT_EXPECT_TRUE(test, vtel_slow_is(hlt, 6));
	KUNIT_EXPECT_FALSE(test, vtel_slow_is(io, 6));
}

/* A reason's own threshold wins over the global and the idle one. */
static void vtel_slow_override(struct kunit *test)
{
	u64 ns = 0;

	vtel_slow_set_global(5000);
	KUNIT_ASSERT_EQ(test, vtel_slow_set_reason(npf, 2000), 0);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[npf], 2000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[io], 5000);
	KUNIT_EXPECT_TRUE(test, vtel_slow_reason_override(npf, &ns));
	KUNIT_EXPECT_EQ(test, ns, 2000);
	KUNIT_EXPECT_FALSE(test, vtel_slow_reason_override(io, &ns));
	/* A later global change keeps the override. */
	vtel_slow_set_global(7000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[npf], 2000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[io], 7000);
	/* Override with 0: that reason alone is off. */
	KUNIT_ASSERT_EQ(test, vtel_slow_set_reason(io, 0), 0);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[io], U64_MAX);
	/* An idle reason can be given one too. */
	KUNIT_ASSERT_EQ(test, vtel_slow_set_reason(hlt, 9), 0);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[hlt], 9);
	/* Clearing returns each to its default. */
	vtel_slow_clear_reason(npf);
	vtel_slow_clear_reason(io);
	vtel_slow_clear_reason(hlt);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[npf], 7000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[io], 7000);
	KUNIT_EXPECT_EQ(test, vtel_slow_thresh[hlt], U64_MAX);
	KUNIT_EXPECT_EQ(test, vtel_slow_set_reason(VTEL_MAX_REASONS, 1),
			-EINVAL);
}

/* The hot path counts an exit as slow only above its reason's threshold. */
static void vtel_slow_counted(struct kunit *test)
{
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	u64 t = 1000;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_slow_set_global(1000);
	KUNIT_ASSERT_EQ(test, vtel_slow_set_reason(npf, 5000), 0);
	vtel_account_entry(pcpu(), vc, t, 0);
	exit_entry(vc, io, &t, 10, 1000);	/* equal: not slow */
	exit_entry(vc, io, &t, 10, 1001);	/* slow */
	exit_entry(vc, npf, &t, 10, 4000);	/* under npf's own */
	exit_entry(vc, npf, &t, 10, 5001);	/* slow */
	exit_entry(vc, hlt, &t, 10, 1000000);	/* idle: off */
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 5);
	KUNIT_EXPECT_EQ(test, a->t.slow_exits, 2);
}

/* Names: an exact match wins, so "HLT" is VMX's and "hlt" SVM's. */
static void vtel_slow_reason_names(struct kunit *test)
{
	int svm_hlt = vtel_reason_find("hlt");
	int vmx_hlt = vtel_reason_find("HLT");

	KUNIT_EXPECT_EQ(test, svm_hlt, (int)hlt);
	KUNIT_EXPECT_EQ(test, vtel_reason_isa(svm_hlt), VTEL_ISA_SVM);
	KUNIT_ASSERT_GE(test, vmx_hlt, 0);
	KUNIT_EXPECT_EQ(test, vtel_reason_isa(vmx_hlt), VTEL_ISA_VMX);
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(vmx_hlt), "HLT");
	KUNIT_EXPECT_EQ(test, vtel_reason_find("io_instruction"),
			vtel_reason_lookup(VTEL_ISA_VMX, "IO_INSTRUCTION"));
	KUNIT_EXPECT_EQ(test, vtel_reason_find("unknown"), VTEL_REASON_UNKNOWN);
	KUNIT_EXPECT_EQ(test, vtel_reason_find("no_such_reason"), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_find(NULL), -ENOENT);
}

/* The tracepoint's and GET_CONFIG's room for a name holds every name. */
static void vtel_slow_reason_name_len(struct kunit *test)
{
	unsigned int r;

	for (r = 0; r < vtel_reason_count(); r++)
		KUNIT_EXPECT_LT_MSG(test, strlen(vtel_reason_name(r)),
				    (size_t)VTEL_REASON_NAME_LEN, "%s",
				    vtel_reason_name(r));
}

static struct kunit_case vtel_slow_cases[] = {
	KUNIT_CASE(vtel_slow_defaults),
	KUNIT_CASE(vtel_slow_zero_is_off),
	KUNIT_CASE(vtel_slow_override),
	KUNIT_CASE(vtel_slow_counted),
	KUNIT_CASE(vtel_slow_reason_names),
	KUNIT_CASE(vtel_slow_reason_name_len),
	{}
};

static struct kunit_suite vtel_slow_suite = {
	.name = "vtel_slow",
	.init = vtel_slow_kunit_init,
	.exit = vtel_slow_kunit_exit,
	.test_cases = vtel_slow_cases,
};

kunit_test_suites(&vtel_slow_suite);

MODULE_LICENSE("GPL");
