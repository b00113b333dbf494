// SPDX-License-Identifier: GPL-2.0
/*
 * x86: the check of the SVM layout vtel_x86.h reads, and the vendor.
 * Implements vtel_arch.h.
 */
#include <linux/kvm_host.h>
#include <linux/printk.h>

#include "vtel_arch.h"

int vtel_x86_svm_layout;
static u64 vtel_x86_layout_errors;

static bool vtel_x86_svm_check(struct kvm_vcpu *vcpu)
{
	struct vtel_x86_svm_head *svm = (struct vtel_x86_svm_head *)vcpu;
	struct vmcb *vmcb01 = svm->vmcb01.ptr;

	if (!vmcb01 || !PAGE_ALIGNED(vmcb01) || !virt_addr_valid(vmcb01))
		return false;
	if (__pa(vmcb01) != svm->vmcb01.pa)
		return false;
	if (svm->current_vmcb == &svm->vmcb01)
		return svm->vmcb == vmcb01;
	/* Running a nested guest: the current VMCB is vmcb02. */
	return svm->vmcb && PAGE_ALIGNED(svm->vmcb) &&
	       virt_addr_valid(svm->vmcb);
}

/*
 * The first SVM exit after attaching: check the layout, and, without
 * lockdep, that the probe is not preemptible (vtel_compat.h,
 * VTEL_PROBE_CONTEXT), which no kernel vtel supports should ever see.
 */
noinline unsigned int vtel_x86_svm_layout_first(struct kvm_vcpu *vcpu)
{
	int state = vtel_x86_svm_check(vcpu) ? VTEL_X86_LAYOUT_OK : VTEL_X86_LAYOUT_BAD;

	WARN_ONCE(preemptible(), "vtel: kvm_exit probe is preemptible\n");

	if (cmpxchg(&vtel_x86_svm_layout, VTEL_X86_LAYOUT_UNCHECKED, state) ==
	    VTEL_X86_LAYOUT_UNCHECKED && state == VTEL_X86_LAYOUT_BAD)
		pr_err("struct vcpu_svm layout not recognised; exit reasons will read as unknown\n");
	return READ_ONCE(vtel_x86_svm_layout);
}

void vtel_arch_attach(void)
{
	WRITE_ONCE(vtel_x86_svm_layout, VTEL_X86_LAYOUT_UNCHECKED);
}

void vtel_arch_detach(void)
{
	if (READ_ONCE(vtel_x86_svm_layout) == VTEL_X86_LAYOUT_BAD)
		vtel_x86_layout_errors++;
}

const char *vtel_arch_vendor(void)
{
	if (boot_cpu_has(X86_FEATURE_SVM))
		return "svm";
	if (boot_cpu_has(X86_FEATURE_VMX))
		return "vmx";
	return "unknown";
}

u64 vtel_arch_layout_errors(void)
{
	return vtel_x86_layout_errors +
	       (READ_ONCE(vtel_x86_svm_layout) == VTEL_X86_LAYOUT_BAD);
}
