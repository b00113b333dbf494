// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for exit reason decoding. The reference tables are built
 * here again, independently, from the same kernel macros.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/string.h>
#include <uapi/asm/kvm.h>
#include <uapi/asm/svm.h>
#include <uapi/asm/vmx.h>

#include "../vtel_reason.h"

struct ref_ent {
	u64 code;
	const char *name;
};

static const struct ref_ent ref_svm[] = { SVM_EXIT_REASONS };
static const struct ref_ent ref_vmx[] = { VMX_EXIT_REASONS };

static bool ref_has(const struct ref_ent *ref, unsigned int n, u64 code)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ref[i].code == code)
			return true;
	return false;
}

/*
 * The design relies on codes, their low 32 bits (what netlink carries) and
 * names ignoring case being unique.
 */
static void vtel_reason_test_headers_unique(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ref_svm); i++)
		for (j = i + 1; j < ARRAY_SIZE(ref_svm); j++) {
			KUNIT_EXPECT_NE(test, lower_32_bits(ref_svm[i].code),
					lower_32_bits(ref_svm[j].code));
			KUNIT_EXPECT_NE(test, strcasecmp(ref_svm[i].name,
							 ref_svm[j].name), 0);
		}
	for (i = 0; i < ARRAY_SIZE(ref_vmx); i++)
		for (j = i + 1; j < ARRAY_SIZE(ref_vmx); j++) {
			KUNIT_EXPECT_NE(test, ref_vmx[i].code, ref_vmx[j].code);
			KUNIT_EXPECT_NE(test, strcasecmp(ref_vmx[i].name,
							 ref_vmx[j].name), 0);
		}
}

/*
 * SVM_EXIT_ERR is -1 or -1ull depending on the kernel: U64_MAX as a u64
 * code either way. Every other code fits in 32 bits; VMX's in 16.
 */
static void vtel_reason_test_code_widths(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, (u64)SVM_EXIT_ERR, U64_MAX);
	KUNIT_EXPECT_TRUE(test, ref_has(ref_svm, ARRAY_SIZE(ref_svm),
					U64_MAX));
	for (i = 0; i < ARRAY_SIZE(ref_svm); i++)
		if (ref_svm[i].code != U64_MAX)
			KUNIT_EXPECT_LE_MSG(test, ref_svm[i].code, (u64)U32_MAX,
					    "%s", ref_svm[i].name);
	for (i = 0; i < ARRAY_SIZE(ref_vmx); i++)
		KUNIT_EXPECT_LE_MSG(test, ref_vmx[i].code, (u64)0xffff, "%s",
				    ref_vmx[i].name);
}

static void vtel_reason_test_layout(struct kunit *test)
{
	unsigned int n = vtel_reason_count();

	KUNIT_EXPECT_EQ(test, n, 1 + ARRAY_SIZE(ref_svm) + ARRAY_SIZE(ref_vmx));
	KUNIT_EXPECT_LE(test, n, VTEL_MAX_REASONS);
	KUNIT_EXPECT_EQ(test, VTEL_REASON_UNKNOWN, 0);

	KUNIT_EXPECT_STREQ(test, vtel_reason_name(0), "unknown");
	KUNIT_EXPECT_EQ(test, (int)vtel_reason_isa(0), 0);
	KUNIT_EXPECT_EQ(test, vtel_reason_code(0), 0U);
	KUNIT_EXPECT_EQ(test, vtel_reason_category(0), VTEL_CAT_OTHER);

	/* Just past the end and far out of range. */
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(n), "unknown");
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(VTEL_MAX_REASONS), "unknown");
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(UINT_MAX), "unknown");
	KUNIT_EXPECT_EQ(test, (int)vtel_reason_isa(n), 0);
	KUNIT_EXPECT_EQ(test, (int)vtel_reason_isa(UINT_MAX), 0);
	KUNIT_EXPECT_EQ(test, vtel_reason_code(n), 0U);
	KUNIT_EXPECT_EQ(test, vtel_reason_category(UINT_MAX), VTEL_CAT_OTHER);

	/* Index 1 is the first SVM entry, the last one the last VMX entry. */
	KUNIT_EXPECT_EQ(test, vtel_reason_isa(1), VTEL_ISA_SVM);
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(1), ref_svm[0].name);
	KUNIT_EXPECT_EQ(test, vtel_reason_isa(n - 1), VTEL_ISA_VMX);
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(n - 1),
			   ref_vmx[ARRAY_SIZE(ref_vmx) - 1].name);
}

