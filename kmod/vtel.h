/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtel internal interfaces: the VM/vCPU tables and their accounting.
 *
 * Nothing in here knows about KVM types: VMs and vCPUs are identified by
 * opaque keys (the struct kvm and struct kvm_vcpu pointers), so this part
 * is unit-tested under UML.
 */
#ifndef _VTEL_H
#define _VTEL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>

#include <uapi/linux/vtel.h>

#include "vtel_reason.h"
#include "vtel_stats.h"

#define VTEL_VERSION "0.1.0"

/* Distinct exit reasons with timing histograms per segment. */
#define VTEL_SEG_SLOTS 32
#define VTEL_CG_DEPTH 32
#define VTEL_DIR_LEN 24

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
	u64 slow_exits;			/* handling longer than vtel_slow_ns */
	u8 slot_of[VTEL_MAX_REASONS];	/* reason -> slot + 1 */
	u8 reason_of[VTEL_SEG_SLOTS];
	struct vtel_stats slot[VTEL_SEG_SLOTS];

	struct vtel_cg *cg;		/* RCU; NULL: untracked or removed */
	struct list_head vcpu_node;	/* vtel_vcpu.segs, RCU */
	struct list_head cg_node;	/* vtel_cg.segs, RCU */
	struct list_head free_node;
};

/* A vCPU: the probes' state and its segments. */
struct vtel_vcpu {
	const void *key;		/* struct kvm_vcpu * */
	struct vtel_vm *vm;
	struct vtel_seg *seg;		/* current segment, NULL if none yet */
	u64 cg_id;			/* cgroup of the current segment */
	bool in_exit;			/* between kvm_exit and kvm_entry */
	u8 pending;			/* slot + 1 of that exit, 0 if none */
	u64 last_exit_ns;
	u64 last_entry_ns;

	u32 vcpu_id;
	pid_t tid;
	u32 nr_segs;
	struct list_head segs;
	struct hlist_node hnode;	/* vtel_vcpu_hash, live only */
	struct list_head vm_node;	/* vtel_vm.vcpus */
	struct list_head free_node;
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
	struct list_head node;		/* vtel_cgs, RCU */
	struct hlist_node hnode;	/* vtel_cg_hash */
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
	u64 retired_at;			/* jiffies */
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
	u32 reset_gen;
	u64 exits;
	u64 handling_ns;
	u64 guest_ns;
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
	u32 nr_vcpus;
};

/* Totals and per-reason statistics of a view. */
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
};

struct vtel_counters {
	u32 vms_live;
	u32 vms_retired;
	u32 vcpus;
	u64 untracked_vms;	/* VMs seen with no record available */
	u64 untracked_vcpus;	/* vCPU first-sightings with no record */
	u64 untracked_cgroups;	/* cgroups seen with no free record */
	u64 seg_drops;		/* cgroup moves with no free segment */
	u32 cgroups;
	u32 segs;
	u64 cgroups_released;	/* removed cgroups whose records were freed */
	u64 evicted_vms;	/* retired VMs folded into the host total */
	u64 generation;		/* changes whenever a VM or vCPU comes or goes */
};

/* vtel_table.c */
int vtel_table_init(const struct vtel_limits *lim);
void vtel_table_stop(void);
void vtel_table_exit(void);
struct vtel_vcpu *vtel_vcpu_lookup_slow(const void *vcpu_key, const void *vm_key,
					u32 vcpu_id);
void vtel_vm_retire(const void *vm_key);
void vtel_retire_all(void);
void vtel_table_maintain(void);
void vtel_table_kick(void);
void vtel_reset(void);
void vtel_counters(struct vtel_counters *c);
int vtel_agg_host(struct vtel_agg *a);
int vtel_agg_vm(struct vtel_agg *a, u32 vm_id);
int vtel_agg_vcpu(struct vtel_agg *a, u32 vm_id, u32 vcpu_id);
void vtel_totals_vm(const struct vtel_vm *vm, struct vtel_totals *t);
void vtel_totals_vcpu(const struct vtel_vcpu *vc, struct vtel_totals *t);
void vtel_totals_cg(const struct vtel_cg *cg, struct vtel_totals *t);
bool vtel_seg_available(void);
void vtel_vcpu_set_cgroup(struct vtel_vcpu *vc, const struct vtel_cg_path *p);
int vtel_agg_cgroup(struct vtel_agg *a, u64 id, u32 level, bool rollup);
int vtel_totals_cgroup(u64 id, u32 level, bool rollup, struct vtel_totals *t);

struct vtel_cg_ent {
	u64 id;
	u32 level;
};

u32 vtel_cgroup_ids(struct vtel_cg_ent *e, u32 max);
unsigned int vtel_agg_order(const struct vtel_agg *a, int only,
			    u16 order[VTEL_MAX_REASONS]);
u32 vtel_cgroup_ids_max(void);
bool vtel_cg_in(const struct vtel_cg *cg, u64 id, u32 level);
bool vtel_cgroups_release(bool (*alive)(u64 id));
void vtel_table_set_cg_alive(bool (*alive)(u64 id));
int vtel_vm_by_pid(pid_t pid, u32 *vm_id);

/* Walks for the views; called under rcu_read_lock(). */
#define vtel_for_each_vm(vm) \
	list_for_each_entry_rcu(vm, &vtel_vms, node)
