// SPDX-License-Identifier: GPL-2.0
/*
 * VM, vCPU, segment and cgroup records: creation from pools, per-exit
 * accounting, retirement, eviction, reset and the summed views.
 *
 * Locking:
 * - The hot path (vtel_account_*) writes only the vCPU's own record, its
 *   current segment and the current CPU's vtel_pcpu. No lock, no atomic.
 * - vtel_lock (raw, IRQ-safe) guards structure: the hashes, the lists, the
 *   pools and the counters. It is taken on a vCPU's first exit, when its
 *   thread changes cgroup, on VM destruction and by the worker; never per
 *   exit.
 * - vtel_fold_mutex serialises the readers that sum views with the things
 *   that move numbers: eviction (folding a VM into the host and cgroup
 *   totals) and reset.
 * - Records are freed only by the worker, after synchronize_rcu(), once no
 *   hash, cache or list reaches them.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/sort.h>

#include "vtel.h"

LIST_HEAD(vtel_vms);
LIST_HEAD(vtel_cgs);
u32 vtel_reset_gen;
struct vtel_pcpu __percpu *vtel_pcpu;
void (*vtel_table_changed)(void);
u64 vtel_slow_ns = 1000000;

static DEFINE_RAW_SPINLOCK(vtel_lock);
static DEFINE_MUTEX(vtel_fold_mutex);
static struct vtel_limits vtel_lim;
static struct vtel_counters vtel_cnt;

static struct hlist_head *vtel_vm_hash;
static struct hlist_head *vtel_vcpu_hash;
static struct hlist_head *vtel_cg_hash;
static unsigned int vtel_vm_bits, vtel_vcpu_bits, vtel_cg_bits;

/* A pool of records of one kind: filled by the worker, used under lock. */
struct vtel_pool {
	struct list_head free;
	u32 nr_free;
	u32 records;		/* in use + free */
};

static struct vtel_pool vtel_vm_pool, vtel_vcpu_pool, vtel_seg_pool,
			vtel_cg_pool;
static u32 vtel_next_vm_id;

/* What evicted VMs contributed to the host view. */
static struct vtel_agg *vtel_evicted;

static void vtel_work_fn(struct work_struct *work);
static DECLARE_WORK(vtel_work, vtel_work_fn);
static bool vtel_table_live;

/* Removed cgroups and retired_secs are noticed by a periodic run. */
#define VTEL_TICK (5 * HZ)
static void vtel_tick_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vtel_tick, vtel_tick_fn);

static void *vtel_pool_get(struct vtel_pool *p, size_t offset)
{
	struct list_head *n;

	if (list_empty(&p->free))
		return NULL;
	n = p->free.next;
	list_del(n);
	p->nr_free--;
	return (char *)n - offset;
}

#define vtel_pool_take(p, type, member) \
	((type *)vtel_pool_get(p, offsetof(type, member)))

static struct hlist_head *vtel_bucket(struct hlist_head *h, unsigned int bits,
				      u64 key)
{
	return &h[hash_64(key, bits)];
}

static struct vtel_vm *vtel_vm_find(const void *key)
{
	struct vtel_vm *vm;

	hlist_for_each_entry_rcu(vm, vtel_bucket(vtel_vm_hash, vtel_vm_bits,
						 (unsigned long)key),
				 hnode, lockdep_is_held(&vtel_lock))
		if (vm->key == key)
			return vm;
	return NULL;
}

static struct vtel_vcpu *vtel_vcpu_find(const void *key)
{
	struct vtel_vcpu *vc;

	hlist_for_each_entry_rcu(vc, vtel_bucket(vtel_vcpu_hash, vtel_vcpu_bits,
						 (unsigned long)key),
				 hnode, lockdep_is_held(&vtel_lock))
		if (vc->key == key)
			return vc;
	return NULL;
}

static struct vtel_cg *vtel_cg_find(u64 id)
{
	struct vtel_cg *cg;

	hlist_for_each_entry_rcu(cg, vtel_bucket(vtel_cg_hash, vtel_cg_bits, id),
				 hnode, lockdep_is_held(&vtel_lock))
		if (cg->path.id == id)
			return cg;
	return NULL;
}

void vtel_table_kick(void)
{
	if (READ_ONCE(vtel_table_live))
		schedule_work(&vtel_work);
}

static void vtel_vm_name(struct vtel_vm *vm)
{
	struct vtel_vm *other;

	list_for_each_entry(other, &vtel_vms, node) {
		if (other->pid == vm->pid) {
			snprintf(vm->dir, sizeof(vm->dir), "%d.%u",
				 vm->pid, vm->id);
			return;
		}
	}
	snprintf(vm->dir, sizeof(vm->dir), "%d", vm->pid);
}

static struct vtel_vm *vtel_vm_create(const void *key)
{
	struct vtel_vm *vm = vtel_pool_take(&vtel_vm_pool, struct vtel_vm,
					    free_node);

	if (!vm)
		return NULL;
	vm->key = key;
	vm->id = ++vtel_next_vm_id;
	vm->pid = current->tgid;
	vm->state = VTEL_VM_STATE_LIVE;
	strscpy(vm->comm, current->group_leader->comm, sizeof(vm->comm));
	vtel_vm_name(vm);
	list_add_tail_rcu(&vm->node, &vtel_vms);
	hlist_add_head_rcu(&vm->hnode, vtel_bucket(vtel_vm_hash, vtel_vm_bits,
						   (unsigned long)key));
	vtel_cnt.vms_live++;
	return vm;
}