static void check_svm_roundtrip(struct kunit *test)
{
	unsigned int i, idx;

	for (i = 0; i < ARRAY_SIZE(ref_svm); i++) {
		const struct ref_ent *e = &ref_svm[i];

		idx = vtel_svm_reason(e->code);
		KUNIT_EXPECT_EQ_MSG(test, idx, 1 + i, "svm %#llx", e->code);
		KUNIT_EXPECT_STREQ(test, vtel_reason_name(idx), e->name);
		KUNIT_EXPECT_EQ(test, vtel_reason_isa(idx), VTEL_ISA_SVM);
		KUNIT_EXPECT_EQ(test, vtel_reason_code(idx),
				lower_32_bits(e->code));
		KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, e->name),
				(int)idx);
	}
}

static void check_vmx_roundtrip(struct kunit *test)
{
	unsigned int i, idx, base = 1 + ARRAY_SIZE(ref_svm);

	for (i = 0; i < ARRAY_SIZE(ref_vmx); i++) {
		const struct ref_ent *e = &ref_vmx[i];

		idx = vtel_vmx_reason(e->code);
		KUNIT_EXPECT_EQ_MSG(test, idx, base + i, "vmx %llu", e->code);
		KUNIT_EXPECT_STREQ(test, vtel_reason_name(idx), e->name);
		KUNIT_EXPECT_EQ(test, vtel_reason_isa(idx), VTEL_ISA_VMX);
		KUNIT_EXPECT_EQ(test, vtel_reason_code(idx), (u32)e->code);
		KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_VMX, e->name),
				(int)idx);

		/* Flag bits above the basic reason are ignored. */
		KUNIT_EXPECT_EQ(test, vtel_vmx_reason(e->code |
				VMX_EXIT_REASONS_FAILED_VMENTRY), idx);
		KUNIT_EXPECT_EQ(test, vtel_vmx_reason(e->code |
				VMX_EXIT_REASONS_SGX_ENCLAVE_MODE), idx);
		KUNIT_EXPECT_EQ(test, vtel_vmx_reason(e->code | 0xffff0000),
				idx);
	}
}

static void vtel_reason_test_svm_roundtrip(struct kunit *test)
{
	check_svm_roundtrip(test);
}

static void vtel_reason_test_vmx_roundtrip(struct kunit *test)
{
	check_vmx_roundtrip(test);
}

static void expect_svm(struct kunit *test, u64 code, const char *name,
		       enum vtel_category cat)
{
	unsigned int idx = vtel_svm_reason(code);

	KUNIT_EXPECT_NE_MSG(test, idx, 0U, "svm %#llx", code);
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(idx), name);
	KUNIT_EXPECT_EQ(test, vtel_reason_isa(idx), VTEL_ISA_SVM);
	KUNIT_EXPECT_EQ_MSG(test, vtel_reason_category(idx), cat, "%s", name);
}

static void expect_vmx(struct kunit *test, u32 code, const char *name,
		       enum vtel_category cat)
{
	unsigned int idx = vtel_vmx_reason(code);

	KUNIT_EXPECT_NE_MSG(test, idx, 0U, "vmx %#x", code);
	KUNIT_EXPECT_STREQ(test, vtel_reason_name(idx), name);
	KUNIT_EXPECT_EQ(test, vtel_reason_isa(idx), VTEL_ISA_VMX);
	KUNIT_EXPECT_EQ_MSG(test, vtel_reason_category(idx), cat, "%s", name);
}

static void vtel_reason_test_spot_svm(struct kunit *test)
{
	expect_svm(test, 0x7b, "io", VTEL_CAT_IO);
	expect_svm(test, 0x72, "cpuid", VTEL_CAT_CPUID);
	expect_svm(test, 0x400, "npf", VTEL_CAT_MEMORY);
	expect_svm(test, 0x4e, "PF excp", VTEL_CAT_MEMORY);
	expect_svm(test, 0x60, "interrupt", VTEL_CAT_INTERRUPT);
	expect_svm(test, 0x61, "nmi", VTEL_CAT_INTERRUPT);
	expect_svm(test, 0x62, "smi", VTEL_CAT_INTERRUPT);
	expect_svm(test, 0x63, "init", VTEL_CAT_INTERRUPT);
	expect_svm(test, 0x64, "vintr", VTEL_CAT_INTERRUPT);
	expect_svm(test, 0x78, "hlt", VTEL_CAT_HALT);
	expect_svm(test, 0x7c, "msr", VTEL_CAT_MSR);
	expect_svm(test, 0x81, "hypercall", VTEL_CAT_HYPERCALL);
	expect_svm(test, 0x00, "read_cr0", VTEL_CAT_OTHER);
	expect_svm(test, 0x8b, "mwait", VTEL_CAT_OTHER);
	expect_svm(test, 0x41, "DB excp", VTEL_CAT_OTHER);
	expect_svm(test, 0x401, "avic_incomplete_ipi", VTEL_CAT_OTHER);
	expect_svm(test, 0x403, "vmgexit", VTEL_CAT_OTHER);
	expect_svm(test, 0x80000001, "vmgexit_mmio_read", VTEL_CAT_OTHER);
	/* SVM_EXIT_ERR as the tracepoint's u32 and sign-extended. */
	expect_svm(test, 0xffffffff, "invalid_guest_state", VTEL_CAT_OTHER);
	expect_svm(test, U64_MAX, "invalid_guest_state", VTEL_CAT_OTHER);
	KUNIT_EXPECT_EQ(test, vtel_reason_code(vtel_svm_reason(U64_MAX)),
			0xffffffffU);
}

