// SPDX-License-Identifier: GPL-2.0
/*
 * x86: the check of the SVM layout vtel_x86.h reads, and the vendor.
 * Implements vtel_arch.h.
 */
#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/percpu.h>
#include <linux/uaccess.h>
#include <linux/printk.h>
#include <asm/hypervisor.h>
#include <asm/text-patching.h>

#include "vtel_arch.h"

int vtel_x86_svm_layout;
static u64 vtel_x86_layout_errors;
int vtel_x86_vmread_off;
static DEFINE_PER_CPU(u64, vtel_x86_unavailable);

static bool notrace vtel_x86_on_hyperv(void)
{
#ifdef CONFIG_HYPERVISOR_GUEST
	return x86_hyper_type == X86_HYPER_MS_HYPERV;
#else
	return false;
#endif
}

/*
 * A VMREAD in the kvm_exit probe failed: no current VMCS. KVM nested on
 * Hyper-V with the enlightened VMCS (kvm_intel's enlightened_vmcs, used
 * when Hyper-V recommends it) never loads one with VMPTRLD. vtel cannot
 * see that choice (the static key and ms_hyperv are not exported), so it
 * learns it from the first failure on Hyper-V and stops trying: each
 * VMREAD there traps to Hyper-V. The exits are filed as unknown and
 * counted in reason_unavailable; counts and times stay exact.
 */
noinline unsigned int notrace vtel_x86_vmread_failed(void)
{
	this_cpu_inc(vtel_x86_unavailable);
	if (!READ_ONCE(vtel_x86_vmread_off) && vtel_x86_on_hyperv()) {
		WRITE_ONCE(vtel_x86_vmread_off, 1);
		pr_warn_once("KVM uses Hyper-V's enlightened VMCS: VMX exit reasons are unavailable, counted as unknown\n");
	}
	return VTEL_REASON_UNKNOWN;
}

/*
 * Is the kprobe in place? Disarming all kprobes (debug/kprobes/enabled)
 * or ftrace (kernel.ftrace_enabled) leaves the probe's own flags alone,
 * so look at the probed instruction: a call into ftrace for an ftrace
 * kprobe, an int3 or a jump otherwise. (Another ftrace user on the same
 * function would hide a disarmed ftrace kprobe.)
 */
bool vtel_arch_kprobe_armed(struct kprobe *p)
{
	u8 op;

	if (copy_from_kernel_nofault(&op, p->addr, 1))
		return true;
	if (kprobe_ftrace(p))
		return op == CALL_INSN_OPCODE;
	return op == INT3_INSN_OPCODE || op == JMP32_INSN_OPCODE;
}

u64 vtel_arch_reason_unavailable(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(vtel_x86_unavailable, cpu));
	return n;
}

static bool notrace vtel_x86_svm_check(struct kvm_vcpu *vcpu)
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
noinline unsigned int notrace vtel_x86_svm_layout_first(struct kvm_vcpu *vcpu)
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
	WRITE_ONCE(vtel_x86_vmread_off, 0);
	if (boot_cpu_has(X86_FEATURE_VMX) && vtel_x86_on_hyperv())
		pr_info("nested on Hyper-V: if KVM uses the enlightened VMCS, VMX exit reasons read as unknown\n");
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
