/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86's exit reason, read in the kvm_exit probe: from the current VMCB on
 * SVM (through the checked head of the private struct vcpu_svm), with one
 * VMREAD on VMX; for port-IO and MMIO exits also the port or page
 * (Documentation/exitdetail.rst), and whether an L2 guest ran. Included
 * through vtel_arch.h only.
 */
#ifndef _VTEL_X86_H
#define _VTEL_X86_H

#include <linux/kvm_host.h>
#include <asm/svm.h>
#include <asm/vmx.h>

#include "vtel_compat.h"
#include "vtel_addr.h"
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

/*
 * IOIO: exit_info_1 has the port in bits 31:16 and IN in bit 0. NPF:
 * exit_info_1 is the #PF error code, exit_info_2 the guest-physical
 * address. Only an MMIO SPTE faults with RSVD; any other NPF is MMIO only
 * if KVM's mmio_exits grows before the next entry (tentative).
 */
static __always_inline u64 vtel_x86_svm_addr(const struct vmcb_control_area *c,
					     u64 code)
{
	u64 info = c->exit_info_1;

	if (code == SVM_EXIT_IOIO)
		return VTEL_ADDR_KEY(info & 1 ? VTEL_ADDR_PIO_IN : VTEL_ADDR_PIO_OUT,
				     (info >> 16) & 0xffff);
	return VTEL_ADDR_KEY(info & PFERR_WRITE_MASK ? VTEL_ADDR_MMIO_WRITE :
			     VTEL_ADDR_MMIO_READ, c->exit_info_2 & PAGE_MASK) |
	       (info & PFERR_RSVD_MASK ? 0 : VTEL_ADDR_TENTATIVE);
}

static __always_inline unsigned int vtel_x86_svm_exit_reason(struct kvm_vcpu *vcpu,
							     u64 *addr_key)
{
	int layout = READ_ONCE(vtel_x86_svm_layout);
	const struct vmcb_control_area *c;
	u64 code;

	if (unlikely(layout != VTEL_X86_LAYOUT_OK)) {
		if (layout == VTEL_X86_LAYOUT_UNCHECKED)
			layout = vtel_x86_svm_layout_first(vcpu);
		if (layout != VTEL_X86_LAYOUT_OK)
			return VTEL_REASON_UNKNOWN;
	}
	c = &((struct vtel_x86_svm_head *)vcpu)->vmcb->control;
	code = vtel_vmcb_exit_code(c);
	if (unlikely(code == SVM_EXIT_IOIO || code == SVM_EXIT_NPF))
		*addr_key = vtel_x86_svm_addr(c, code);
	return vtel_svm_reason(code);
}

/* No VMREAD: KVM uses Hyper-V's enlightened VMCS (see vtel_x86.c). */
extern int vtel_x86_vmread_off;
unsigned int vtel_x86_vmread_failed(void);

/*
 * The probe runs inside vmx_vcpu_run() with the vCPU's VMCS current, so
 * the exit reason is one VMREAD away (run in the lab on Bochs's emulated
 * VMX, tests/lab/bochs.sh, not yet on real hardware). Unless KVM runs on
 * Hyper-V with the enlightened VMCS, which is no VMCS for VMREAD: then
 * the reason is unknown and counted as unavailable.
 */
static __always_inline unsigned long vtel_x86_vmread(unsigned long field,
						     bool *fail)
{
	unsigned long val;

	asm volatile("vmread %[field], %[val]\n\t"
		     "setna %[fail]"
		     : [val] "=r" (val), [fail] "=qm" (*fail)
		     : [field] "r" (field)
		     : "cc");
	return val;
}

/*
 * IO_INSTRUCTION: the qualification has the port in bits 31:16 and IN in
 * bit 3. EPT_MISCONFIG is an MMIO SPTE, with no access type; an EPT
 * violation is MMIO only if KVM's mmio_exits grows (tentative).
 */
static __always_inline u64 vtel_x86_vmx_addr(u32 basic)
{
	unsigned long q, gpa;
	bool fail;

	if (basic != EXIT_REASON_EPT_MISCONFIG) {
		q = vtel_x86_vmread(EXIT_QUALIFICATION, &fail);
		if (unlikely(fail))
			return 0;
		if (basic == EXIT_REASON_IO_INSTRUCTION)
			return VTEL_ADDR_KEY(q & 8 ? VTEL_ADDR_PIO_IN :
					     VTEL_ADDR_PIO_OUT, (q >> 16) & 0xffff);
	}
	gpa = vtel_x86_vmread(GUEST_PHYSICAL_ADDRESS, &fail);
	if (unlikely(fail))
		return 0;
	if (basic == EXIT_REASON_EPT_MISCONFIG)
		return VTEL_ADDR_KEY(VTEL_ADDR_MMIO, gpa & PAGE_MASK);
	return VTEL_ADDR_KEY(q & EPT_VIOLATION_ACC_WRITE ? VTEL_ADDR_MMIO_WRITE :
			     VTEL_ADDR_MMIO_READ, gpa & PAGE_MASK) |
	       VTEL_ADDR_TENTATIVE;
}

