/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit reason decoding.
 *
 * Every exit reason known to the kernel vtel is built against gets a dense
 * index: 0 is "unknown", then every entry of SVM_EXIT_REASONS, then every
 * entry of VMX_EXIT_REASONS, in header order. Names are the kernel's own
 * strings, i.e. what the kvm_exit tracepoint and perf kvm stat print.
 */
#ifndef _VTEL_REASON_H
#define _VTEL_REASON_H

#include <linux/types.h>
#include <linux/compiler.h>

enum vtel_isa {
	VTEL_ISA_VMX = 1,	/* KVM_ISA_VMX */
	VTEL_ISA_SVM = 2,	/* KVM_ISA_SVM */
};

enum vtel_category {
	VTEL_CAT_IO,
	VTEL_CAT_MEMORY,
	VTEL_CAT_INTERRUPT,
	VTEL_CAT_HALT,
	VTEL_CAT_MSR,
	VTEL_CAT_CPUID,
	VTEL_CAT_HYPERCALL,
	VTEL_CAT_OTHER,
	VTEL_NR_CATEGORIES
};

#define VTEL_REASON_UNKNOWN	0
#define VTEL_REASON_NAME_LEN	32	/* every name fits, with its NUL */
#define VTEL_MAX_REASONS	256	/* indices fit in a u8 */

/* Hot-path lookup windows, filled by vtel_reason_init(). */
#define VTEL_SVM_LO_BASE	0x000	/* read_cr0 .. invpcid */
#define VTEL_SVM_HI_BASE	0x400	/* npf, avic_*, vmgexit */
#define VTEL_SVM_WINDOW		0x100
#define VTEL_VMX_WINDOW		128	/* basic reasons */

extern u8 vtel_svm_lo[VTEL_SVM_WINDOW];
extern u8 vtel_svm_hi[VTEL_SVM_WINDOW];
extern u8 vtel_vmx_basic[VTEL_VMX_WINDOW];

unsigned int vtel_svm_reason_slow(u64 exit_code);
unsigned int vtel_vmx_reason_slow(u32 basic);

void vtel_reason_init(void);

/*
 * SVM exit code (the VMCB's exit_code, u32 before 7.x and u64 since) to
 * index. SVM_EXIT_ERR is accepted both as 0xffffffff and as U64_MAX.
 */
static inline unsigned int vtel_svm_reason(u64 exit_code)
{
	if (likely(exit_code - VTEL_SVM_LO_BASE < VTEL_SVM_WINDOW))
		return vtel_svm_lo[exit_code - VTEL_SVM_LO_BASE];
	if (likely(exit_code - VTEL_SVM_HI_BASE < VTEL_SVM_WINDOW))
		return vtel_svm_hi[exit_code - VTEL_SVM_HI_BASE];
	return vtel_svm_reason_slow(exit_code);
}

/* VMX exit reason to index; only the basic reason (bits 15:0) counts. */
static inline unsigned int vtel_vmx_reason(u32 exit_reason)
{
	u32 basic = exit_reason & 0xffff;

	if (likely(basic < VTEL_VMX_WINDOW))
		return vtel_vmx_basic[basic];
	return vtel_vmx_reason_slow(basic);
}

const char *vtel_reason_name(unsigned int idx);
enum vtel_isa vtel_reason_isa(unsigned int idx);
u32 vtel_reason_code(unsigned int idx);
enum vtel_category vtel_reason_category(unsigned int idx);
const char *vtel_category_name(enum vtel_category c);
int vtel_reason_lookup(enum vtel_isa isa, const char *name);
int vtel_reason_find(const char *name);
unsigned int vtel_reason_count(void);

#endif /* _VTEL_REASON_H */
