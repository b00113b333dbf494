/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86's exit reason, read in the kvm_exit probe: from the current VMCB on
 * SVM (through the checked head of the private struct vcpu_svm), with one
 * VMREAD on VMX. Included through vtel_arch.h only.
 */
#ifndef _VTEL_X86_H
#define _VTEL_X86_H

#include <linux/kvm_host.h>
#include <asm/svm.h>
#include <asm/vmx.h>

#include "vtel_compat.h"
#include "vtel_reason.h"

/*
 * struct vcpu_svm is private to kvm-amd. Its head has been the same from
 * 6.1 to 7.2: the generic vCPU, the current VMCB, then vmcb01. The layout
 * is checked on the first SVM exit (vtel_x86_svm_layout_first) and never
 * trusted without that check.
 */
struct vtel_x86_svm_head {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;
	struct {
		struct vmcb *ptr;
		unsigned long pa;
		int cpu;
		u64 asid_generation;
	} vmcb01;
	void *current_vmcb;
};

enum { VTEL_X86_LAYOUT_UNCHECKED, VTEL_X86_LAYOUT_OK, VTEL_X86_LAYOUT_BAD };

extern int vtel_x86_svm_layout;

unsigned int vtel_x86_svm_layout_first(struct kvm_vcpu *vcpu);

static __always_inline unsigned int vtel_x86_svm_exit_reason(struct kvm_vcpu *vcpu)
{
	int layout = READ_ONCE(vtel_x86_svm_layout);
	struct vtel_x86_svm_head *svm;

	if (unlikely(layout != VTEL_X86_LAYOUT_OK)) {
		if (layout == VTEL_X86_LAYOUT_UNCHECKED)
			layout = vtel_x86_svm_layout_first(vcpu);
		if (layout != VTEL_X86_LAYOUT_OK)
			return VTEL_REASON_UNKNOWN;
	}
	svm = (struct vtel_x86_svm_head *)vcpu;
	return vtel_svm_reason(vtel_vmcb_exit_code(&svm->vmcb->control));
}

/*
 * The probe runs inside vmx_vcpu_run() with the vCPU's VMCS current, so
 * the exit reason is one VMREAD away. Run in the lab on Bochs's emulated
 * VMX (tests/lab/bochs.sh), not yet on real hardware.
 */
static __always_inline unsigned int vtel_x86_vmx_exit_reason(void)
{
	unsigned long reason;
	bool fail;

	asm volatile("vmread %[field], %[val]\n\t"
		     "setna %[fail]"
		     : [val] "=r" (reason), [fail] "=qm" (fail)
		     : [field] "r" ((unsigned long)VM_EXIT_REASON)
		     : "cc");
	if (unlikely(fail))
		return VTEL_REASON_UNKNOWN;
	return vtel_vmx_reason(reason);
}

/* The kvm_exit tracepoint's isa says which vendor took the exit. */
static __always_inline unsigned int vtel_arch_exit_reason(struct kvm_vcpu *vcpu,
							  u32 isa)
{
	if (isa == VTEL_ISA_SVM)
		return vtel_x86_svm_exit_reason(vcpu);
	if (isa == VTEL_ISA_VMX)
		return vtel_x86_vmx_exit_reason();
	return VTEL_REASON_UNKNOWN;
}

#endif /* _VTEL_X86_H */