static bool vtel_pools_low(void)
{
	return vtel_vcpu_pool.nr_free < vtel_lim.spare_vcpus / 2 ||
	       vtel_seg_pool.nr_free < vtel_lim.spare_vcpus / 2 ||
	       vtel_vm_pool.nr_free < vtel_lim.spare_vms / 2 ||
	       vtel_cg_pool.nr_free < vtel_lim.spare_cgroups / 2;
}

/*
 * A vCPU's first exit or entry: find or create its record. Returns NULL
 * when the limits are reached; the caller then counts the exit as
 * untracked. Runs with preemption disabled.
 */
struct vtel_vcpu *vtel_vcpu_lookup_slow(const void *vcpu_key,
					const void *vm_key, u32 vcpu_id)
{
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;
	unsigned long flags;
	bool kick;

	rcu_read_lock();
	vc = vtel_vcpu_find(vcpu_key);
	vm = vc ? NULL : vtel_vm_find(vm_key);
	rcu_read_unlock();
	if (vc)
		return vc;

	/*
	 * Out of records: count the exit as untracked without taking the
	 * lock, and let the worker evict retired VMs or refill the pool.
	 */
	if (!READ_ONCE(vtel_vcpu_pool.nr_free) ||
	    (!vm && !READ_ONCE(vtel_vm_pool.nr_free))) {
		if (!work_pending(&vtel_work))
			vtel_table_kick();
		return NULL;
	}

	raw_spin_lock_irqsave(&vtel_lock, flags);
	vc = vtel_vcpu_find(vcpu_key);
	if (vc)
		goto out;

	vm = vtel_vm_find(vm_key);
	if (!vm) {
		vm = vtel_vm_create(vm_key);
		if (!vm) {
			vtel_cnt.untracked_vms++;
			goto out;
		}
	}
	vc = vtel_pool_take(&vtel_vcpu_pool, struct vtel_vcpu, free_node);
	if (!vc) {
		vtel_cnt.untracked_vcpus++;
		goto out;
	}
	vc->key = vcpu_key;
	vc->vm = vm;
	vc->vcpu_id = vcpu_id;
	vc->tid = current->pid;
	list_add_tail_rcu(&vc->vm_node, &vm->vcpus);
	hlist_add_head_rcu(&vc->hnode, vtel_bucket(vtel_vcpu_hash,
						   vtel_vcpu_bits,
						   (unsigned long)vcpu_key));
	vm->nr_vcpus++;
	vtel_cnt.vcpus++;
	vtel_cnt.generation++;
out:
	kick = vtel_pools_low() || !vc;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	if ((kick || (vc && !vc->seg)) && !work_pending(&vtel_work))
		vtel_table_kick();
	return vc;
}

static struct vtel_cg *vtel_cg_create(const struct vtel_cg_path *p)
{
	struct vtel_cg *cg = vtel_pool_take(&vtel_cg_pool, struct vtel_cg,
					    free_node);

	if (!cg) {
		vtel_cnt.untracked_cgroups++;
		return NULL;
	}
	cg->path = *p;
	cg->departed.reset_gen = READ_ONCE(vtel_reset_gen);
	cg->removed.reset_gen = READ_ONCE(vtel_reset_gen);
	list_add_tail_rcu(&cg->node, &vtel_cgs);
	hlist_add_head_rcu(&cg->hnode, vtel_bucket(vtel_cg_hash, vtel_cg_bits,
						   p->id));
	vtel_cnt.cgroups++;
	return cg;
}

/*
 * The vCPU's thread is in another cgroup than its current segment's:
 * start a new segment there. Exits so far stay with the old cgroup. If no
 * segment is free the old one keeps counting (cgroup_stale_exits) and this
 * is retried on the next exit; vtel_seg_available() lets callers skip
 * building the path meanwhile.
 */
bool vtel_seg_available(void)
{
	if (READ_ONCE(vtel_seg_pool.nr_free))
		return true;
	if (!work_pending(&vtel_work))
		vtel_table_kick();
	return false;
}

void vtel_vcpu_set_cgroup(struct vtel_vcpu *vc, const struct vtel_cg_path *p)
{
	struct vtel_seg *seg;
	struct vtel_cg *cg;
	unsigned long flags;

	if (!vtel_seg_available())
		return;
	raw_spin_lock_irqsave(&vtel_lock, flags);
	seg = vtel_pool_take(&vtel_seg_pool, struct vtel_seg, free_node);
	if (!seg) {
		vtel_cnt.seg_drops++;
		raw_spin_unlock_irqrestore(&vtel_lock, flags);
		return;
	}
	cg = vtel_cg_find(p->id);
	if (!cg)
		cg = vtel_cg_create(p);
	seg->reset_gen = READ_ONCE(vtel_reset_gen);
	seg->cg = cg;
	if (cg)
		list_add_tail_rcu(&seg->cg_node, &cg->segs);
	list_add_tail_rcu(&seg->vcpu_node, &vc->segs);
	vc->nr_segs++;
	vtel_cnt.segs++;
	vtel_cnt.generation++;
	/* A move ends the exit in flight: its time stays with the old one. */
	vc->in_exit = false;
	vc->pending = 0;
	WRITE_ONCE(vc->seg, seg);
	vc->cg_id = p->id;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	vtel_table_kick();
}

