/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtel's internal types: the records (VM, vCPU, segment, cgroup, per-CPU),
 * the summed views, the limits and the counters. Each file's functions are
 * declared in its own header; Documentation/design.rst maps them.
 *
 * Nothing in here knows about KVM types: VMs and vCPUs are identified by
 * opaque keys (the struct kvm and struct kvm_vcpu pointers), so the code
 * below the KVM glue is unit-tested under UML.
 */
#ifndef _VTEL_H
#define _VTEL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/sched.h>

#include <uapi/linux/vtel.h>

#include "vtel_addr.h"
#include "vtel_reason.h"
#include "vtel_stats.h"

#define VTEL_VERSION "0.1.0"

/* Distinct exit reasons per segment, the first VTEL_SEG_HISTS with histograms. */
#define VTEL_SEG_SLOTS 32
#define VTEL_SEG_HISTS 11
#define VTEL_CG_DEPTH 32
#define VTEL_DIR_LEN 24
/*
 * Segments a vCPU keeps: one per cgroup its thread was in, the oldest
 * folded into one "elsewhere" segment (cg_id 0) beyond this.
 */
#define VTEL_VCPU_SEGS 8
/* Untracked vCPUs remembered for counting them once each. */
#define VTEL_UNTRACKED_KEYS 256

struct vtel_vm;
struct vtel_vcpu;
struct vtel_cg;

/*
 * The exit statistics of one vCPU while its thread was in one cgroup. The
 * current segment of a vCPU is written only from the kvm_exit/kvm_entry
 * probes of its own thread, which KVM serialises (vcpu->mutex), so it
 * needs no lock and no atomic. Readers sum segments without locking; a u64
 * load is never torn on x86-64. A vCPU whose thread never changes cgroup
 * has one segment.
 */
struct vtel_seg {
	u32 reset_gen;
	u8 nr_slots;
	u64 exits;
	u64 guest_ns;
	u64 handling_ns;
	u64 reason_overflow;		/* exits of reasons beyond the slots */
	u64 slow_exits;			/* handling over its threshold */
	struct vtel_split split;	/* of handling_ns */
	u64 l2_exits;			/* exits while an L2 guest ran */
	u64 l2_handling_ns;		/* ... and their handling time */
	u8 slot_of[VTEL_MAX_REASONS];	/* reason -> slot + 1 */
	u8 reason_of[VTEL_SEG_SLOTS];
	struct vtel_slot slot[VTEL_SEG_SLOTS];
	struct vtel_hist hist[VTEL_SEG_HISTS];	/* of slot[0 .. HISTS - 1] */

	u64 cg_id;			/* its cgroup; 0: folded elsewhere */
	struct vtel_cg *cg;		/* RCU; NULL: no record (yet) or removed */
	struct list_head vcpu_node;	/* vtel_vcpu.segs, RCU */
	struct list_head cg_node;	/* vtel_cg.segs, RCU */
	struct list_head free_node;
};

/*
 * What an exit carries to its entry beyond its slot, in one word so that
 * an exit with neither costs one test: its port or MMIO page key
 * (vtel_addr.h, with VTEL_ADDR_TENTATIVE) and whether an L2 guest ran.
 */
#define VTEL_DETAIL_L2		BIT_ULL(59)

/*
 * A vCPU: the probes' state and its segments. One allocation holds the
 * record, its first segment and its port/page rows: 16 KiB at the default
 * max_addrs (vtel_table.c). The first segment is never a seg_pool record.
 */
struct vtel_vcpu {
	const void *key;		/* struct kvm_vcpu * */
	const void *vm_key;		/* struct kvm *, for the cache check */
	struct vtel_vm *vm;
	struct vtel_seg *seg;		/* current segment, NULL if none yet */
	u64 cg_id;			/* cgroup of seg, 0 until it has a record */
	bool in_exit;			/* between kvm_exit and kvm_entry */
	u8 pending;			/* slot + 1 of that exit, 0 if none */
	u8 reason;			/* reason of that exit */
	u32 addr_gen;			/* reset generation of addrs */
	u64 detail;			/* that exit's VTEL_DETAIL_*, 0 if none */
	u64 addr_mmio;			/* KVM's mmio_exits at that exit ... */
	const u64 *addr_mmio_p;		/* ... and where it lives */
	u64 last_exit_ns;
	u64 last_entry_ns;
	struct vtel_split_state split;	/* the exit in flight */
	u64 poll_seen;			/* KVM's halt poll time at the last wakeup */

	u32 vcpu_id;
	pid_t tid;
	u32 nr_segs;
	struct list_head segs;
	struct hlist_node hnode;	/* vtel_table.vcpu_hash, live only */
	struct list_head vm_node;	/* vtel_vm.vcpus */
	struct list_head free_node;
	struct vtel_seg first;		/* its first segment (vtel_vm.c) */
	struct vtel_addrs addrs;	/* lim.max_addrs rows: last */
};