static __always_inline unsigned int vtel_x86_vmx_exit_reason(u64 *addr_key)
{
	unsigned long reason;
	bool fail;
	u32 basic;

	if (unlikely(READ_ONCE(vtel_x86_vmread_off)))
		return vtel_x86_vmread_failed();
	reason = vtel_x86_vmread(VM_EXIT_REASON, &fail);
	if (unlikely(fail))
		return vtel_x86_vmread_failed();
	basic = reason & 0xffff;
	if (unlikely(basic == EXIT_REASON_IO_INSTRUCTION ||
		     basic == EXIT_REASON_EPT_VIOLATION ||
		     basic == EXIT_REASON_EPT_MISCONFIG))
		*addr_key = vtel_x86_vmx_addr(basic);
	return vtel_vmx_reason(reason);
}

/*
 * The kvm_exit tracepoint's isa says which vendor took the exit. *addr_key
 * is set for port-IO and MMIO exits and left alone for others.
 */
static __always_inline unsigned int vtel_arch_exit_reason(struct kvm_vcpu *vcpu,
							  u32 isa, u64 *addr_key)
{
	if (isa == VTEL_ISA_SVM)
		return vtel_x86_svm_exit_reason(vcpu, addr_key);
	if (isa == VTEL_ISA_VMX)
		return vtel_x86_vmx_exit_reason(addr_key);
	return VTEL_REASON_UNKNOWN;
}

/*
 * The same without a call, for the probes' fast path: VTEL_MAX_REASONS
 * when the full vtel_arch_exit_reason() must run instead (layout not yet
 * checked or bad, VMREAD off or failing, a code beyond the tables, a
 * tentative MMIO key).
 */
static __always_inline unsigned int
vtel_arch_exit_reason_fast(struct kvm_vcpu *vcpu, u32 isa, u64 *addr_key)
{
	if (likely(isa == VTEL_ISA_SVM)) {
		const struct vmcb_control_area *c;
		u64 code;

		if (unlikely(READ_ONCE(vtel_x86_svm_layout) != VTEL_X86_LAYOUT_OK))
			return VTEL_MAX_REASONS;
		c = &((struct vtel_x86_svm_head *)vcpu)->vmcb->control;
		code = vtel_vmcb_exit_code(c);
		if (unlikely(code == SVM_EXIT_IOIO || code == SVM_EXIT_NPF)) {
			*addr_key = vtel_x86_svm_addr(c, code);
			if (*addr_key & VTEL_ADDR_TENTATIVE)
				return VTEL_MAX_REASONS;
		}
		if (likely(code - VTEL_SVM_LO_BASE < VTEL_SVM_WINDOW))
			return vtel_svm_lo[code - VTEL_SVM_LO_BASE];
		if (likely(code - VTEL_SVM_HI_BASE < VTEL_SVM_WINDOW))
			return vtel_svm_hi[code - VTEL_SVM_HI_BASE];
	} else if (isa == VTEL_ISA_VMX && !READ_ONCE(vtel_x86_vmread_off)) {
		unsigned long reason;
		bool fail;
		u32 basic;

		reason = vtel_x86_vmread(VM_EXIT_REASON, &fail);
		basic = reason & 0xffff;
		if (unlikely(fail || basic >= VTEL_VMX_WINDOW))
			return VTEL_MAX_REASONS;
		if (unlikely(basic == EXIT_REASON_IO_INSTRUCTION ||
			     basic == EXIT_REASON_EPT_VIOLATION ||
			     basic == EXIT_REASON_EPT_MISCONFIG)) {
			*addr_key = vtel_x86_vmx_addr(basic);
			if (*addr_key & VTEL_ADDR_TENTATIVE)
				return VTEL_MAX_REASONS;
		}
		return vtel_vmx_basic[basic];
	}
	return VTEL_MAX_REASONS;
}

/*
 * is_guest_mode(): @flag (a single bit above HF_GUEST_MASK) if the exit
 * came from a nested (L2) guest, else 0: a mask and a shift.
 */
static __always_inline u64 vtel_arch_l2(const struct kvm_vcpu *vcpu, u64 flag)
{
	BUILD_BUG_ON(!is_power_of_2(HF_GUEST_MASK) || flag < HF_GUEST_MASK);
	return (u64)(vcpu->arch.hflags & HF_GUEST_MASK) *
	       (flag / HF_GUEST_MASK);
}

/* KVM's count of MMIO exits to userspace, which confirms a tentative key. */
static __always_inline const u64 *vtel_arch_mmio_exits(const struct kvm_vcpu *vcpu)
{
	return &vcpu->stat.mmio_exits;
}

#endif /* _VTEL_X86_H */
