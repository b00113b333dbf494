// SPDX-License-Identifier: GPL-2.0
/*
 * Exit reason decoding, built from the kernel's own SVM_EXIT_REASONS and
 * VMX_EXIT_REASONS so that names and codes always match the headers vtel
 * is compiled against. Nothing here hard-codes the length of either table.
 *
 * Codes are u64, the width of the VMCB's EXITCODE: the headers give
 * SVM_EXIT_ERR as -1 (6.1, 6.12) or -1ull (7.2), U64_MAX either way, and
 * every other code fits in 32 bits (the KUnit suite checks both).
 *
 * The uapi headers are included by their uapi/ path: it resolves on x86
 * and under UML (whose include path has arch/x86/include) alike, while
 * <asm/svm.h> would pick the x86-internal header or nothing.
 */
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <uapi/asm/kvm.h>	/* DE_VECTOR & co., used by SVM_EXIT_REASONS */
#include <uapi/asm/svm.h>
#include <uapi/asm/vmx.h>

#include "vtel_reason.h"

struct vtel_reason_ent {
	u64 code;
	const char *name;
};

static const struct vtel_reason_ent vtel_svm_ents[] = { SVM_EXIT_REASONS };
static const struct vtel_reason_ent vtel_vmx_ents[] = { VMX_EXIT_REASONS };

#define VTEL_NR_SVM		ARRAY_SIZE(vtel_svm_ents)
#define VTEL_NR_VMX		ARRAY_SIZE(vtel_vmx_ents)
#define VTEL_SVM_FIRST		1
#define VTEL_VMX_FIRST		(VTEL_SVM_FIRST + VTEL_NR_SVM)
#define VTEL_NR_REASONS		(VTEL_VMX_FIRST + VTEL_NR_VMX)

u8 vtel_svm_lo[VTEL_SVM_WINDOW] __read_mostly;
u8 vtel_svm_hi[VTEL_SVM_WINDOW] __read_mostly;
u8 vtel_vmx_basic[VTEL_VMX_WINDOW] __read_mostly;

/*
 * Fill the hot-path windows. Only ever stores the same values, so calling
 * it again (or while probes run) is harmless. Walking backwards makes the
 * first entry win should a header list a code twice, like the slow paths
 * and the kernel's __print_symbolic() do.
 */
void vtel_reason_init(void)
{
	unsigned int i;

	BUILD_BUG_ON(VTEL_NR_REASONS > VTEL_MAX_REASONS);

	for (i = VTEL_NR_SVM; i-- > 0;) {
		u64 code = vtel_svm_ents[i].code;
		u8 idx = VTEL_SVM_FIRST + i;

		if (code - VTEL_SVM_LO_BASE < VTEL_SVM_WINDOW)
			WRITE_ONCE(vtel_svm_lo[code - VTEL_SVM_LO_BASE], idx);
		else if (code - VTEL_SVM_HI_BASE < VTEL_SVM_WINDOW)
			WRITE_ONCE(vtel_svm_hi[code - VTEL_SVM_HI_BASE], idx);
	}

	for (i = VTEL_NR_VMX; i-- > 0;) {
		u64 code = vtel_vmx_ents[i].code;

		if (code < VTEL_VMX_WINDOW)
			WRITE_ONCE(vtel_vmx_basic[code], VTEL_VMX_FIRST + i);
	}
}

/* Codes outside the windows: SEV-ES VMGEXIT events and SVM_EXIT_ERR. */
unsigned int notrace vtel_svm_reason_slow(u64 exit_code)
{
	unsigned int i;

	/* A 32-bit exit_code field (before 7.x) holds SVM_EXIT_ERR so. */
	if (exit_code == U32_MAX)
		exit_code = U64_MAX;

	for (i = 0; i < VTEL_NR_SVM; i++)
		if (vtel_svm_ents[i].code == exit_code)
			return VTEL_SVM_FIRST + i;
	return VTEL_REASON_UNKNOWN;
}

unsigned int notrace vtel_vmx_reason_slow(u32 basic)
{
	unsigned int i;

	for (i = 0; i < VTEL_NR_VMX; i++)
		if (vtel_vmx_ents[i].code == basic)
			return VTEL_VMX_FIRST + i;
	return VTEL_REASON_UNKNOWN;
}

static const struct vtel_reason_ent *vtel_reason_ent(unsigned int idx)
{
	if (idx >= VTEL_SVM_FIRST && idx < VTEL_VMX_FIRST)
		return &vtel_svm_ents[idx - VTEL_SVM_FIRST];
	if (idx >= VTEL_VMX_FIRST && idx < VTEL_NR_REASONS)
		return &vtel_vmx_ents[idx - VTEL_VMX_FIRST];
	return NULL;
}

notrace const char *vtel_reason_name(unsigned int idx)
{
	const struct vtel_reason_ent *e = vtel_reason_ent(idx);

	return e ? e->name : "unknown";
}

enum vtel_isa notrace vtel_reason_isa(unsigned int idx)
{
	if (idx >= VTEL_SVM_FIRST && idx < VTEL_VMX_FIRST)
		return VTEL_ISA_SVM;
	if (idx >= VTEL_VMX_FIRST && idx < VTEL_NR_REASONS)
		return VTEL_ISA_VMX;
	return (enum vtel_isa)0;
}

/*
 * The 32-bit code userspace sees (netlink), as kvm_exit and perf print it:
 * SVM_EXIT_ERR is 0xffffffff.
 */