#define vtel_for_each_vcpu(vm, vc) \
	list_for_each_entry_rcu(vc, &(vm)->vcpus, vm_node)
#define vtel_for_each_cg(cg) \
	list_for_each_entry_rcu(cg, &vtel_cgs, node)

extern struct list_head vtel_vms;
extern struct list_head vtel_cgs;
extern u32 vtel_reset_gen;
extern struct vtel_pcpu __percpu *vtel_pcpu;
extern void (*vtel_table_changed)(void);
extern u64 vtel_slow_ns;

/*
 * The hot path, called from the probes with preemption disabled. The
 * vCPU record is found through a per-CPU one-entry cache; a miss (the
 * thread moved, or vCPUs share the CPU) costs one RCU hash lookup.
 */
static __always_inline struct vtel_vcpu *
vtel_vcpu_get(struct vtel_pcpu *pc, const void *vcpu_key, const void *vm_key,
	      u32 vcpu_id)
{
	struct vtel_vcpu *vc = pc->cache;

	if (likely(vc && vc->key == vcpu_key))
		return vc;
	vc = vtel_vcpu_lookup_slow(vcpu_key, vm_key, vcpu_id);
	pc->cache = vc;
	return vc;
}

/* Out of line: first use of a reason, and the lazy reset. */
u8 vtel_slot_new(struct vtel_seg *seg, unsigned int reason);
void vtel_seg_zero(struct vtel_seg *seg, u32 gen);
void vtel_pcpu_reset(struct vtel_pcpu *pc, u32 gen);

static __always_inline void vtel_sync(struct vtel_pcpu *pc,
				      struct vtel_vcpu *vc,
				      struct vtel_seg *seg)
{
	u32 gen = READ_ONCE(vtel_reset_gen);

	if (unlikely(pc->reset_gen != gen))
		vtel_pcpu_reset(pc, gen);
	if (unlikely(seg->reset_gen != gen)) {
		vtel_seg_zero(seg, gen);
		vc->pending = 0;
	}
}

/* kvm_exit: count the exit, add the guest time since the last entry. */
static __always_inline void vtel_account_exit(struct vtel_pcpu *pc,
					      struct vtel_vcpu *vc,
					      unsigned int reason, u64 now)
{
	struct vtel_seg *seg = vc ? vc->seg : NULL;
	u8 slot;

	if (unlikely(!seg)) {
		/* No record: counted per CPU only, never lost. */
		if (unlikely(pc->reset_gen != READ_ONCE(vtel_reset_gen)))
			vtel_pcpu_reset(pc, READ_ONCE(vtel_reset_gen));
		pc->exits++;
		pc->untracked_exits++;
		pc->untracked[reason]++;
		return;
	}
	vtel_sync(pc, vc, seg);
	pc->exits++;
	if (likely(vc->last_entry_ns && now > vc->last_entry_ns)) {
		u64 d = now - vc->last_entry_ns;

		seg->guest_ns += d;
		pc->guest_ns += d;
	}
	vc->last_exit_ns = now;
	vc->in_exit = true;
	seg->exits++;
	slot = seg->slot_of[reason];
	if (unlikely(!slot))
		slot = vtel_slot_new(seg, reason);
	if (likely(slot)) {
		seg->slot[slot - 1].count++;
	} else {
		seg->reason_overflow++;
		pc->untracked[reason]++;
	}
	vc->pending = slot;
}

/* kvm_entry: time the exit being handled. */
static __always_inline void vtel_account_entry(struct vtel_pcpu *pc,
					       struct vtel_vcpu *vc, u64 now)
{
	struct vtel_seg *seg;

	if (unlikely(!vc))
		return;
	seg = vc->seg;
	if (likely(seg && vc->in_exit)) {
		u64 d = now > vc->last_exit_ns ? now - vc->last_exit_ns : 0;

		vtel_sync(pc, vc, seg);
		if (likely(vc->pending))
			vtel_stats_time(&seg->slot[vc->pending - 1], d);
		seg->handling_ns += d;
		pc->handling_ns += d;
		if (unlikely(d > READ_ONCE(vtel_slow_ns)))
			seg->slow_exits++;
		vc->in_exit = false;
	}
	vc->last_entry_ns = now;
}

const struct vtel_limits *vtel_table_limits(void);

/* vtel_cgroup.c */
void vtel_cgroup_switch(struct vtel_vcpu *vc);
bool vtel_cgroup_alive(u64 id);
int vtel_cgroup_path(u64 id, char *buf, size_t len);
int vtel_cgroup_level(u64 id, u32 *level);
int vtel_cgroup_from_fd(int fd, u64 *id, u32 *level);

/* vtel_netlink.c */
int vtel_netlink_init(void);
void vtel_netlink_exit(void);
void vtel_netlink_sync(void);

/* vtel_debugfs.c */
int vtel_debugfs_init(void);
void vtel_debugfs_exit(void);
void vtel_debugfs_sync(void);

/* vtel_hook.c */
int vtel_hook_init(void);
void vtel_hook_exit(void);
bool vtel_hook_attached(void);
const char *vtel_hook_vendor(void);
u64 vtel_hook_layout_errors(void);

#endif /* _VTEL_H */