static void vtel_reason_test_spot_vmx(struct kunit *test)
{
	expect_vmx(test, 30, "IO_INSTRUCTION", VTEL_CAT_IO);
	expect_vmx(test, 10, "CPUID", VTEL_CAT_CPUID);
	expect_vmx(test, 48, "EPT_VIOLATION", VTEL_CAT_MEMORY);
	expect_vmx(test, 49, "EPT_MISCONFIG", VTEL_CAT_MEMORY);
	expect_vmx(test, 1, "EXTERNAL_INTERRUPT", VTEL_CAT_INTERRUPT);
	expect_vmx(test, 7, "INTERRUPT_WINDOW", VTEL_CAT_INTERRUPT);
	expect_vmx(test, 8, "NMI_WINDOW", VTEL_CAT_INTERRUPT);
	expect_vmx(test, 52, "PREEMPTION_TIMER", VTEL_CAT_INTERRUPT);
	expect_vmx(test, 12, "HLT", VTEL_CAT_HALT);
	expect_vmx(test, 31, "MSR_READ", VTEL_CAT_MSR);
	expect_vmx(test, 32, "MSR_WRITE", VTEL_CAT_MSR);
	expect_vmx(test, 18, "VMCALL", VTEL_CAT_HYPERCALL);
	expect_vmx(test, 0, "EXCEPTION_NMI", VTEL_CAT_OTHER);
	expect_vmx(test, 36, "MWAIT_INSTRUCTION", VTEL_CAT_OTHER);
	expect_vmx(test, 28, "CR_ACCESS", VTEL_CAT_OTHER);
	/* A failed VM entry: basic reason 33 plus bit 31. */
	expect_vmx(test, 0x80000021, "INVALID_STATE", VTEL_CAT_OTHER);
	KUNIT_EXPECT_EQ(test, vtel_vmx_reason(0x80000021), vtel_vmx_reason(33));
	KUNIT_EXPECT_EQ(test, vtel_reason_code(vtel_vmx_reason(0x80000021)),
			33U);
}

static void vtel_reason_test_unknown_svm(struct kunit *test)
{
	static const u64 odd[] = {
		0x100, 0x3ff, 0x500, 0x80000000, 0x8000ffff, 0xf0000000,
		0xfffffffe, 0x100000000ULL, 0x10000007bULL, 0x100000400ULL,
		0xffffffff0000007bULL, 0xffffffff80000001ULL, U64_MAX - 1,
	};
	unsigned int i;
	u64 c;

	/* Both windows and their surroundings, exhaustively. */
	for (c = 0; c < 0x600; c++)
		if (!ref_has(ref_svm, ARRAY_SIZE(ref_svm), c))
			KUNIT_EXPECT_EQ_MSG(test, vtel_svm_reason(c), 0U,
					    "svm %#llx", c);
	for (c = 0x80000000; c < 0x80000100; c++)
		if (!ref_has(ref_svm, ARRAY_SIZE(ref_svm), c))
			KUNIT_EXPECT_EQ_MSG(test, vtel_svm_reason(c), 0U,
					    "svm %#llx", c);
	for (i = 0; i < ARRAY_SIZE(odd); i++)
		KUNIT_EXPECT_EQ_MSG(test, vtel_svm_reason(odd[i]), 0U,
				    "svm %#llx", odd[i]);
}

static void vtel_reason_test_unknown_vmx(struct kunit *test)
{
	u32 basic;

	for (basic = 0; basic <= 0xffff; basic++) {
		if (ref_has(ref_vmx, ARRAY_SIZE(ref_vmx), basic))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, vtel_vmx_reason(basic), 0U,
				    "vmx %u", basic);
		KUNIT_EXPECT_EQ_MSG(test, vtel_vmx_reason(basic | 0x80000000),
				    0U, "vmx %#x", basic | 0x80000000);
	}
}