static void vtel_cache_forget(struct vtel_vm *vm)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vtel_pcpu *pc = per_cpu_ptr(vtel_pcpu, cpu);
		struct vtel_vcpu *vc = READ_ONCE(pc->cache);

		if (vc && vc->vm == vm)
			cmpxchg(&pc->cache, vc, NULL);
	}
}

/* Called when KVM destroys a VM: no vCPU of it runs any more. */
static void vtel_vm_retire_locked(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc;

	hlist_del_init_rcu(&vm->hnode);
	list_for_each_entry(vc, &vm->vcpus, vm_node)
		hlist_del_init_rcu(&vc->hnode);
	vtel_cache_forget(vm);
	vm->state = VTEL_VM_STATE_RETIRED;
	vm->retired_at = jiffies;
	vtel_cnt.vms_live--;
	vtel_cnt.vms_retired++;
	vtel_cnt.generation++;
}

void vtel_vm_retire(const void *vm_key)
{
	struct vtel_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_lock, flags);
	vm = vtel_vm_find(vm_key);
	if (vm)
		vtel_vm_retire_locked(vm);
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	if (vm)
		vtel_table_kick();
}

/* KVM is going away: every VM it had is gone. */
void vtel_retire_all(void)
{
	struct vtel_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_lock, flags);
	list_for_each_entry(vm, &vtel_vms, node)
		if (vm->state == VTEL_VM_STATE_LIVE)
			vtel_vm_retire_locked(vm);
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	vtel_table_kick();
}

/* A segment last zeroed before the latest reset reads as zero. */
static bool vtel_seg_current(const struct vtel_seg *seg)
{
	/* Pairs with vtel_seg_zero(): counters read after are zeroed. */
	return smp_load_acquire(&seg->reset_gen) == READ_ONCE(vtel_reset_gen);
}

static void vtel_totals_seg(const struct vtel_seg *seg, struct vtel_totals *t)
{
	if (!vtel_seg_current(seg))
		return;
	t->exits += READ_ONCE(seg->exits);
	t->handling_ns += READ_ONCE(seg->handling_ns);
	t->guest_ns += READ_ONCE(seg->guest_ns);
	t->slow_exits += READ_ONCE(seg->slow_exits);
	t->reason_overflow += READ_ONCE(seg->reason_overflow);
}

/* Adds one vCPU's totals; caller holds rcu_read_lock(). */
void vtel_totals_vcpu(const struct vtel_vcpu *vc, struct vtel_totals *t)
{
	const struct vtel_seg *seg;

	t->nr_vcpus++;
	list_for_each_entry_rcu(seg, &vc->segs, vcpu_node)
		vtel_totals_seg(seg, t);
}

/* Adds a VM's totals; caller holds rcu_read_lock(). */
void vtel_totals_vm(const struct vtel_vm *vm, struct vtel_totals *t)
{
	const struct vtel_vcpu *vc;

	list_for_each_entry_rcu(vc, &vm->vcpus, vm_node)
		vtel_totals_vcpu(vc, t);
}

/*
 * Adds a cgroup's own totals; caller holds rcu_read_lock(). Its vCPU count
 * is the vCPU segments it holds: vCPUs of live and retired VMs that ran in
 * it.
 */
void vtel_totals_cg(const struct vtel_cg *cg, struct vtel_totals *t)
{
	const struct vtel_seg *seg;

	list_for_each_entry_rcu(seg, &cg->segs, cg_node) {
		t->nr_vcpus++;
		vtel_totals_seg(seg, t);
	}
	vtel_totals_seg(&cg->departed, t);
}

/* Is @cg the cgroup @id at @level or one of its descendants? */
bool vtel_cg_in(const struct vtel_cg *cg, u64 id, u32 level)
{
	if (cg->path.id == id)
		return true;
	return level < VTEL_CG_DEPTH && cg->path.level > level &&
	       cg->path.ids[level] == id;
}

/* The newest VM of a process. */
int vtel_vm_by_pid(pid_t pid, u32 *vm_id)
{
	struct vtel_vm *vm;
	int err = -ENOENT;

	rcu_read_lock();
	vtel_for_each_vm(vm) {
		if (vm->pid == pid) {
			*vm_id = vm->id;
			err = 0;
		}
	}
	rcu_read_unlock();
	return err;
}

static void vtel_agg_add_seg(struct vtel_agg *a, const struct vtel_seg *seg)
{
	unsigned int i, n;

	vtel_totals_seg(seg, &a->t);
	if (!vtel_seg_current(seg))
		return;
	/* Pairs with vtel_slot_new(): slots below nr_slots are set up. */
	n = smp_load_acquire(&seg->nr_slots);
	for (i = 0; i < n; i++)
		vtel_stats_merge(&a->reason[seg->reason_of[i]], &seg->slot[i]);
}

static void vtel_agg_add_vcpu(struct vtel_agg *a, const struct vtel_vcpu *vc)
{
	const struct vtel_seg *seg;

	a->t.nr_vcpus++;
	list_for_each_entry_rcu(seg, &vc->segs, vcpu_node)
		vtel_agg_add_seg(a, seg);
}

