/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state the record files share: the lock, the hashes, the pools, the
 * limits and counters, the reset generation, the per-CPU counters and the
 * request for maintenance (vtel_table_kick()).
 *
 * Locking:
 * - The hot path (vtel_account.h) writes only the vCPU's own record, its
 *   current segment and the current CPU's vtel_pcpu. No lock, no atomic.
 * - vtel_table.lock (raw, IRQ-safe) guards structure: the hashes, the
 *   lists, the pools and the counters. It is taken on a vCPU's first exit,
 *   when its thread changes cgroup, on VM destruction and by the worker;
 *   never per exit.
 * - vtel_table.fold_mutex serialises the readers that sum views with the
 *   things that move numbers: eviction (folding a VM into the host and
 *   cgroup totals), cgroup release and reset.
 * - Records are freed only by the worker, after synchronize_rcu(), once no
 *   hash, cache or list reaches them.
 */
#ifndef _VTEL_TABLE_H
#define _VTEL_TABLE_H

#include <linux/hash.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "vtel.h"
#include "vtel_pool.h"

struct vtel_table {
	/* Read by the hot path. */
	struct vtel_pcpu __percpu *pcpu;
	u32 reset_gen;

	/* Structure, under the lock. */
	raw_spinlock_t lock ____cacheline_aligned_in_smp;
	struct mutex fold_mutex;	/* views vs eviction, release, reset */
	struct vtel_limits lim;
	struct vtel_counters cnt;
	struct list_head vms;		/* every VM record, RCU */
	struct list_head cgs;		/* every cgroup record, RCU */
	struct hlist_head *vm_hash, *vcpu_hash, *cg_hash;
	unsigned int vm_bits, vcpu_bits, cg_bits;
	struct vtel_pool vm_pool, vcpu_pool, seg_pool, cg_pool;
	u32 next_vm_id;
	struct vtel_agg *evicted;	/* what evicted VMs left the host */
	/* vCPUs that found no record, each counted once; under the lock. */
	struct {
		const void *vcpu, *vm;
	} untracked[VTEL_UNTRACKED_KEYS];
	u32 nr_untracked;

	/* Maintenance: the worker's function, run on a kick and a tick. */
	bool live;
	int starved;			/* out of records; kicked once */
	int tick_due;			/* the next run is the periodic one */
	int fold_wanted;		/* a vCPU is at VTEL_VCPU_SEGS */
	u64 seen_gen;			/* generation the views last caught up on */
	struct work_struct work;
	struct delayed_work tick;
};

extern struct vtel_table vtel_table;

/* Bytes: one record of each kind as allocated, and everything held. */
struct vtel_memory {
	size_t vm, vcpu, seg, cg;
	size_t pcpu;			/* per possible CPU */
	size_t fixed;			/* hashes and the evicted totals */
	u64 total;			/* records in use and spare, included */
};

static inline struct hlist_head *vtel_table_bucket(struct hlist_head *h,
						   unsigned int bits, u64 key)
{
	return &h[hash_64(key, bits)];
}

int vtel_table_init(const struct vtel_limits *lim, work_func_t maintain);
void vtel_table_start(void);
void vtel_table_stop(void);
void vtel_table_exit(void);
bool vtel_table_refill(void);
bool vtel_table_pools_low(void);
void vtel_table_kick(void);
u32 vtel_table_records(void);

/*
 * Out of records: ask the worker once. It clears the flag when it made
 * room, so a host at its limits does not run the worker on every exit.
 */
static inline void vtel_table_starve(void)
{
	if (!READ_ONCE(vtel_table.starved) && !xchg(&vtel_table.starved, 1))
		vtel_table_kick();
}

/* Is a maintenance run already due? */
static inline bool vtel_table_kick_pending(void)
{
	return work_pending(&vtel_table.work);
}

void vtel_table_counters(struct vtel_counters *c);
void vtel_table_memory(struct vtel_memory *m);
const struct vtel_limits *vtel_table_limits(void);
void vtel_table_pcpu_reset(struct vtel_pcpu *pc, u32 gen);

#endif /* _VTEL_TABLE_H */
