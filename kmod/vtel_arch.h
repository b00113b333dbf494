/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KVM glue (vtel_hook.c) needs from the architecture, one file
 * pair per architecture: vtel_x86.[ch] today. Each provides
 *
 *   unsigned int vtel_arch_exit_reason(struct kvm_vcpu *vcpu, u32 isa,
 *				       u64 *addr_key)
 *	the exit's reason index (vtel_reason.h), from the kvm_exit probe;
 *	static __always_inline, it runs on every exit. For port-IO and MMIO
 *	exits it also sets *addr_key (vtel_addr.h)
 *   u64 vtel_arch_l2(const struct kvm_vcpu *vcpu, u64 flag)
 *	@flag if the exit came from a nested (L2) guest, else 0
 *   const u64 *vtel_arch_mmio_exits(const struct kvm_vcpu *vcpu)
 *	KVM's count of MMIO exits to userspace (confirms a tentative key)
 *   void vtel_arch_attach(void)
 *	the probes are about to be registered
 *   void vtel_arch_detach(void)
 *	the probes are gone
 *   const char *vtel_arch_vendor(void)
 *	the virtualisation extension in use, as VTEL_A_VENDOR reports it
 *   u64 vtel_arch_layout_errors(void)
 *	times the private vCPU layout the exit reason is read from was not
 *	recognised
 *   u64 vtel_arch_reason_unavailable(void)
 *	exits whose reason could not be read (filed as unknown)
 *   bool vtel_arch_kprobe_armed(struct kprobe *p)
 *	whether a registered kprobe is really in place
 *
 * The kvm_exit/kvm_entry prototypes are in vtel_compat.h. Another
 * architecture adds its pair here and its prototypes there.
 */
#ifndef _VTEL_ARCH_H
#define _VTEL_ARCH_H

#if defined(CONFIG_X86)
#include "vtel_x86.h"
#else
#error "vtel supports x86 only"
#endif

void vtel_arch_attach(void);
void vtel_arch_detach(void);
const char *vtel_arch_vendor(void);
u64 vtel_arch_layout_errors(void);
u64 vtel_arch_reason_unavailable(void);
struct kprobe;
bool vtel_arch_kprobe_armed(struct kprobe *p);

#endif /* _VTEL_ARCH_H */