static void vtel_agg_add_vm(struct vtel_agg *a, const struct vtel_vm *vm)
{
	const struct vtel_vcpu *vc;

	list_for_each_entry_rcu(vc, &vm->vcpus, vm_node)
		vtel_agg_add_vcpu(a, vc);
}

static void vtel_agg_add(struct vtel_agg *dst, const struct vtel_agg *src)
{
	unsigned int i;

	dst->t.exits += src->t.exits;
	dst->t.handling_ns += src->t.handling_ns;
	dst->t.guest_ns += src->t.guest_ns;
	dst->t.untracked_exits += src->t.untracked_exits;
	dst->t.reason_overflow += src->t.reason_overflow;
	dst->t.slow_exits += src->t.slow_exits;
	dst->t.cg_stale_exits += src->t.cg_stale_exits;
	for (i = 0; i < VTEL_MAX_REASONS; i++)
		vtel_stats_merge(&dst->reason[i], &src->reason[i]);
}

/* The exits of a CPU that no segment holds. */
static void vtel_agg_add_untracked(struct vtel_agg *a,
				   const struct vtel_pcpu *pc)
{
	unsigned int i;

	if (READ_ONCE(pc->reset_gen) != READ_ONCE(vtel_reset_gen))
		return;
	a->t.exits += READ_ONCE(pc->untracked_exits);
	a->t.untracked_exits += READ_ONCE(pc->untracked_exits);
	a->t.cg_stale_exits += READ_ONCE(pc->cg_stale_exits);
	for (i = 0; i < VTEL_MAX_REASONS; i++)
		a->reason[i].count += READ_ONCE(pc->untracked[i]);
}

/*
 * Host view: every VM record (live and retired), what evicted VMs left
 * behind, and the exits of vCPUs that had no record.
 */
int vtel_agg_host(struct vtel_agg *a)
{
	struct vtel_vm *vm;
	int cpu;

	memset(a, 0, sizeof(*a));
	mutex_lock(&vtel_fold_mutex);
	rcu_read_lock();
	vtel_for_each_vm(vm)
		vtel_agg_add_vm(a, vm);
	rcu_read_unlock();
	for_each_possible_cpu(cpu)
		vtel_agg_add_untracked(a, per_cpu_ptr(vtel_pcpu, cpu));
	if (vtel_evicted)
		vtel_agg_add(a, vtel_evicted);
	mutex_unlock(&vtel_fold_mutex);
	/* Evicted vCPUs are gone: count the tracked ones. */
	a->t.nr_vcpus = READ_ONCE(vtel_cnt.vcpus);
	return 0;
}

int vtel_agg_vm(struct vtel_agg *a, u32 vm_id)
{
	struct vtel_vm *vm;
	int err = -ENOENT;

	memset(a, 0, sizeof(*a));
	mutex_lock(&vtel_fold_mutex);
	rcu_read_lock();
	vtel_for_each_vm(vm) {
		if (vm->id == vm_id) {
			vtel_agg_add_vm(a, vm);
			err = 0;
			break;
		}
	}
	rcu_read_unlock();
	mutex_unlock(&vtel_fold_mutex);
	return err;
}

int vtel_agg_vcpu(struct vtel_agg *a, u32 vm_id, u32 vcpu_id)
{
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;
	int err = -ENOENT;

	memset(a, 0, sizeof(*a));
	mutex_lock(&vtel_fold_mutex);
	rcu_read_lock();
	vtel_for_each_vm(vm) {
		if (vm->id != vm_id)
			continue;
		vtel_for_each_vcpu(vm, vc) {
			if (vc->vcpu_id == vcpu_id) {
				vtel_agg_add_vcpu(a, vc);
				err = 0;
				break;
			}
		}
		break;
	}
	rcu_read_unlock();
	mutex_unlock(&vtel_fold_mutex);
	return err;
}

/*
 * A cgroup's view: its own segments and departed numbers, and with
 * @rollup those of every tracked descendant. -ENOENT if nothing is known
 * of it (a cgroup with no record and no tracked descendant is not an error
 * for a rollup: it reads as zero).
 */
int vtel_agg_cgroup(struct vtel_agg *a, u64 id, u32 level, bool rollup)
{
	const struct vtel_seg *seg;
	struct vtel_cg *cg;
	int err = rollup ? 0 : -ENOENT;

	memset(a, 0, sizeof(*a));
	mutex_lock(&vtel_fold_mutex);
	rcu_read_lock();
	vtel_for_each_cg(cg) {
		if (rollup ? !vtel_cg_in(cg, id, level) : cg->path.id != id)
			continue;
		list_for_each_entry_rcu(seg, &cg->segs, cg_node) {
			a->t.nr_vcpus++;
			vtel_agg_add_seg(a, seg);
		}
		vtel_agg_add_seg(a, &cg->departed);
		if (rollup)
			vtel_agg_add_seg(a, &cg->removed);
		err = 0;
	}
	rcu_read_unlock();
	mutex_unlock(&vtel_fold_mutex);
	return err;
}

