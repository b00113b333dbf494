// SPDX-License-Identifier: GPL-2.0
/*
 * The shared table state (see vtel_table.h for the locking), its pools,
 * and the request for maintenance: vtel_table_kick() and a periodic tick
 * run the function the worker gave vtel_table_init().
 */
#include <linux/build_bug.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vtel_alloc.h"
#include "vtel_table.h"

struct vtel_table vtel_table = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(vtel_table.lock),
	.fold_mutex = __MUTEX_INITIALIZER(vtel_table.fold_mutex),
	.vms = LIST_HEAD_INIT(vtel_table.vms),
	.cgs = LIST_HEAD_INIT(vtel_table.cgs),
};

/* Removed cgroups and retired_secs are noticed by a periodic run. */
#define VTEL_TICK (5 * HZ)

void notrace vtel_table_kick(void)
{
	if (READ_ONCE(vtel_table.live))
		schedule_work(&vtel_table.work);
}

static void vtel_table_tick_fn(struct work_struct *work)
{
	if (!READ_ONCE(vtel_table.live))
		return;
	WRITE_ONCE(vtel_table.tick_due, 1);
	vtel_table_kick();
	schedule_delayed_work(&vtel_table.tick, VTEL_TICK);
}

void vtel_table_counters(struct vtel_counters *c)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	*c = vtel_table.cnt;
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
}

/*
 * A vCPU record with @rows port/page rows. It holds the vCPU's first
 * segment, so that a tracked vCPU is one 16 KiB kmalloc object at the
 * default max_addrs (issue 13); up to 11 rows fit, a larger max_addrs
 * makes it 32 KiB (summary's mem_vcpu_record says so).
 */
#define VTEL_VCPU_SIZE(rows) \
	(sizeof(struct vtel_vcpu) + (rows) * sizeof(struct vtel_addr_ent))
static_assert(VTEL_VCPU_SIZE(VTEL_ADDRS_DEFAULT) <= SZ_16K);

/* A record as kvzalloc() allocates it: rounded up to its slab or pages. */
static size_t vtel_alloc_size(size_t size)
{
	return kmalloc_size_roundup(size);
}

/* The module's memory: records as allocated, per-CPU and fixed state. */
void vtel_table_memory(struct vtel_memory *m)
{
	struct vtel_table *t = &vtel_table;
	unsigned long flags;

	m->vm = vtel_alloc_size(t->vm_pool.size);
	m->vcpu = vtel_alloc_size(t->vcpu_pool.size);
	m->seg = vtel_alloc_size(t->seg_pool.size);
	m->cg = vtel_alloc_size(t->cg_pool.size);
	m->pcpu = sizeof(struct vtel_pcpu);
	m->fixed = vtel_alloc_size((sizeof(struct hlist_head) <<
				    t->vm_bits)) +
		   vtel_alloc_size((sizeof(struct hlist_head) <<
				    t->vcpu_bits)) +
		   vtel_alloc_size((sizeof(struct hlist_head) << t->cg_bits)) +
		   vtel_alloc_size(sizeof(*t->evicted));
	raw_spin_lock_irqsave(&t->lock, flags);
	m->total = (u64)t->vm_pool.records * m->vm +
		   (u64)t->vcpu_pool.records * m->vcpu +
		   (u64)t->seg_pool.records * m->seg +
		   (u64)t->cg_pool.records * m->cg;
	raw_spin_unlock_irqrestore(&t->lock, flags);
	m->total += (u64)m->pcpu * num_possible_cpus() + m->fixed;
}

const struct vtel_limits *vtel_table_limits(void)
{
	return &vtel_table.lim;
}

void notrace vtel_table_pcpu_reset(struct vtel_pcpu *pc, u32 gen)
{
	pc->exits = 0;
	pc->handling_ns = 0;
	pc->guest_ns = 0;
	pc->split = (struct vtel_split){};
	pc->slow_exits = 0;
	pc->reason_overflow = 0;
	pc->untracked_exits = 0;
	pc->cg_stale_exits = 0;
	memset(pc->untracked, 0, sizeof(pc->untracked));
	/* Publish the zeroed counters before the generation readers check. */
	smp_store_release(&pc->reset_gen, gen);
}

/* Records allocated in every pool; the worker alone changes this. */
u32 vtel_table_records(void)
{
	return READ_ONCE(vtel_table.vm_pool.records) +
	       READ_ONCE(vtel_table.vcpu_pool.records) +
	       READ_ONCE(vtel_table.seg_pool.records) +
	       READ_ONCE(vtel_table.cg_pool.records);
}

/* Some pool is below half its spare records; under the lock. */
bool notrace vtel_table_pools_low(void)
{
	return vtel_pool_low(&vtel_table.vcpu_pool) ||
	       vtel_pool_low(&vtel_table.seg_pool) ||
	       vtel_pool_low(&vtel_table.vm_pool) ||
	       vtel_pool_low(&vtel_table.cg_pool);
}

/* Tops up every pool; stops at the first allocation that fails. */
bool vtel_table_refill(void)
{
	struct vtel_pool *const pools[] = {
		&vtel_table.vm_pool, &vtel_table.vcpu_pool,
		&vtel_table.seg_pool, &vtel_table.cg_pool,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pools); i++)
		if (!vtel_pool_refill(pools[i]))
			return false;
	return true;
}

