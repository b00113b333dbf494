/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels lives here.
 *
 * - kvm_entry: (vcpu) until 6.1.148 and 6.2..6.8, (vcpu, force_immediate_exit)
 *   from 6.9 and from 6.1.149 (backported with the immediate-exit fix).
 * - kvm_exit: (vcpu, isa) on every supported kernel.
 * - genl_dumpit_info: attrs moved into an embedded genl_info in 6.2.
 * - vmcb_control_area.exit_code: u32 (beside exit_code_hi) until 6.12, one
 *   u64 in 7.2, where SVM_EXIT_ERR is -1ull.
 * - The probe context: tracepoints disable preemption around their probes
 *   until 6.12 and run them under SRCU-fast in 7.2 (VTEL_PROBE_CONTEXT).
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
#define vtel_kvm_entry_call(fn, data, vcpu)	fn(data, vcpu, false)
#else
#define VTEL_KVM_ENTRY_PROTO	void *data, struct kvm_vcpu *vcpu
#define vtel_kvm_entry_call(fn, data, vcpu)	fn(data, vcpu)
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

/*
 * The SVM exit code as KVM itself reads it: the u32 field until 6.12 (a
 * 6.x kvm_exit reports and dispatches on those 32 bits only), the u64 one
 * in 7.2. vtel_svm_reason() takes SVM_EXIT_ERR in both widths.
 */
#define vtel_vmcb_exit_code(ctl)	((u64)(ctl)->exit_code)

/*
 * VTEL_PROBE_CONTEXT(), first in each probe: the probes use per-CPU state
 * and RCU-protected records, so they must not be preempted
 * (Documentation/design.rst, "Probe context").
 * - Until 6.12 the tracepoint itself runs its probes with preemption
 *   disabled (preempt_disable_notrace() in __DO_TRACE). On 6.1 SVM that is
 *   all there is: kvm_exit fires in the preemptible svm_handle_exit().
 * - 7.2 runs them under SRCU-fast, preemptible, but KVM fires kvm_entry and
 *   kvm_exit in svm_vcpu_run()/vmx_vcpu_run(), with IRQs disabled.
 * So on these kernels the context is already right and costs nothing; only
 * lockdep checks it. A kernel in between or newer, not audited, gets an
 * explicit preempt-disable, as does building with
 * KCFLAGS=-DVTEL_PROBE_GUARD_ALWAYS (6.12 and later; to measure it).
 * vtel_x86.c also checks the context on the first SVM exit after
 * attaching, without lockdep.
 */
#if !defined(VTEL_PROBE_GUARD_ALWAYS) && \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0) || \
	 (LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0) && \
	  LINUX_VERSION_CODE < KERNEL_VERSION(7, 3, 0)))
#define VTEL_PROBE_CONTEXT()	lockdep_assert_preemption_disabled()
#else
#define VTEL_PROBE_CONTEXT()	guard(preempt_notrace)()
#endif

#endif /* _VTEL_COMPAT_H */