/* Totals of a cgroup, alone or with its descendants. */
int vtel_totals_cgroup(u64 id, u32 level, bool rollup, struct vtel_totals *t)
{
	struct vtel_cg *cg;
	int err = rollup ? 0 : -ENOENT;

	mutex_lock(&vtel_fold_mutex);
	rcu_read_lock();
	vtel_for_each_cg(cg) {
		if (rollup ? !vtel_cg_in(cg, id, level) : cg->path.id != id)
			continue;
		vtel_totals_cg(cg, t);
		if (rollup)
			vtel_totals_seg(&cg->removed, t);
		err = 0;
	}
	rcu_read_unlock();
	mutex_unlock(&vtel_fold_mutex);
	return err;
}

static int vtel_cmp_cg_ent(const void *a, const void *b)
{
	u64 x = ((const struct vtel_cg_ent *)a)->id;
	u64 y = ((const struct vtel_cg_ent *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * The cgroups vCPU threads ran in and all their ancestors, by increasing
 * id, at most @max of them. Returns how many were written to @e.
 */
u32 vtel_cgroup_ids(struct vtel_cg_ent *e, u32 max)
{
	struct vtel_cg *cg;
	u32 i, n = 0, out = 0;

	rcu_read_lock();
	vtel_for_each_cg(cg) {
		u32 top = min_t(u32, cg->path.level, VTEL_CG_DEPTH - 1);

		for (i = 0; i <= top && n < max; i++) {
			e[n].id = i == cg->path.level ? cg->path.id :
				  cg->path.ids[i];
			e[n++].level = i;
		}
		if (cg->path.level >= VTEL_CG_DEPTH && n < max) {
			e[n].id = cg->path.id;
			e[n++].level = cg->path.level;
		}
	}
	rcu_read_unlock();
	sort(e, n, sizeof(*e), vtel_cmp_cg_ent, NULL);
	for (i = 0; i < n; i++)
		if (!out || e[out - 1].id != e[i].id)
			e[out++] = e[i];
	return out;
}

/* Room for every id vtel_cgroup_ids() can return. */
u32 vtel_cgroup_ids_max(void)
{
	return vtel_lim.max_cgroups * (VTEL_CG_DEPTH + 1);
}

static int vtel_cmp_count(const void *a, const void *b, const void *priv)
{
	const struct vtel_agg *agg = priv;
	u64 ca = agg->reason[*(const u16 *)a].count;
	u64 cb = agg->reason[*(const u16 *)b].count;

	if (ca != cb)
		return ca < cb ? 1 : -1;
	return *(const u16 *)a - *(const u16 *)b;
}

/*
 * The reasons of @a that saw exits, by decreasing count; with @only >= 0
 * just that one. Returns how many were written to @order.
 */
unsigned int vtel_agg_order(const struct vtel_agg *a, int only,
			    u16 order[VTEL_MAX_REASONS])
{
	unsigned int i, n = 0;

	for (i = 0; i < VTEL_MAX_REASONS; i++)
		if ((a->reason[i].count || a->reason[i].timed) &&
		    (only < 0 || only == i))
			order[n++] = i;
	sort_r(order, n, sizeof(order[0]), vtel_cmp_count, NULL, a);
	return n;
}

void vtel_counters(struct vtel_counters *c)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_lock, flags);
	*c = vtel_cnt;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
}

void vtel_seg_zero(struct vtel_seg *seg, u32 gen)
{
	seg->exits = 0;
	seg->guest_ns = 0;
	seg->handling_ns = 0;
	seg->reason_overflow = 0;
	seg->slow_exits = 0;
	seg->nr_slots = 0;
	memset(seg->slot_of, 0, sizeof(seg->slot_of));
	memset(seg->slot, 0, sizeof(seg->slot));
	/* Publish the zeroed counters before the generation readers check. */
	smp_store_release(&seg->reset_gen, gen);
}

/*
 * Reset is lazy: bumping the generation makes every record read as zero,
 * and each vCPU and CPU zeroes its own counters on its next event. Nothing
 * ever writes another CPU's or vCPU's hot counters.
 */
void vtel_reset(void)
{
	struct vtel_cg *cg;
	u32 gen;

	mutex_lock(&vtel_fold_mutex);
	gen = vtel_reset_gen + 1;
	if (vtel_evicted)
		memset(vtel_evicted, 0, sizeof(*vtel_evicted));
	/* Departed totals are written only under this mutex. */
	rcu_read_lock();
	vtel_for_each_cg(cg) {
		vtel_seg_zero(&cg->departed, gen);
		vtel_seg_zero(&cg->removed, gen);
	}
	rcu_read_unlock();
	WRITE_ONCE(vtel_reset_gen, gen);
	mutex_unlock(&vtel_fold_mutex);
}

void vtel_pcpu_reset(struct vtel_pcpu *pc, u32 gen)
{
	pc->exits = 0;
	pc->handling_ns = 0;
	pc->guest_ns = 0;
	pc->untracked_exits = 0;
	pc->cg_stale_exits = 0;
	memset(pc->untracked, 0, sizeof(pc->untracked));
	/* Publish the zeroed counters before the generation readers check. */
	smp_store_release(&pc->reset_gen, gen);
}

u8 vtel_slot_new(struct vtel_seg *seg, unsigned int reason)
{
	u8 slot = seg->nr_slots;

	if (slot >= VTEL_SEG_SLOTS)
		return 0;
	seg->reason_of[slot] = reason;
	seg->slot_of[reason] = slot + 1;
	/* Readers walk [0, nr_slots): publish the slot after its reason. */
	smp_store_release(&seg->nr_slots, slot + 1);
	return slot + 1;
}

/* Pools: allocated here in process context, consumed by the slow paths. */
struct vtel_pool_spec {
	struct vtel_pool *pool;
	size_t size;
	size_t free_node;
	u32 spare;
	u32 max;
};

static void *vtel_record_alloc(const struct vtel_pool_spec *s)
{
	void *p = kvzalloc(s->size, GFP_KERNEL);

	if (!p)
		return NULL;
	if (s->pool == &vtel_vm_pool) {
		struct vtel_vm *vm = p;

		INIT_LIST_HEAD(&vm->vcpus);
	} else if (s->pool == &vtel_vcpu_pool) {
		struct vtel_vcpu *vc = p;

		INIT_LIST_HEAD(&vc->segs);
	} else if (s->pool == &vtel_cg_pool) {
		struct vtel_cg *cg = p;

		INIT_LIST_HEAD(&cg->segs);
	}
	return p;
}

static void vtel_refill(void)
{
	const struct vtel_pool_spec specs[] = {
		{ &vtel_vm_pool, sizeof(struct vtel_vm),
		  offsetof(struct vtel_vm, free_node),
		  vtel_lim.spare_vms, vtel_lim.max_vms },
		{ &vtel_vcpu_pool, sizeof(struct vtel_vcpu),
		  offsetof(struct vtel_vcpu, free_node),
		  vtel_lim.spare_vcpus, vtel_lim.max_vcpus },
		{ &vtel_seg_pool, sizeof(struct vtel_seg),
		  offsetof(struct vtel_seg, free_node),
		  vtel_lim.spare_vcpus, vtel_lim.max_segs },
		{ &vtel_cg_pool, sizeof(struct vtel_cg),
		  offsetof(struct vtel_cg, free_node),
		  vtel_lim.spare_cgroups, vtel_lim.max_cgroups },
	};
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		const struct vtel_pool_spec *s = &specs[i];

		for (;;) {
			bool want;
			void *p;

			raw_spin_lock_irqsave(&vtel_lock, flags);
			want = s->pool->nr_free < s->spare &&
			       s->pool->records < s->max;
			raw_spin_unlock_irqrestore(&vtel_lock, flags);
			if (!want)
				break;
			p = vtel_record_alloc(s);
			if (!p)
				return;
			raw_spin_lock_irqsave(&vtel_lock, flags);
			list_add((struct list_head *)((char *)p + s->free_node),
				 &s->pool->free);
			s->pool->nr_free++;
			s->pool->records++;
			raw_spin_unlock_irqrestore(&vtel_lock, flags);
		}
	}
}