static void vtel_vm_ctor(void *rec)
{
	struct vtel_vm *vm = rec;

	INIT_LIST_HEAD(&vm->vcpus);
}

static void vtel_vcpu_ctor(void *rec)
{
	struct vtel_vcpu *vc = rec;

	INIT_LIST_HEAD(&vc->segs);
}

static void vtel_cg_ctor(void *rec)
{
	struct vtel_cg *cg = rec;

	INIT_LIST_HEAD(&cg->segs);
}

static struct hlist_head *vtel_hash_alloc(u32 n, unsigned int *bits)
{
	struct hlist_head *h;
	unsigned int i;

	*bits = ilog2(roundup_pow_of_two(max(n, 2U)));
	h = vtel_kvcalloc(1U << *bits, sizeof(*h), GFP_KERNEL);
	if (h)
		for (i = 0; i < (1U << *bits); i++)
			INIT_HLIST_HEAD(&h[i]);
	return h;
}

/*
 * Allocates the state for @lim with empty pools; @maintain is what a kick
 * runs. vtel_table_start() lets kicks run it.
 */
int vtel_table_init(const struct vtel_limits *lim, work_func_t maintain)
{
	struct vtel_table *t = &vtel_table;
	struct vtel_limits *l = &t->lim;

	INIT_WORK(&t->work, maintain);
	INIT_DELAYED_WORK(&t->tick, vtel_table_tick_fn);
	*l = *lim;
	l->max_vms = max(l->max_vms, 1U);
	l->max_vcpus = max(l->max_vcpus, 1U);
	/* Each vCPU record holds one segment: the pool has the rest, >= 1. */
	l->max_segs = max(l->max_segs, l->max_vcpus + 1);
	l->max_cgroups = max(l->max_cgroups, 1U);
	l->spare_vms = clamp(l->spare_vms, 1U, l->max_vms);
	l->spare_vcpus = clamp(l->spare_vcpus, 1U, l->max_vcpus);
	l->spare_cgroups = clamp(l->spare_cgroups, 1U, l->max_cgroups);
	l->max_addrs = min_t(u32, l->max_addrs, VTEL_ADDRS_MAX);
	memset(&t->cnt, 0, sizeof(t->cnt));
	memset(t->untracked, 0, sizeof(t->untracked));
	t->nr_untracked = 0;
	t->starved = 0;
	t->tick_due = 0;
	t->fold_wanted = 0;
	t->seen_gen = U64_MAX;
	t->next_vm_id = 0;
	t->reset_gen = 0;
	vtel_pool_init(&t->vm_pool, sizeof(struct vtel_vm),
		       offsetof(struct vtel_vm, free_node), vtel_vm_ctor,
		       l->spare_vms, l->max_vms, &t->lock);
	vtel_pool_init(&t->vcpu_pool, VTEL_VCPU_SIZE(l->max_addrs),
		       offsetof(struct vtel_vcpu, free_node), vtel_vcpu_ctor,
		       l->spare_vcpus, l->max_vcpus, &t->lock);
	vtel_pool_init(&t->seg_pool, sizeof(struct vtel_seg),
		       offsetof(struct vtel_seg, free_node), NULL,
		       l->spare_vcpus, l->max_segs - l->max_vcpus, &t->lock);
	vtel_pool_init(&t->cg_pool, sizeof(struct vtel_cg),
		       offsetof(struct vtel_cg, free_node), vtel_cg_ctor,
		       l->spare_cgroups, l->max_cgroups, &t->lock);

	t->vm_hash = vtel_hash_alloc(l->max_vms, &t->vm_bits);
	t->vcpu_hash = vtel_hash_alloc(l->max_vcpus, &t->vcpu_bits);
	t->cg_hash = vtel_hash_alloc(l->max_cgroups, &t->cg_bits);
	t->evicted = vtel_kvzalloc(sizeof(*t->evicted), GFP_KERNEL);
	t->pcpu = vtel_alloc_percpu(struct vtel_pcpu);
	if (!t->vm_hash || !t->vcpu_hash || !t->cg_hash || !t->evicted ||
	    !t->pcpu) {
		vtel_table_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Kicks and the tick run the maintenance from now on. */
void vtel_table_start(void)
{
	WRITE_ONCE(vtel_table.live, true);
	schedule_delayed_work(&vtel_table.tick, VTEL_TICK);
}

/* Stop the maintenance; probes must be gone already. */
void vtel_table_stop(void)
{
	WRITE_ONCE(vtel_table.live, false);
	cancel_delayed_work_sync(&vtel_table.tick);
	cancel_work_sync(&vtel_table.work);
}

/* Frees the state; stopped, and the records are freed already. */
void vtel_table_exit(void)
{
	struct vtel_table *t = &vtel_table;

	vtel_pool_destroy(&t->vm_pool);
	vtel_pool_destroy(&t->vcpu_pool);
	vtel_pool_destroy(&t->seg_pool);
	vtel_pool_destroy(&t->cg_pool);
	free_percpu(t->pcpu);
	t->pcpu = NULL;
	kvfree(t->evicted);
	t->evicted = NULL;
	kvfree(t->cg_hash);
	t->cg_hash = NULL;
	kvfree(t->vcpu_hash);
	t->vcpu_hash = NULL;
	kvfree(t->vm_hash);
	t->vm_hash = NULL;
}
