/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels lives here.
 *
 * - kvm_entry: (vcpu) until 6.1.148 and 6.2..6.8, (vcpu, force_immediate_exit)
 *   from 6.9 and from 6.1.149 (backported with the immediate-exit fix).
 * - kvm_exit: (vcpu, isa) on every supported kernel.
 * - genl_dumpit_info: attrs moved into an embedded genl_info in 6.2.
 */
#ifndef _VTEL_COMPAT_H
#define _VTEL_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 149) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0))
#define VTEL_KVM_ENTRY_PROTO	void *data, struct kvm_vcpu *vcpu, \
				bool force_immediate_exit
#else
#define VTEL_KVM_ENTRY_PROTO	void *data, struct kvm_vcpu *vcpu
#endif

#define VTEL_KVM_EXIT_PROTO	void *data, struct kvm_vcpu *vcpu, u32 isa

/* The request attributes of a dump: genl_info moved into the dump info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define vtel_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define vtel_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

#endif /* _VTEL_COMPAT_H */