/* Adds @src into @dst, slot by slot; under vtel_fold_mutex. */
static void vtel_seg_fold(struct vtel_seg *dst, const struct vtel_seg *src)
{
	unsigned int i;

	if (!vtel_seg_current(src))
		return;
	/* A record created while a reset ran: bring it to this generation. */
	if (!vtel_seg_current(dst))
		vtel_seg_zero(dst, READ_ONCE(vtel_reset_gen));
	dst->exits += src->exits;
	dst->guest_ns += src->guest_ns;
	dst->handling_ns += src->handling_ns;
	dst->slow_exits += src->slow_exits;
	dst->reason_overflow += src->reason_overflow;
	for (i = 0; i < src->nr_slots; i++) {
		unsigned int r = src->reason_of[i];
		u8 slot = dst->slot_of[r];

		if (!slot)
			slot = vtel_slot_new(dst, r);
		if (slot)
			vtel_stats_merge(&dst->slot[slot - 1], &src->slot[i]);
		else
			dst->reason_overflow += src->slot[i].count;
	}
}

/* Moves an evicted VM's numbers to the host and cgroup totals. */
static void vtel_fold_vm(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc;
	struct vtel_seg *seg;

	if (vtel_evicted)
		vtel_agg_add_vm(vtel_evicted, vm);
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		list_for_each_entry(seg, &vc->segs, vcpu_node) {
			struct vtel_cg *cg = READ_ONCE(seg->cg);

			if (cg)
				vtel_seg_fold(&cg->departed, seg);
		}
	}
}

static void vtel_vm_free(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc, *tvc;
	struct vtel_seg *seg, *tseg;

	list_for_each_entry_safe(vc, tvc, &vm->vcpus, vm_node) {
		list_for_each_entry_safe(seg, tseg, &vc->segs, vcpu_node)
			kvfree(seg);
		kvfree(vc);
	}
	kvfree(vm);
}

/* Should the earliest retired VM go? Called under vtel_lock. */
static bool vtel_evict_due(struct vtel_vm *vm)
{
	if (vtel_cnt.vms_retired > vtel_lim.retired_vms)
		return true;
	if (vtel_lim.retired_secs &&
	    time_after(jiffies, (unsigned long)vm->retired_at +
		       vtel_lim.retired_secs * HZ))
		return true;
	/* Records are scarce: retired VMs make way for live ones. */
	if (!vtel_vcpu_pool.nr_free &&
	    vtel_vcpu_pool.records >= vtel_lim.max_vcpus)
		return true;
	if (!vtel_seg_pool.nr_free && vtel_seg_pool.records >= vtel_lim.max_segs)
		return true;
	if (!vtel_vm_pool.nr_free && vtel_vm_pool.records >= vtel_lim.max_vms)
		return true;
	return false;
}

