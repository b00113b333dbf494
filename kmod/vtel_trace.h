/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtel's own tracepoints, for perf and bpftrace investigations:
 *
 *   vtel:vtel_slow_exit  an exit whose handling took longer than its
 *                        threshold (vtel_slow.c), on the kvm_entry that ends it
 *   vtel:vtel_vm_start   a VM's first exit seen by vtel
 *   vtel:vtel_vm_stop    KVM destroyed a VM (or kvm.ko went away)
 *
 * The reason is a fixed char array rather than a __string so that the
 * same event layout builds on every supported kernel and bpftrace reads it
 * as a string (args.reason). See Documentation/perf.rst.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vtel

#if !defined(_VTEL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VTEL_TRACE_H

#include <linux/tracepoint.h>
#include <linux/sched.h>

#include "vtel_slow.h"

TRACE_EVENT(vtel_slow_exit,
	    TP_PROTO(const struct vtel_slow_event *ev),

	    TP_ARGS(ev),

	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(pid_t, tid)
			     __field(u32, vm_id)
			     __field(u32, vcpu_id)
			     __array(char, reason, VTEL_REASON_NAME_LEN)
			     __field(u8, isa)
			     __field(u64, handling_ns)
			     __field(u64, kvm_ns)
			     __field(u64, vmm_ns)
			     __field(u64, wait_ns)
			     __field(u64, idle_ns)
			     __field(u64, guest_ns)
			     __field(u64, cgroup_id)),

	    TP_fast_assign(__entry->pid = ev->pid;
			   __entry->tid = ev->tid;
			   __entry->vm_id = ev->vm_id;
			   __entry->vcpu_id = ev->vcpu_id;
			   strscpy(__entry->reason, ev->reason,
				   VTEL_REASON_NAME_LEN);
			   __entry->isa = ev->isa;
			   __entry->handling_ns = ev->handling_ns;
			   __entry->kvm_ns = ev->kvm_ns;
			   __entry->vmm_ns = ev->vmm_ns;
			   __entry->wait_ns = ev->wait_ns;
			   __entry->idle_ns = ev->idle_ns;
			   __entry->guest_ns = ev->guest_ns;
			   __entry->cgroup_id = ev->cgroup_id;),

	    TP_printk("pid=%d tid=%d vm=%u vcpu=%u reason=%s isa=%u handling_ns=%llu kvm_ns=%llu vmm_ns=%llu wait_ns=%llu idle_ns=%llu guest_ns=%llu cgroup=%llu",
		      __entry->pid, __entry->tid, __entry->vm_id,
		      __entry->vcpu_id, __entry->reason, __entry->isa,
		      __entry->handling_ns, __entry->kvm_ns, __entry->vmm_ns,
		      __entry->wait_ns, __entry->idle_ns, __entry->guest_ns,
		      __entry->cgroup_id)
);

DECLARE_EVENT_CLASS(vtel_vm_class,
		    TP_PROTO(pid_t pid, u32 vm_id, const char *comm),

		    TP_ARGS(pid, vm_id, comm),

		    TP_STRUCT__entry(__field(pid_t, pid)
				     __field(u32, vm_id)
				     __array(char, comm, TASK_COMM_LEN)),

		    TP_fast_assign(__entry->pid = pid;
				   __entry->vm_id = vm_id;
				   strscpy(__entry->comm, comm, TASK_COMM_LEN);),

		    TP_printk("pid=%d vm=%u comm=%s", __entry->pid,
			      __entry->vm_id, __entry->comm)
);

DEFINE_EVENT(vtel_vm_class, vtel_vm_start,
	     TP_PROTO(pid_t pid, u32 vm_id, const char *comm),
	     TP_ARGS(pid, vm_id, comm));

DEFINE_EVENT(vtel_vm_class, vtel_vm_stop,
	     TP_PROTO(pid_t pid, u32 vm_id, const char *comm),
	     TP_ARGS(pid, vm_id, comm));

#endif /* _VTEL_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vtel_trace
#include <trace/define_trace.h>