/* A thread's cgroup v2: its id and its ancestors' ids, ids[0] the root. */
struct vtel_cg_path {
	u64 id;
	u32 level;
	u64 ids[VTEL_CG_DEPTH];		/* ids[i]: the ancestor at level i */
};

/* A cgroup that vCPU threads ran in. Holds no reference to the cgroup. */
struct vtel_cg {
	struct vtel_cg_path path;
	struct list_head segs;		/* RCU */
	struct vtel_seg departed;	/* what evicted VMs left here */
	struct vtel_seg removed;	/* what removed descendants left */
	struct list_head node;		/* vtel_table.cgs, RCU */
	struct hlist_node hnode;	/* vtel_table.cg_hash */
	bool gone;			/* worker only: cgroup removed */
	struct list_head free_node;
};

struct vtel_vm {
	const void *key;		/* struct kvm * */
	u32 id;
	pid_t pid;
	enum vtel_vm_state state;
	bool announced_start;		/* worker only */
	bool announced_stop;		/* worker only */
	u32 nr_vcpus;
	unsigned long retired_at;	/* jiffies */
	int dying;			/* KVM destroys it; retirement queued */
	struct llist_node dead_node;	/* vtel_vm_retire() to the irq_work */
	char comm[TASK_COMM_LEN];
	char dir[VTEL_DIR_LEN];
	struct list_head vcpus;
	struct list_head node;		/* vtel_table.vms, RCU */
	struct hlist_node hnode;	/* vtel_table.vm_hash, live only */
	struct list_head free_node;
	struct rcu_head rcu;
};

/* Per host CPU: attribution to the CPU and the counts nothing else holds. */
struct vtel_pcpu {
	struct vtel_vcpu *cache;	/* last vCPU seen here */
	const void *untracked_vcpu;	/* last vCPU here that found no record */
	u32 reset_gen;
	u64 exits;
	u64 handling_ns;
	u64 guest_ns;
	struct vtel_split split;	/* of handling_ns */
	u64 split_missed;		/* marks that found no vCPU in an exit */
	u64 slow_exits;
	u64 reason_overflow;
	u64 untracked_exits;		/* exits of vCPUs without a record */
	u64 cg_stale_exits;		/* exits counted in a previous cgroup */
	u64 untracked[VTEL_MAX_REASONS];/* ... and of reasons beyond slots */
};

/* Totals of a view: the host, a VM, a vCPU or a cgroup. */
struct vtel_totals {
	u64 exits;
	u64 handling_ns;
	u64 guest_ns;
	u64 slow_exits;
	u64 untracked_exits;
	u64 reason_overflow;
	u64 cg_stale_exits;
	struct vtel_split split;	/* of handling_ns */
	u64 l2_exits;
	u64 l2_handling_ns;
	u32 nr_vcpus;
};

/*
 * Totals and a vtel_stats for every reason (596 KB): what evicted VMs left
 * the host. Views are summed sparsely instead (vtel_view_sum()).
 */
struct vtel_agg {
	struct vtel_totals t;
	struct vtel_stats reason[VTEL_MAX_REASONS];
};

struct vtel_limits {
	u32 max_vms;		/* live + retired VM records */
	u32 max_vcpus;		/* live + retired vCPU records */
	u32 max_segs;		/* vCPU-in-a-cgroup statistics records */
	u32 max_cgroups;	/* cgroup records */
	u32 retired_vms;	/* retired VMs kept queryable */
	u32 retired_secs;	/* ... for at most this long, 0 = no limit */
	u32 spare_vms;		/* pool kept ready for the slow path */
	u32 spare_vcpus;	/* also the spare segments */
	u32 spare_cgroups;
	u32 max_addrs;		/* rows of a vCPU's port/MMIO page table */
};

struct vtel_counters {
	u32 vms_live;
	u32 vms_retired;
	u32 vcpus;
	u64 untracked_vms;	/* distinct VMs that found no record */
	u64 untracked_vcpus;	/* distinct vCPUs that found no record */
	u64 untracked_cgroups;	/* cgroups seen with no free record */
	u64 seg_drops;		/* cgroup moves with no free segment */
	u64 seg_folds;		/* oldest segments folded (VTEL_VCPU_SEGS) */
	u32 cgroups;
	u32 segs;
	u64 cgroups_released;	/* removed cgroups whose records were freed */
	u64 evicted_vms;	/* retired VMs folded into the host total */
	u64 generation;		/* changes whenever a VM or vCPU comes or goes */
};

/* One cgroup of a dump's id list. */
struct vtel_cg_ent {
	u64 id;
	u32 level;
};

#endif /* _VTEL_H */