static bool vtel_evict_one(void)
{
	struct vtel_vm *vm, *victim = NULL;
	struct vtel_vcpu *vc;
	struct vtel_seg *seg;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_lock, flags);
	list_for_each_entry(vm, &vtel_vms, node) {
		if (vm->state != VTEL_VM_STATE_RETIRED)
			continue;
		if (vtel_evict_due(vm))
			victim = vm;
		break;
	}
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	if (!victim)
		return false;

	/* Fold and unlink under the mutex so readers see one or the other. */
	mutex_lock(&vtel_fold_mutex);
	rcu_read_lock();
	vtel_fold_vm(victim);
	rcu_read_unlock();
	raw_spin_lock_irqsave(&vtel_lock, flags);
	list_del_rcu(&victim->node);
	list_for_each_entry(vc, &victim->vcpus, vm_node) {
		list_for_each_entry(seg, &vc->segs, vcpu_node) {
			if (seg->cg)
				list_del_rcu(&seg->cg_node);
			vtel_seg_pool.records--;
			vtel_cnt.segs--;
		}
	}
	vtel_cnt.vms_retired--;
	vtel_cnt.vcpus -= victim->nr_vcpus;
	vtel_cnt.evicted_vms++;
	vtel_cnt.generation++;
	vtel_vm_pool.records--;
	vtel_vcpu_pool.records -= victim->nr_vcpus;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	mutex_unlock(&vtel_fold_mutex);

	synchronize_rcu();
	vtel_vm_free(victim);
	return true;
}

/* The parent record of @cg, created if needed; under vtel_lock. */
static struct vtel_cg *vtel_cg_parent(const struct vtel_cg *cg)
{
	struct vtel_cg_path pp;
	struct vtel_cg *parent;

	if (!cg->path.level || cg->path.level > VTEL_CG_DEPTH)
		return NULL;
	pp = cg->path;
	pp.level--;
	pp.id = pp.ids[pp.level];
	parent = vtel_cg_find(pp.id);
	return parent ? parent : vtel_cg_create(&pp);
}

/*
 * Free the records of removed cgroups. @alive says whether a cgroup id
 * still exists. What a removed cgroup had moves to its parent's "removed"
 * total, so rollups keep it, as cpu.stat does; its segments stay with
 * their vCPUs for the VM views.
 */
bool vtel_cgroups_release(bool (*alive)(u64 id))
{
	struct vtel_cg *cg, *tmp, *parent;
	struct vtel_seg *seg, *tseg;
	unsigned long flags;
	LIST_HEAD(gone);
	u32 level;
	bool any = false;

	/*
	 * alive() may sleep: ask before locking. Only this worker frees
	 * cgroup records, so the list can be walked meanwhile.
	 */
	list_for_each_entry_rcu(cg, &vtel_cgs, node, true) {
		cg->gone = !alive(cg->path.id);
		any |= cg->gone;
	}
	if (!any)
		return false;

	mutex_lock(&vtel_fold_mutex);
	/* Deepest first, so a removed child folds into a removed parent. */
	for (level = VTEL_CG_DEPTH + 1; level-- > 0;) {
		raw_spin_lock_irqsave(&vtel_lock, flags);
		list_for_each_entry_safe(cg, tmp, &vtel_cgs, node) {
			if (!cg->gone || min_t(u32, cg->path.level,
					       VTEL_CG_DEPTH) != level)
				continue;
			parent = vtel_cg_parent(cg);
			if (parent) {
				vtel_seg_fold(&parent->removed, &cg->departed);
				vtel_seg_fold(&parent->removed, &cg->removed);
			}
			list_for_each_entry_safe(seg, tseg, &cg->segs,
						 cg_node) {
				if (parent)
					vtel_seg_fold(&parent->removed, seg);
				WRITE_ONCE(seg->cg, NULL);
				list_del_rcu(&seg->cg_node);
			}
			list_del_rcu(&cg->node);
			hlist_del_rcu(&cg->hnode);
			list_add(&cg->free_node, &gone);
			vtel_cnt.cgroups--;
			vtel_cnt.cgroups_released++;
			vtel_cnt.generation++;
			vtel_cg_pool.records--;
		}
		raw_spin_unlock_irqrestore(&vtel_lock, flags);
	}
	mutex_unlock(&vtel_fold_mutex);
	synchronize_rcu();
	list_for_each_entry_safe(cg, tmp, &gone, free_node)
		kvfree(cg);
	return true;
}

typedef void (*vtel_changed_fn)(void);
typedef bool (*vtel_alive_fn)(u64 id);

static vtel_alive_fn vtel_cg_alive;

/* The worker: evict what is due, refill the pools, tell the views. */
void vtel_table_maintain(void)
{
	vtel_changed_fn changed = READ_ONCE(vtel_table_changed);
	vtel_alive_fn alive = READ_ONCE(vtel_cg_alive);
	bool evicted = false;	/* or released */

	vtel_refill();
	/* Views and events see every VM before it can be evicted. */
	if (changed)
		changed();
	while (vtel_evict_one())
		evicted = true;
	if (alive && vtel_cgroups_release(alive))
		evicted = true;
	if (evicted && changed)
		changed();
}

static void vtel_work_fn(struct work_struct *work)
{
	vtel_table_maintain();
}