u32 vtel_reason_code(unsigned int idx)
{
	const struct vtel_reason_ent *e = vtel_reason_ent(idx);

	return e ? lower_32_bits(e->code) : 0;
}

/*
 * halt is hlt only: KVM emulates an intercepted MWAIT/MONITOR as a NOP, so
 * those exits do not block the vCPU and count as "other". VMX
 * EXCEPTION_NMI multiplexes every exception with host NMIs and cannot be
 * told apart from the exit reason alone: "other" too. SVM reports #PF as
 * its own exit ("PF excp", shadow paging): memory.
 */
static enum vtel_category vtel_svm_category(u32 code)
{
	switch (code) {
	case SVM_EXIT_IOIO:
		return VTEL_CAT_IO;
	case SVM_EXIT_NPF:
	case SVM_EXIT_EXCP_BASE + PF_VECTOR:
		return VTEL_CAT_MEMORY;
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
	case SVM_EXIT_VINTR:
		return VTEL_CAT_INTERRUPT;
	case SVM_EXIT_HLT:
		return VTEL_CAT_HALT;
	case SVM_EXIT_MSR:
		return VTEL_CAT_MSR;
	case SVM_EXIT_CPUID:
		return VTEL_CAT_CPUID;
	case SVM_EXIT_VMMCALL:
		return VTEL_CAT_HYPERCALL;
	default:
		return VTEL_CAT_OTHER;
	}
}

static enum vtel_category vtel_vmx_category(u32 code)
{
	switch (code) {
	case EXIT_REASON_IO_INSTRUCTION:
		return VTEL_CAT_IO;
	case EXIT_REASON_EPT_VIOLATION:
	case EXIT_REASON_EPT_MISCONFIG:
		return VTEL_CAT_MEMORY;
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_INIT_SIGNAL:
	case EXIT_REASON_SIPI_SIGNAL:
	case EXIT_REASON_INTERRUPT_WINDOW:
	case EXIT_REASON_NMI_WINDOW:
	case EXIT_REASON_PREEMPTION_TIMER:
		return VTEL_CAT_INTERRUPT;
	case EXIT_REASON_HLT:
		return VTEL_CAT_HALT;
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		return VTEL_CAT_MSR;
	case EXIT_REASON_CPUID:
		return VTEL_CAT_CPUID;
	case EXIT_REASON_VMCALL:
		return VTEL_CAT_HYPERCALL;
	default:
		return VTEL_CAT_OTHER;
	}
}

enum vtel_category vtel_reason_category(unsigned int idx)
{
	switch (vtel_reason_isa(idx)) {
	case VTEL_ISA_SVM:
		return vtel_svm_category(vtel_reason_code(idx));
	case VTEL_ISA_VMX:
		return vtel_vmx_category(vtel_reason_code(idx));
	default:
		return VTEL_CAT_OTHER;
	}
}

static const char * const vtel_category_names[VTEL_NR_CATEGORIES] = {
	[VTEL_CAT_IO]		= "io",
	[VTEL_CAT_MEMORY]	= "memory",
	[VTEL_CAT_INTERRUPT]	= "interrupt",
	[VTEL_CAT_HALT]		= "halt",
	[VTEL_CAT_MSR]		= "msr",
	[VTEL_CAT_CPUID]	= "cpuid",
	[VTEL_CAT_HYPERCALL]	= "hypercall",
	[VTEL_CAT_OTHER]	= "other",
};

const char *vtel_category_name(enum vtel_category c)
{
	if ((unsigned int)c >= VTEL_NR_CATEGORIES)
		return "unknown";
	return vtel_category_names[c];
}

/*
 * Name to index within one ISA. Case-insensitive, so "io_instruction"
 * finds IO_INSTRUCTION; names are unique per ISA even ignoring case.
 */
int vtel_reason_lookup(enum vtel_isa isa, const char *name)
{
	const struct vtel_reason_ent *ents;
	unsigned int i, n, first;

	switch (isa) {
	case VTEL_ISA_SVM:
		ents = vtel_svm_ents;
		n = VTEL_NR_SVM;
		first = VTEL_SVM_FIRST;
		break;
	case VTEL_ISA_VMX:
		ents = vtel_vmx_ents;
		n = VTEL_NR_VMX;
		first = VTEL_VMX_FIRST;
		break;
	default:
		return -ENOENT;
	}

	if (!name)
		return -ENOENT;
	for (i = 0; i < n; i++)
		if (!strcasecmp(ents[i].name, name))
			return first + i;
	return -ENOENT;
}

unsigned int vtel_reason_count(void)
{
	return VTEL_NR_REASONS;
}

/*
 * Name to index in either ISA, "unknown" included. SVM and VMX share
 * names but for case ("hlt", "HLT"), so an exact match wins over a
 * case-insensitive one.
 */
int vtel_reason_find(const char *name)
{
	int idx;

	if (!name)
		return -ENOENT;
	if (!strcmp(name, vtel_reason_name(VTEL_REASON_UNKNOWN)))
		return VTEL_REASON_UNKNOWN;
	idx = vtel_reason_lookup(VTEL_ISA_SVM, name);
	if (idx >= 0 && !strcmp(vtel_reason_name(idx), name))
		return idx;
	idx = vtel_reason_lookup(VTEL_ISA_VMX, name);
	if (idx >= 0 && !strcmp(vtel_reason_name(idx), name))
		return idx;
	idx = vtel_reason_lookup(VTEL_ISA_SVM, name);
	return idx >= 0 ? idx : vtel_reason_lookup(VTEL_ISA_VMX, name);
}
