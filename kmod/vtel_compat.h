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
#include <linux/preempt.h>
#include <linux/sched.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 149) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0))
#define VTEL_KVM_ENTRY_PROTO	void *data, struct kvm_vcpu *vcpu, \
				bool force_immediate_exit
#else
#define VTEL_KVM_ENTRY_PROTO	void *data, struct kvm_vcpu *vcpu
#endif

#define VTEL_KVM_EXIT_PROTO	void *data, struct kvm_vcpu *vcpu, u32 isa

/*
 * kvm_userspace_exit(reason, errno) and kvm_vcpu_wakeup(ns, waited, valid)
 * are the same on 6.1, 6.12 and 7.2. Neither passes the vCPU. On all three
 * kvm_vcpu_halt() computes ns as the halt's polling plus waiting time, the
 * sum KVM adds to halt_poll_success_ns, halt_poll_fail_ns and halt_wait_ns,
 * and fires the tracepoint with the vCPU loaded (its preempt notifier
 * registered); kvm_userspace_exit fires after vcpu_put().
 */
#define VTEL_KVM_USER_EXIT_PROTO	void *data, __u32 reason, int err
#define VTEL_KVM_WAKEUP_PROTO	void *data, __u64 ns, bool waited, bool valid

/* The current thread's run delay; always 0 (no wait time) without SCHED_INFO. */
static __always_inline u64 vtel_run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return current->sched_info.run_delay;
#else
	return 0;
#endif
}

/*
 * The first preempt notifier of the current thread: KVM's of the vCPU it
 * runs, between vcpu_load() and vcpu_put(). KVM selects PREEMPT_NOTIFIERS.
 */
static __always_inline struct preempt_notifier *vtel_current_preempt_notifier(void)
{
#ifdef CONFIG_PREEMPT_NOTIFIERS
	return hlist_entry_safe(READ_ONCE(current->preempt_notifiers.first),
				struct preempt_notifier, link);
#else
	return NULL;
#endif
}

/* The request attributes of a dump: genl_info moved into the dump info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define vtel_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define vtel_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

#endif /* _VTEL_COMPAT_H */