static void vtel_tick_fn(struct work_struct *work)
{
	if (!READ_ONCE(vtel_table_live))
		return;
	vtel_table_kick();
	schedule_delayed_work(&vtel_tick, VTEL_TICK);
}

void vtel_table_set_cg_alive(bool (*alive)(u64 id))
{
	vtel_cg_alive = alive;
}

const struct vtel_limits *vtel_table_limits(void)
{
	return &vtel_lim;
}

static void vtel_pool_init(struct vtel_pool *p)
{
	INIT_LIST_HEAD(&p->free);
	p->nr_free = 0;
	p->records = 0;
}

static struct hlist_head *vtel_hash_alloc(u32 n, unsigned int *bits)
{
	struct hlist_head *h;
	unsigned int i;

	*bits = ilog2(roundup_pow_of_two(max(n, 2U)));
	h = kvcalloc(1U << *bits, sizeof(*h), GFP_KERNEL);
	if (h)
		for (i = 0; i < (1U << *bits); i++)
			INIT_HLIST_HEAD(&h[i]);
	return h;
}

int vtel_table_init(const struct vtel_limits *lim)
{
	vtel_lim = *lim;
	vtel_lim.max_vms = max(vtel_lim.max_vms, 1U);
	vtel_lim.max_vcpus = max(vtel_lim.max_vcpus, 1U);
	vtel_lim.max_segs = max(vtel_lim.max_segs, vtel_lim.max_vcpus);
	vtel_lim.max_cgroups = max(vtel_lim.max_cgroups, 1U);
	vtel_lim.spare_vms = clamp(vtel_lim.spare_vms, 1U, vtel_lim.max_vms);
	vtel_lim.spare_vcpus = clamp(vtel_lim.spare_vcpus, 1U,
				     vtel_lim.max_vcpus);
	vtel_lim.spare_cgroups = clamp(vtel_lim.spare_cgroups, 1U,
				       vtel_lim.max_cgroups);
	memset(&vtel_cnt, 0, sizeof(vtel_cnt));
	vtel_next_vm_id = 0;
	vtel_reset_gen = 0;
	vtel_pool_init(&vtel_vm_pool);
	vtel_pool_init(&vtel_vcpu_pool);
	vtel_pool_init(&vtel_seg_pool);
	vtel_pool_init(&vtel_cg_pool);

	vtel_vm_hash = vtel_hash_alloc(vtel_lim.max_vms, &vtel_vm_bits);
	vtel_vcpu_hash = vtel_hash_alloc(vtel_lim.max_vcpus, &vtel_vcpu_bits);
	vtel_cg_hash = vtel_hash_alloc(vtel_lim.max_cgroups, &vtel_cg_bits);
	vtel_evicted = kvzalloc(sizeof(*vtel_evicted), GFP_KERNEL);
	vtel_pcpu = alloc_percpu(struct vtel_pcpu);
	if (!vtel_vm_hash || !vtel_vcpu_hash || !vtel_cg_hash ||
	    !vtel_evicted || !vtel_pcpu)
		goto err;

	vtel_refill();
	if (!vtel_vm_pool.nr_free || !vtel_vcpu_pool.nr_free ||
	    !vtel_seg_pool.nr_free || !vtel_cg_pool.nr_free)
		goto err;
	WRITE_ONCE(vtel_table_live, true);
	schedule_delayed_work(&vtel_tick, VTEL_TICK);
	return 0;
err:
	vtel_table_exit();
	return -ENOMEM;
}

/* Stop the worker; probes must be gone already. */
void vtel_table_stop(void)
{
	WRITE_ONCE(vtel_table_live, false);
	cancel_delayed_work_sync(&vtel_tick);
	cancel_work_sync(&vtel_work);
}

static void vtel_pool_free(struct vtel_pool *p, size_t free_node)
{
	struct list_head *n, *tmp;

	list_for_each_safe(n, tmp, &p->free)
		kvfree((char *)n - free_node);
	vtel_pool_init(p);
}

/* Called once nothing can reach the tables. */
void vtel_table_exit(void)
{
	struct vtel_vm *vm, *tvm;
	struct vtel_cg *cg, *tcg;

	vtel_table_stop();
	synchronize_rcu();
	list_for_each_entry_safe(vm, tvm, &vtel_vms, node) {
		list_del(&vm->node);
		vtel_vm_free(vm);
	}
	list_for_each_entry_safe(cg, tcg, &vtel_cgs, node) {
		list_del(&cg->node);
		kvfree(cg);
	}
	vtel_pool_free(&vtel_vm_pool, offsetof(struct vtel_vm, free_node));
	vtel_pool_free(&vtel_vcpu_pool, offsetof(struct vtel_vcpu, free_node));
	vtel_pool_free(&vtel_seg_pool, offsetof(struct vtel_seg, free_node));
	vtel_pool_free(&vtel_cg_pool, offsetof(struct vtel_cg, free_node));
	free_percpu(vtel_pcpu);
	vtel_pcpu = NULL;
	kvfree(vtel_evicted);
	vtel_evicted = NULL;
	kvfree(vtel_cg_hash);
	vtel_cg_hash = NULL;
	kvfree(vtel_vcpu_hash);
	vtel_vcpu_hash = NULL;
	kvfree(vtel_vm_hash);
	vtel_vm_hash = NULL;
}
