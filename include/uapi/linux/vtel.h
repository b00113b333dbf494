/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vtel: KVM exit telemetry, generic netlink interface.
 *
 * Family name: VTEL_GENL_NAME ("vtel"), version VTEL_GENL_VERSION. The
 * module is loaded on demand by a family lookup (MODULE_ALIAS_GENL_FAMILY).
 * All commands use one attribute space, enum vtel_attr; each command's
 * policy accepts only the attributes listed for it below and is strict:
 * unknown attributes, wrong lengths and nests without NLA_F_NESTED are
 * rejected with an extack message. Every counter is its own u64 attribute,
 * padded with VTEL_A_PAD; there are no binary structs.
 *
 * Views. The exit commands take a selector naming the view they sum:
 *
 *    (none)                     the host: every VM, live, retired and
 *                               evicted, plus exits of untracked vCPUs
 *    VTEL_A_VM_ID               one VM
 *    VTEL_A_PID                 the VMM process' newest VM (a process with
 *                               several VMs is addressed by VTEL_A_VM_ID)
 *    VM selector + VTEL_A_VCPU_ID    one vCPU of that VM
 *    VTEL_A_CGROUP_ID, VTEL_A_CGROUP_FD or VTEL_A_CGROUP_PATH
 *                               a cgroup v2 and all its descendants, like
 *                               cpu.stat; with VTEL_F_CGROUP_OWN in
 *                               VTEL_A_FLAGS, the cgroup alone
 *
 * An unknown VM or vCPU gives -ENOENT with an extack message; so does a
 * cgroup that does not exist (any more). A cgroup is named by id, by an
 * open fd of its directory (as taskstats' cgroupstats takes it), or by its
 * path relative to the caller's cgroup namespace (as cgroup_path_ns()
 * prints it, e.g. "/tenant-a/vm1"); a path resolves only to cgroups that
 * vCPU threads ran in and their ancestors. Exits are attributed to the
 * cgroup v2 of the vCPU thread at the time of the exit.
 *
 * Privileges. Per-VM and per-vCPU exit timings are a side channel on guest
 * activity: VTEL_CMD_GET_VMS, GET_VCPUS, GET_CGROUPS, GET_VIEW and GET_EXITS need
 * CAP_PERFMON or CAP_SYS_ADMIN unless the module parameter
 * unprivileged_read is set. VTEL_CMD_RESET and VTEL_CMD_SET_CONFIG need
 * CAP_NET_ADMIN (GENL_ADMIN_PERM). GET_STATUS and GET_CONFIG are open,
 * but GET_STATUS leaves out the host's exit totals (VTEL_A_EXITS through
 * VTEL_A_SLOW_EXITS, VTEL_A_UNTRACKED_EXITS, VTEL_A_REASON_OVERFLOW,
 * VTEL_A_CGROUP_STALE_EXITS) for callers without that privilege: with one
 * VM running they are that VM's timings.
 *
 * Time split. Every nanosecond of a vCPU between its first kvm_entry and
 * its last kvm_exit is in exactly one of five buckets (see
 * Documentation/design.rst for the exact definitions):
 *
 *    VTEL_A_GUEST_NS   running guest code: kvm_entry to the next kvm_exit
 *    VTEL_A_KVM_NS     KVM handling the exit in the kernel, on a CPU
 *    VTEL_A_VMM_NS     the VMM in userspace: kvm_userspace_exit to the next
 *                      kvm_entry, less the run delay in that time
 *    VTEL_A_WAIT_NS    runnable but not running: the thread's run delay
 *                      (sched_info.run_delay) between kvm_exit and kvm_entry
 *    VTEL_A_IDLE_NS    halted, waiting for an interrupt (kvm_vcpu_wakeup's
 *                      halt time less the run delay in it); VTEL_A_POLL_NS
 *                      is the halt polling inside it
 *
 * VTEL_A_HANDLING_NS is kvm + vmm + wait + idle (kvm_exit to kvm_entry), as
 * before. VTEL_A_OVERHEAD_PPM is (kvm + vmm) / (guest + kvm + vmm): idle
 * and wait are left out; VTEL_A_WAIT_PPM is wait / (guest + kvm + vmm +
 * wait). Every view and every reason of VTEL_CMD_GET_EXITS carries the
 * five buckets and VTEL_A_POLL_NS (a reason's share is its kvm + vmm over
 * the view's guest + kvm + vmm).
 *
 * Commands:
 *
 * VTEL_CMD_GET_STATUS (do)
 *    request:  nothing
 *    reply:    VTEL_A_VERSION, VTEL_A_ATTACHED, VTEL_A_VENDOR,
 *              VTEL_A_VMS_LIVE, VTEL_A_VMS_RETIRED, VTEL_A_VMS_EVICTED,
 *              VTEL_A_VCPUS, VTEL_A_EXITS, VTEL_A_HANDLING_NS,
 *              VTEL_A_GUEST_NS, VTEL_A_OVERHEAD_PPM, VTEL_A_UNTRACKED_VMS,
 *              VTEL_A_UNTRACKED_VCPUS, VTEL_A_UNTRACKED_EXITS,
 *              VTEL_A_REASON_OVERFLOW, VTEL_A_LAYOUT_ERRORS,
 *              VTEL_A_EVENTS_DROPPED, VTEL_A_GENERATION, VTEL_A_CGROUPS,
 *              VTEL_A_CGROUPS_RELEASED, VTEL_A_UNTRACKED_CGROUPS,
 *              VTEL_A_SEGMENT_DROPS, VTEL_A_CGROUP_STALE_EXITS,
 *              the time split (VTEL_A_KVM_NS, VTEL_A_VMM_NS, VTEL_A_WAIT_NS,
 *              VTEL_A_IDLE_NS, VTEL_A_POLL_NS, VTEL_A_WAIT_PPM) and
 *              VTEL_A_SPLIT_MISSED,
 *              VTEL_A_SEGMENT_FOLDS, VTEL_A_DUMPS_REFUSED,
 *              VTEL_A_DESTROY_PROBE_DISABLED, VTEL_A_DESTROY_PROBE_MISSED,
 *              VTEL_A_REASON_UNAVAILABLE
 *    The host totals are the per-CPU counters: no walk, no allocation.
 *    VTEL_A_UNTRACKED_VMS and VTEL_A_UNTRACKED_VCPUS count each VM and
 *    vCPU that found no record once (up to 256 at a time, then per
 *    sighting).
 *
 * VTEL_CMD_GET_VMS (dump)
 *    request:  nothing
 *    reply:    one message per VM, by increasing VM id: VTEL_A_VM_ID,
 *              VTEL_A_PID, VTEL_A_COMM, VTEL_A_VM_STATE, VTEL_A_VCPUS,
 *              VTEL_A_EXITS, VTEL_A_HANDLING_NS, VTEL_A_GUEST_NS,
 *              VTEL_A_OVERHEAD_PPM, VTEL_A_SLOW_EXITS, the time split,
 *              the L2 split (VTEL_A_L2_EXITS, VTEL_A_L2_HANDLING_NS)
 *    A VM or vCPU that comes or goes during the dump sets NLM_F_DUMP_INTR
 *    on the next message (genl_dump_check_consistent).
 *
 * VTEL_CMD_GET_VCPUS (dump)
 *    request:  VTEL_A_VM_ID or VTEL_A_PID (required)
 *    reply:    one message per vCPU: VTEL_A_VM_ID, VTEL_A_VCPU_ID,
 *              VTEL_A_TID, VTEL_A_EXITS, VTEL_A_HANDLING_NS,
 *              VTEL_A_GUEST_NS, VTEL_A_OVERHEAD_PPM, VTEL_A_SLOW_EXITS,
 *              the time split, the L2 split
 *
 * VTEL_CMD_GET_CGROUPS (dump)
 *    request:  nothing
 *    reply:    one message per cgroup that vCPU threads ran in, and per
 *              ancestor of such a cgroup, by increasing id:
 *              VTEL_A_CGROUP_ID, VTEL_A_CGROUP_LEVEL, VTEL_A_CGROUP_PATH
 *              (absent if the cgroup was removed), the cgroup's own
 *              VTEL_A_EXITS, VTEL_A_HANDLING_NS, VTEL_A_GUEST_NS,
 *              VTEL_A_OVERHEAD_PPM, VTEL_A_SLOW_EXITS, the time split, the
 *              L2 split, and VTEL_A_ROLLUP (nested, same attributes): itself plus all
 *              its descendants.
 *
 * VTEL_CMD_GET_VIEW (do)
 *    request:  a selector (optional), VTEL_A_FLAGS (optional)
 *    reply:    the view's totals: VTEL_A_VM_ID, VTEL_A_PID and VTEL_A_COMM
 *              (VM and vCPU views), VTEL_A_VCPU_ID (vCPU view),
 *              VTEL_A_CGROUP_ID, VTEL_A_CGROUP_LEVEL and VTEL_A_CGROUP_PATH
 *              (cgroup view),
 *              VTEL_A_VCPUS, VTEL_A_EXITS, VTEL_A_HANDLING_NS,
 *              VTEL_A_GUEST_NS, VTEL_A_OVERHEAD_PPM, VTEL_A_SLOW_EXITS,
 *              VTEL_A_UNTRACKED_EXITS, VTEL_A_REASON_OVERFLOW, the time
 *              split, the L2 split (VTEL_A_L2_EXITS, VTEL_A_L2_HANDLING_NS:
 *              the exits taken while a nested guest ran, already counted
 *              in the totals)
 *
 * VTEL_CMD_GET_EXITS (dump)
 *    request:  a selector (optional), VTEL_A_FLAGS (optional):
 *              VTEL_F_HIST adds the histogram, VTEL_A_REASON (optional)
 *              returns only that reason (-ENOENT if the name is unknown)
 *    reply:    one message per reason seen, by decreasing count:
 *              VTEL_A_REASON (the kernel's SVM_EXIT_REASONS or
 *              VMX_EXIT_REASONS name, as perf kvm stat prints it),
 *              VTEL_A_REASON_CODE, VTEL_A_ISA, VTEL_A_CATEGORY, VTEL_A_COUNT,
 *              VTEL_A_TIMED, VTEL_A_TOTAL_NS, VTEL_A_MIN_NS, VTEL_A_MAX_NS,
 *              VTEL_A_P50_NS, VTEL_A_P90_NS, VTEL_A_P99_NS, VTEL_A_P999_NS,
 *              VTEL_A_KVM_NS, VTEL_A_VMM_NS, VTEL_A_WAIT_NS,
 *              VTEL_A_IDLE_NS, VTEL_A_POLL_NS (their sum with nothing else
 *              is VTEL_A_TOTAL_NS), VTEL_A_UNBINNED, and with VTEL_F_HIST:
 *              VTEL_A_HIST (nested)
 *                VTEL_A_HIST_BUCKET (nested), one per non-empty bucket
 *                  VTEL_A_BUCKET_LE     inclusive upper bound in ns;
 *                                       U64_MAX for the open last bucket
 *                  VTEL_A_BUCKET_COUNT
 *    The view is summed once when the dump starts; the whole dump is one
 *    consistent snapshot. Buckets are log-linear: 0..15 ns one each, then
 *    every power of two split into 8; the last is open (>= 2^37 ns).
 *    Percentiles are bucket upper bounds clamped to [min, max]: never
 *    below the true value and less than 12.5% above it. They cover the
 *    exits in buckets; VTEL_A_UNBINNED counts timed exits that are in none
 *    (a segment's reasons beyond its histogram slots).
 *
 * VTEL_CMD_GET_ADDRS (dump)
 *    request:  VTEL_A_VM_ID or VTEL_A_PID (required), VTEL_A_VCPU_ID
 *              (optional)
 *    reply:    the ports and MMIO pages the view's port-IO and MMIO exits
 *              hit, one message per row, by decreasing count (as perf kvm
 *              stat report --event=ioport / --event=mmio sorts them), then
 *              one VTEL_ADDR_OTHER row when it is not empty: VTEL_A_VM_ID,
 *              VTEL_A_ADDR_KIND, VTEL_A_ADDR (not in the other row),
 *              VTEL_A_COUNT, VTEL_A_TOTAL_NS and its split VTEL_A_KVM_NS,
 *              VTEL_A_VMM_NS, VTEL_A_WAIT_NS, VTEL_A_IDLE_NS,
 *              VTEL_A_POLL_NS (as in GET_EXITS). Each vCPU keeps
 *              VTEL_C_MAX_ADDRS keys (port and direction, or page and
 *              access), the most frequent since the last reset
 *              (Space-Saving: a key with more than 1/VTEL_C_MAX_ADDRS of
 *              the vCPU's port-IO and MMIO exits always has a row, and
 *              its count is exact from the exit it took the row). The
 *              exits of keys that lost or never had a row are counted in
 *              the other row, so rows and other sum to every port-IO and
 *              MMIO exit. A view has at most 64 rows, the ones with most
 *              exits; the rest is other.
 *
 * VTEL_CMD_RESET (do, CAP_NET_ADMIN)
 *    request:  nothing. Zeroes the exit counts, times and histograms of
 *              every view. Drop and error counters (untracked VMs and
 *              vCPUs, segment drops, events dropped, layout errors) are
 *              not reset: they describe vtel, not the guests.
 *
 * VTEL_CMD_GET_CONFIG (do)
 *    reply:    VTEL_A_CONFIG (nested): every enum vtel_config_attr, with
 *              one VTEL_C_SLOW_OVERRIDE per reason that has a threshold
 *              of its own
 *
 * VTEL_CMD_SET_CONFIG (do, CAP_NET_ADMIN)
 *    request:  VTEL_A_CONFIG (nested) with any of the writable
 *              attributes: VTEL_C_SLOW_NS, VTEL_C_SLOW_IDLE_NS,
 *              VTEL_C_EVENT_RATE, and VTEL_C_SLOW_OVERRIDE (repeatable)
 *    Slow exits. An exit whose handling (VTEL_A_HANDLING_NS) exceeds the
 *    threshold of its reason counts in VTEL_A_SLOW_EXITS and fires the
 *    tracepoint vtel:vtel_slow_exit. VTEL_C_SLOW_NS is the threshold of
 *    every reason that is not idle (category halt), VTEL_C_SLOW_IDLE_NS
 *    that of idle exits (off by default: idle guests halt at will). A
 *    VTEL_C_SLOW_OVERRIDE with VTEL_S_REASON and VTEL_S_NS gives one reason
 *    a threshold of its own; with VTEL_S_REASON alone it returns the reason
 *    to the default. 0 turns a check off. An unknown reason name fails the
 *    whole request with -ENOENT and changes nothing. The module
 *    parameters slow_exit_us and slow_exit_idle_us are the same values.
 *
 * VTEL_CMD_VM_EVENT (multicast group VTEL_MCGRP_EVENTS, kernel to user;
 *    joining the group needs CAP_SYS_ADMIN)
 *    VTEL_A_EVENT (enum vtel_event), VTEL_A_VM_ID, VTEL_A_PID,
 *    VTEL_A_COMM, and for VTEL_EVENT_VM_STOP the VM's VTEL_A_EXITS,
 *    VTEL_A_HANDLING_NS and VTEL_A_GUEST_NS. At most VTEL_C_EVENT_RATE
 *    events a second are sent; the rest are counted in
 *    VTEL_A_EVENTS_DROPPED.
 */
#ifndef _UAPI_LINUX_VTEL_H
#define _UAPI_LINUX_VTEL_H

#define VTEL_GENL_NAME		"vtel"
#define VTEL_GENL_VERSION	1
#define VTEL_MCGRP_EVENTS	"events"

enum vtel_cmd {
	VTEL_CMD_UNSPEC,
	VTEL_CMD_GET_STATUS,
	VTEL_CMD_GET_VMS,
	VTEL_CMD_GET_VCPUS,
	VTEL_CMD_GET_VIEW,
	VTEL_CMD_GET_EXITS,
	VTEL_CMD_RESET,
	VTEL_CMD_GET_CONFIG,
	VTEL_CMD_SET_CONFIG,
	VTEL_CMD_VM_EVENT,
	VTEL_CMD_GET_CGROUPS,
	VTEL_CMD_GET_ADDRS,

	__VTEL_CMD_MAX
};

#define VTEL_CMD_MAX (__VTEL_CMD_MAX - 1)

enum vtel_vm_state {
	VTEL_VM_STATE_LIVE,
	VTEL_VM_STATE_RETIRED,
};

enum vtel_event {
	VTEL_EVENT_VM_START = 1,
	VTEL_EVENT_VM_STOP,
};

/* VTEL_A_ISA: the values of the kvm_exit tracepoint's isa field. */
enum vtel_isa_value {
	VTEL_ISA_VALUE_VMX = 1,
	VTEL_ISA_VALUE_SVM = 2,
};

/*
 * VTEL_A_ADDR_KIND: what VTEL_A_ADDR is. Port IO has its direction; MMIO
 * pages have one when the vendor reports it (SVM NPF error code, VMX EPT
 * violation qualification), not for VMX EPT misconfigurations.
 */
enum vtel_addr_kind_value {
	VTEL_ADDR_PIO_IN = 1,
	VTEL_ADDR_PIO_OUT,
	VTEL_ADDR_MMIO_READ,
	VTEL_ADDR_MMIO_WRITE,
	VTEL_ADDR_MMIO,
	VTEL_ADDR_OTHER,	/* the row of what the table had no room for */
};

#define VTEL_F_HIST		(1U << 0)
#define VTEL_F_CGROUP_OWN	(1U << 1)

enum vtel_attr {
	VTEL_A_UNSPEC,
	VTEL_A_PAD,
	VTEL_A_VERSION,			/* string */
	VTEL_A_ATTACHED,		/* u8: hooked into kvm.ko */
	VTEL_A_VENDOR,			/* string: svm, vmx or none */
	VTEL_A_VMS_LIVE,		/* u32 */
	VTEL_A_VMS_RETIRED,		/* u32: destroyed, still queryable */
	VTEL_A_VMS_EVICTED,		/* u64: folded into the host view */
	VTEL_A_VCPUS,			/* u32 */
	VTEL_A_EXITS,			/* u64 */
	VTEL_A_HANDLING_NS,		/* u64: kvm + vmm + wait + idle */
	VTEL_A_GUEST_NS,		/* u64: kvm_entry to next kvm_exit */
	VTEL_A_OVERHEAD_PPM,		/* u32: (kvm + vmm) / (guest + kvm + vmm) */
	VTEL_A_SLOW_EXITS,		/* u64: handling > VTEL_C_SLOW_NS */
	VTEL_A_UNTRACKED_VMS,		/* u64: VMs that found no free record */
	VTEL_A_UNTRACKED_VCPUS,		/* u64: vCPUs that found no record */
	VTEL_A_UNTRACKED_EXITS,		/* u64: their exits, host view only */
	VTEL_A_REASON_OVERFLOW,		/* u64: exits beyond per-vCPU slots */
	VTEL_A_LAYOUT_ERRORS,		/* u64: vendor layout check failed */
	VTEL_A_EVENTS_DROPPED,		/* u64: rate-limited events */
	VTEL_A_GENERATION,		/* u64: changes as VMs/vCPUs come, go */
	VTEL_A_VM_ID,			/* u32 */
	VTEL_A_PID,			/* u32: VMM process (tgid) */
	VTEL_A_COMM,			/* string: VMM process name */
	VTEL_A_VM_STATE,		/* u8: enum vtel_vm_state */
	VTEL_A_VCPU_ID,			/* u32: KVM's vcpu_id */
	VTEL_A_TID,			/* u32: vCPU thread */
	VTEL_A_FLAGS,			/* u32: VTEL_F_* */
	VTEL_A_REASON,			/* string */
	VTEL_A_REASON_CODE,		/* u32: raw SVM/VMX exit code */
	VTEL_A_ISA,			/* u8: enum vtel_isa_value, 0 unknown */
	VTEL_A_CATEGORY,		/* string: io, memory, interrupt, ... */
	VTEL_A_COUNT,			/* u64: exits */
	VTEL_A_TIMED,			/* u64: exits whose handling ended */
	VTEL_A_TOTAL_NS,		/* u64 */
	VTEL_A_MIN_NS,			/* u64 */
	VTEL_A_MAX_NS,			/* u64 */
	VTEL_A_P50_NS,			/* u64 */
	VTEL_A_P90_NS,			/* u64 */
	VTEL_A_P99_NS,			/* u64 */
	VTEL_A_P999_NS,			/* u64 */
	VTEL_A_HIST,			/* nested: VTEL_A_HIST_BUCKET... */
	VTEL_A_CONFIG,			/* nested: enum vtel_config_attr */
	VTEL_A_EVENT,			/* u8: enum vtel_event */
	VTEL_A_CGROUP_ID,		/* u64: cgroup v2 id (inode number) */
	VTEL_A_CGROUP_FD,		/* u32: fd of a cgroup v2 directory */
	VTEL_A_CGROUP_PATH,		/* string: path in the caller's cgroup namespace */
	VTEL_A_CGROUP_LEVEL,		/* u32: depth below the root */
	VTEL_A_ROLLUP,			/* nested: totals of a cgroup and descendants */
	VTEL_A_CGROUPS,			/* u32: cgroup records */
	VTEL_A_CGROUPS_RELEASED,	/* u64: removed cgroups forgotten */
	VTEL_A_UNTRACKED_CGROUPS,	/* u64: cgroups that found no record */
	VTEL_A_SEGMENT_DROPS,		/* u64: cgroup moves with no free segment */
	VTEL_A_CGROUP_STALE_EXITS,	/* u64: exits counted in an old cgroup */
	VTEL_A_ADDR,			/* u64: port, or guest-physical page address */
	VTEL_A_ADDR_KIND,		/* u8: enum vtel_addr_kind_value */
	VTEL_A_UNBINNED,		/* u64: timed exits in no histogram bucket */
	VTEL_A_L2_EXITS,		/* u64: exits taken while an L2 guest ran */
	VTEL_A_L2_HANDLING_NS,		/* u64: their handling time */
	VTEL_A_KVM_NS,			/* u64: handling in KVM, on a CPU */
	VTEL_A_VMM_NS,			/* u64: kvm_userspace_exit to kvm_entry */
	VTEL_A_WAIT_NS,			/* u64: runnable, no CPU (run delay) */
	VTEL_A_IDLE_NS,			/* u64: halted, polling included */
	VTEL_A_POLL_NS,			/* u64: halt polling, part of idle */
	VTEL_A_WAIT_PPM,		/* u32: wait / (guest + kvm + vmm + wait) */
	VTEL_A_SPLIT_MISSED,		/* u64: time marks with no vCPU in an exit */
	VTEL_A_SEGMENT_FOLDS,		/* u64: oldest segments of a vCPU folded */
	VTEL_A_DUMPS_REFUSED,		/* u64: dumps refused, too many held */
	VTEL_A_DESTROY_PROBE_DISABLED,	/* u8: VM destruction probe disarmed */
	VTEL_A_DESTROY_PROBE_MISSED,	/* u64: VM destructions the probe missed */
	VTEL_A_REASON_UNAVAILABLE,	/* u64: exits whose reason could not be read */

	__VTEL_A_MAX
};

#define VTEL_A_MAX (__VTEL_A_MAX - 1)

enum vtel_hist_attr {
	VTEL_A_HIST_UNSPEC,
	VTEL_A_HIST_BUCKET,		/* nested: enum vtel_bucket_attr */

	__VTEL_A_HIST_MAX
};

#define VTEL_A_HIST_MAX (__VTEL_A_HIST_MAX - 1)

enum vtel_bucket_attr {
	VTEL_A_BUCKET_UNSPEC,
	VTEL_A_BUCKET_PAD,
	VTEL_A_BUCKET_LE,		/* u64 */
	VTEL_A_BUCKET_COUNT,		/* u64 */

	__VTEL_A_BUCKET_MAX
};

#define VTEL_A_BUCKET_MAX (__VTEL_A_BUCKET_MAX - 1)

enum vtel_config_attr {
	VTEL_C_UNSPEC,
	VTEL_C_PAD,
	VTEL_C_SLOW_NS,			/* u64, rw: slow-exit threshold, 0 off */
	VTEL_C_EVENT_RATE,		/* u32, rw: events per second */
	VTEL_C_UNPRIVILEGED_READ,	/* u8, ro: module parameter */
	VTEL_C_MAX_VMS,			/* u32, ro: module parameter */
	VTEL_C_MAX_VCPUS,		/* u32, ro: module parameter */
	VTEL_C_RETIRED_VMS,		/* u32, ro: module parameter */
	VTEL_C_RETIRED_SECS,		/* u32, ro: module parameter */
	VTEL_C_MAX_ADDRS,		/* u32, ro: module parameter */
	VTEL_C_SLOW_IDLE_NS,		/* u64, rw: threshold of idle exits, 0 off */
	VTEL_C_SLOW_OVERRIDE,		/* nested, multi: enum vtel_slow_attr */

	__VTEL_C_MAX
};

#define VTEL_C_MAX (__VTEL_C_MAX - 1)

/* A per-reason slow-exit threshold (VTEL_C_SLOW_OVERRIDE). */
enum vtel_slow_attr {
	VTEL_S_UNSPEC,
	VTEL_S_PAD,
	VTEL_S_REASON,			/* string: exit reason name */
	VTEL_S_NS,			/* u64: its threshold, 0 off */

	__VTEL_S_MAX
};

#define VTEL_S_MAX (__VTEL_S_MAX - 1)

#endif /* _UAPI_LINUX_VTEL_H */