static void vtel_reason_test_categories(struct kunit *test)
{
	static const char * const names[] = {
		"io", "memory", "interrupt", "halt", "msr", "cpuid",
		"hypercall", "other",
	};
	unsigned int seen[3][VTEL_NR_CATEGORIES] = {};
	unsigned int idx, c;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(names), (size_t)VTEL_NR_CATEGORIES);
	for (c = 0; c < VTEL_NR_CATEGORIES; c++)
		KUNIT_EXPECT_STREQ(test, vtel_category_name(c), names[c]);
	KUNIT_EXPECT_STREQ(test, vtel_category_name(VTEL_NR_CATEGORIES),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, vtel_category_name((enum vtel_category)-1),
			   "unknown");

	for (idx = 1; idx < vtel_reason_count(); idx++) {
		enum vtel_category cat = vtel_reason_category(idx);
		enum vtel_isa isa = vtel_reason_isa(idx);

		KUNIT_ASSERT_LT(test, (unsigned int)cat, VTEL_NR_CATEGORIES);
		KUNIT_ASSERT_TRUE(test, isa == VTEL_ISA_SVM ||
				  isa == VTEL_ISA_VMX);
		seen[isa][cat]++;
	}

	/* Every category exists on both ISAs. */
	for (c = 0; c < VTEL_NR_CATEGORIES; c++) {
		KUNIT_EXPECT_GT_MSG(test, seen[VTEL_ISA_SVM][c], 0U, "svm %s",
				    names[c]);
		KUNIT_EXPECT_GT_MSG(test, seen[VTEL_ISA_VMX][c], 0U, "vmx %s",
				    names[c]);
	}
	/* Single-reason categories. */
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_SVM][VTEL_CAT_IO], 1U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_VMX][VTEL_CAT_IO], 1U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_SVM][VTEL_CAT_HALT], 1U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_VMX][VTEL_CAT_HALT], 1U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_SVM][VTEL_CAT_MSR], 1U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_VMX][VTEL_CAT_MSR], 2U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_SVM][VTEL_CAT_MEMORY], 2U);
	KUNIT_EXPECT_EQ(test, seen[VTEL_ISA_VMX][VTEL_CAT_MEMORY], 2U);
}

static void vtel_reason_test_lookup(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "io"),
			(int)vtel_svm_reason(SVM_EXIT_IOIO));
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "npf"),
			(int)vtel_svm_reason(SVM_EXIT_NPF));
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "PF excp"),
			(int)vtel_svm_reason(SVM_EXIT_EXCP_BASE + PF_VECTOR));
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_VMX, "IO_INSTRUCTION"),
			(int)vtel_vmx_reason(EXIT_REASON_IO_INSTRUCTION));
	/* Case-insensitive. */
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_VMX, "io_instruction"),
			(int)vtel_vmx_reason(EXIT_REASON_IO_INSTRUCTION));
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "NPF"),
			(int)vtel_svm_reason(SVM_EXIT_NPF));
	/* Names belong to one ISA. */
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_VMX, "io"), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "IO_INSTRUCTION"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "unknown"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, ""), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "i"), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, "iox"), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup(VTEL_ISA_SVM, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup((enum vtel_isa)0, "io"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_reason_lookup((enum vtel_isa)3, "io"),
			-ENOENT);
}

static void vtel_reason_test_init_idempotent(struct kunit *test)
{
	vtel_reason_init();
	vtel_reason_init();
	check_svm_roundtrip(test);
	check_vmx_roundtrip(test);
	KUNIT_EXPECT_EQ(test, vtel_svm_reason(0x100), 0U);
	KUNIT_EXPECT_EQ(test, vtel_vmx_reason(127), 0U);
}

static int vtel_reason_suite_init(struct kunit_suite *suite)
{
	vtel_reason_init();
	return 0;
}

static struct kunit_case vtel_reason_cases[] = {
	KUNIT_CASE(vtel_reason_test_headers_unique),
	KUNIT_CASE(vtel_reason_test_code_widths),
	KUNIT_CASE(vtel_reason_test_layout),
	KUNIT_CASE(vtel_reason_test_svm_roundtrip),
	KUNIT_CASE(vtel_reason_test_vmx_roundtrip),
	KUNIT_CASE(vtel_reason_test_spot_svm),
	KUNIT_CASE(vtel_reason_test_spot_vmx),
	KUNIT_CASE(vtel_reason_test_unknown_svm),
	KUNIT_CASE(vtel_reason_test_unknown_vmx),
	KUNIT_CASE(vtel_reason_test_categories),
	KUNIT_CASE(vtel_reason_test_lookup),
	KUNIT_CASE(vtel_reason_test_init_idempotent),
	{}
};

static struct kunit_suite vtel_reason_suite = {
	.name = "vtel_reason",
	.suite_init = vtel_reason_suite_init,
	.test_cases = vtel_reason_cases,
};

kunit_test_suites(&vtel_reason_suite);

MODULE_DESCRIPTION("KUnit tests for vtel exit reason decoding");
MODULE_LICENSE("GPL");
