// SPDX-License-Identifier: GPL-2.0
/*
 * VM and vCPU records, taken from their pools on a vCPU's first exit or
 * entry, retired when KVM destroys the VM, unlinked and freed by the
 * worker when evicted.
 */
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "vtel_cg.h"
#include "vtel_seg.h"
#include "vtel_vm.h"
#include "vtel_trace.h"

/* A VM KVM is destroying is no longer found: its key may come back. */
static notrace struct vtel_vm *vtel_vm_find(const void *key)
{
	struct vtel_vm *vm;

	hlist_for_each_entry_rcu(vm, vtel_table_bucket(vtel_table.vm_hash,
						       vtel_table.vm_bits,
						       (unsigned long)key),
				 hnode, lockdep_is_held(&vtel_table.lock))
		if (vm->key == key && !READ_ONCE(vm->dying))
			return vm;
	return NULL;
}

/*
 * Keyed by both pointers: a recycled struct kvm_vcpu is a new vCPU. A NULL
 * @vm_key matches any VM (callers that have only the vCPU).
 */
static notrace struct vtel_vcpu *vtel_vcpu_find(const void *key, const void *vm_key)
{
	struct vtel_vcpu *vc;

	hlist_for_each_entry_rcu(vc, vtel_table_bucket(vtel_table.vcpu_hash,
						       vtel_table.vcpu_bits,
						       (unsigned long)key),
				 hnode, lockdep_is_held(&vtel_table.lock))
		if (vc->key == key && (!vm_key || vc->vm_key == vm_key) &&
		    !READ_ONCE(vc->vm->dying))
			return vc;
	return NULL;
}

/* A vCPU's record if vtel has one (a live vCPU), else NULL; never creates. */
notrace struct vtel_vcpu *vtel_vm_find_vcpu(const void *vcpu_key)
{
	struct vtel_vcpu *vc;

	rcu_read_lock();
	vc = vtel_vcpu_find(vcpu_key, NULL);
	rcu_read_unlock();
	return vc;
}

/*
 * vCPUs that found no record, remembered so that untracked_vcpus and
 * untracked_vms count each once, not each exit. Under the lock.
 */
static int notrace vtel_untracked_find(const void *vcpu_key, const void *vm_key)
{
	u32 i;

	for (i = 0; i < VTEL_UNTRACKED_KEYS; i++)
		if (vtel_table.untracked[i].vcpu == vcpu_key &&
		    (!vm_key || vtel_table.untracked[i].vm == vm_key))
			return i;
	return -1;
}

static bool notrace vtel_untracked_vm_known(const void *vm_key)
{
	u32 i;

	for (i = 0; i < VTEL_UNTRACKED_KEYS; i++)
		if (vtel_table.untracked[i].vcpu &&
		    vtel_table.untracked[i].vm == vm_key)
			return true;
	return false;
}

static void notrace vtel_untracked_note(const void *vcpu_key, const void *vm_key,
					bool vm_tracked)
{
	int i;

	if (vtel_untracked_find(vcpu_key, vm_key) >= 0)
		return;
	if (!vm_tracked && !vtel_untracked_vm_known(vm_key))
		vtel_table.cnt.untracked_vms++;
	vtel_table.cnt.untracked_vcpus++;
	/* Full: later ones are counted on each sighting instead. */
	i = vtel_untracked_find(NULL, NULL);
	if (i < 0)
		return;
	vtel_table.untracked[i].vcpu = vcpu_key;
	vtel_table.untracked[i].vm = vm_key;
	vtel_table.nr_untracked++;
}

/* @vm_key's vCPUs (or one vCPU) got a record or went away. */
static void notrace vtel_untracked_forget(const void *vcpu_key, const void *vm_key)
{
	u32 i;

	if (!vtel_table.nr_untracked)
		return;
	for (i = 0; i < VTEL_UNTRACKED_KEYS; i++) {
		if (!vtel_table.untracked[i].vcpu ||
		    vtel_table.untracked[i].vm != vm_key ||
		    (vcpu_key && vtel_table.untracked[i].vcpu != vcpu_key))
			continue;
		vtel_table.untracked[i].vcpu = NULL;
		vtel_table.untracked[i].vm = NULL;
		vtel_table.nr_untracked--;
	}
}

static void notrace vtel_vm_name(struct vtel_vm *vm)
{
	struct vtel_vm *other;

	list_for_each_entry(other, &vtel_table.vms, node) {
		if (other->pid == vm->pid) {
			snprintf(vm->dir, sizeof(vm->dir), "%d.%u",
				 vm->pid, vm->id);
			return;
		}
	}
	snprintf(vm->dir, sizeof(vm->dir), "%d", vm->pid);
}

static notrace struct vtel_vm *vtel_vm_create(const void *key)
{
	struct vtel_vm *vm = vtel_pool_get(&vtel_table.vm_pool);

	if (!vm)
		return NULL;
	vm->key = key;
	vm->id = ++vtel_table.next_vm_id;
	vm->pid = current->tgid;
	vm->state = VTEL_VM_STATE_LIVE;
	strscpy(vm->comm, current->group_leader->comm, sizeof(vm->comm));
	vtel_vm_name(vm);
	list_add_tail_rcu(&vm->node, &vtel_table.vms);
	hlist_add_head_rcu(&vm->hnode, vtel_table_bucket(vtel_table.vm_hash,
							 vtel_table.vm_bits,
							 (unsigned long)key));
	vtel_table.cnt.vms_live++;
	trace_vtel_vm_start(vm->pid, vm->id, vm->comm);
	return vm;
}

/*
 * A vCPU's first exit or entry: find or create its record. Returns NULL
 * when the limits are reached; the caller then counts the exit as
 * untracked. Runs with preemption disabled.
 */
static void vtel_vm_retire_locked(struct vtel_vm *vm);
static void vtel_cache_forget(struct vtel_vm *vm);

/* Is @vc the vCPU the current thread runs, not a dead VMM's? */
static bool notrace vtel_vcpu_owned(const struct vtel_vcpu *vc)
{
	return vc->vm->pid == current->tgid;
}

notrace struct vtel_vcpu *vtel_vm_lookup_vcpu(const void *vcpu_key, const void *vm_key,
					      u32 vcpu_id, const void *untracked)
{
	struct vtel_vm *vm, *stale = NULL;
	struct vtel_vcpu *vc;
	unsigned long flags;
	bool kick, no_room;

	rcu_read_lock();
	vc = vtel_vcpu_find(vcpu_key, vm_key);
	vm = vc ? NULL : vtel_vm_find(vm_key);
	rcu_read_unlock();
	if (vc && vtel_vcpu_owned(vc) && vc->tid == current->pid)
		return vc;

	/*
	 * Out of records: count the exit as untracked without taking the
	 * lock, and let the worker evict retired VMs or refill the pool.
	 */
	no_room = !vtel_pool_has_free(&vtel_table.vcpu_pool) ||
		  (!vm && !vtel_pool_has_free(&vtel_table.vm_pool));
	/* The per-CPU memo: this vCPU was counted as untracked already. */
	if (no_room && READ_ONCE(vtel_table.nr_untracked) &&
	    untracked == vcpu_key) {
		vtel_table_starve();
		return NULL;
	}

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	vc = vtel_vcpu_find(vcpu_key, vm_key);
	if (vc && !vtel_vcpu_owned(vc) && vc->vm->state == VTEL_VM_STATE_LIVE) {
		/*
		 * Another process runs it: KVM destroyed the VM without the
		 * kprobe seeing it (disarmed), and its struct kvm and
		 * kvm_vcpu were reused. The old VM ends here.
		 */
		stale = vc->vm;
		vtel_vm_retire_locked(stale);
		vc = NULL;
	}
	if (vc) {
		/* The same VMM runs the vCPU from another thread now. */
		WRITE_ONCE(vc->tid, current->pid);
		goto out;
	}

	vm = vtel_vm_find(vm_key);
	if (!vm)
		vm = vtel_vm_create(vm_key);
	vc = vm ? vtel_pool_get(&vtel_table.vcpu_pool) : NULL;
	if (!vc) {
		vtel_untracked_note(vcpu_key, vm_key, !!vm);
		goto out;
	}
	vtel_untracked_forget(vcpu_key, vm_key);
	vc->key = vcpu_key;
	vc->vm_key = vm_key;
	vc->vm = vm;
	vc->vcpu_id = vcpu_id;
	vc->tid = current->pid;
	list_add_tail_rcu(&vc->vm_node, &vm->vcpus);
	hlist_add_head_rcu(&vc->hnode, vtel_table_bucket(vtel_table.vcpu_hash,
							 vtel_table.vcpu_bits,
							 (unsigned long)vcpu_key));
	vm->nr_vcpus++;
	vtel_table.cnt.vcpus++;
	vtel_table.cnt.generation++;
out:
	kick = vc && vtel_table_pools_low();
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	if (stale) {
		vtel_cache_forget(stale);
		vtel_table_kick();
	}
	if (!vc)
		vtel_table_starve();
	else if (kick && !vtel_table_kick_pending())
		vtel_table_kick();
	return vc;
}

/*
 * Is @seg the segment in @vc's own record? It is never a seg_pool record:
 * it is neither freed nor forgotten, and a fold keeps it (the elsewhere
 * segment if need be).
 */
static inline bool vtel_vm_seg_first(const struct vtel_vcpu *vc,
				     const struct vtel_seg *seg)
{
	return seg == &vc->first;
}

/* The segment of @vc for cgroup @id, if any; under RCU or the lock. */
static notrace struct vtel_seg *vtel_vm_seg_of(const struct vtel_vcpu *vc, u64 id)
{
	struct vtel_seg *seg;

	list_for_each_entry_rcu(seg, &vc->segs, vcpu_node,
				lockdep_is_held(&vtel_table.lock))
		if (seg->cg_id == id)
			return seg;
	return NULL;
}

/*
 * The vCPU's thread is in cgroup @id, which its current segment is not
 * counting for with a cgroup record: can vtel_vm_set_cgroup() change that
 * now? Lock-free and cheap, so that while nothing can change (no segment
 * or cgroup record free) the path is not built on every exit.
 */
bool notrace vtel_vm_cgroup_wanted(const struct vtel_vcpu *vc, u64 id)
{
	const struct vtel_seg *seg = READ_ONCE(vc->seg);
	bool reuse;

	/* The first cgroup: the segment in the record is free. */
	if (!seg)
		return true;
	/* Its own segment, which found no cgroup record: retry. */
	if (seg && seg->cg_id == id)
		return vtel_pool_has_free(&vtel_table.cg_pool);
	rcu_read_lock();
	reuse = vtel_vm_seg_of(vc, id);
	rcu_read_unlock();
	if (reuse)
		return true;
	if (READ_ONCE(vc->nr_segs) >= VTEL_VCPU_SEGS) {
		/* The worker folds the oldest; ask once. */
		if (!READ_ONCE(vtel_table.fold_wanted) &&
		    !xchg(&vtel_table.fold_wanted, 1))
			vtel_table_kick();
		return false;
	}
	if (vtel_pool_has_free(&vtel_table.seg_pool))
		return true;
	vtel_table_starve();
	return false;
}

/* The lazy reset of a vCPU's port and MMIO page table, on its thread. */
void notrace vtel_vm_addr_reset(struct vtel_vcpu *vc, u32 gen)
{
	vtel_addr_zero(&vc->addrs);
	/* Publish the empty table before the generation readers check. */
	smp_store_release(&vc->addr_gen, gen);
}

/*
 * Count the exits of @vc, whose thread is in cgroup @p, in its segment
 * for @p: the one it had there before, or a new one. Exits so far stay
 * with the old segment. The first cgroup takes the segment in the
 * vCPU's record, later ones the pool's. If none can be had the old one
 * keeps counting (cgroup_stale_exits). A segment whose cgroup found no
 * record gets one as soon as one is free. Called when
 * vtel_vm_cgroup_wanted() said so.
 */
void notrace vtel_vm_set_cgroup(struct vtel_vcpu *vc, const struct vtel_cg_path *p)
{
	struct vtel_seg *seg;
	unsigned long flags;
	bool changed = false;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	seg = vtel_vm_seg_of(vc, p->id);
	if (!seg && !vc->seg) {
		seg = &vc->first;
	} else if (!seg && vc->nr_segs < VTEL_VCPU_SEGS) {
		seg = vtel_pool_get(&vtel_table.seg_pool);
		if (!seg)
			vtel_table.cnt.seg_drops++;
	}
	if (!seg) {
		raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
		return;
	}
	if (!seg->cg_id) {
		seg->reset_gen = READ_ONCE(vtel_table.reset_gen);
		seg->cg_id = p->id;
		list_add_tail_rcu(&seg->vcpu_node, &vc->segs);
		vc->nr_segs++;
		vtel_table.cnt.segs++;
		vtel_table.cnt.generation++;
		changed = true;
	}
	if (!seg->cg) {
		struct vtel_cg *cg = vtel_cg_get(p);

		if (cg) {
			list_add_tail_rcu(&seg->cg_node, &cg->segs);
			WRITE_ONCE(seg->cg, cg);
			changed = true;
		}
	}
	if (vc->seg != seg) {
		/* A move ends the exit in flight: its time stays behind. */
		vc->in_exit = false;
		vc->pending = 0;
		vc->detail = 0;
		WRITE_ONCE(vc->seg, seg);
	}
	/* 0 until the segment has its cgroup record: the probe retries. */
	vc->cg_id = seg->cg ? p->id : 0;
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	if (changed)
		vtel_table_kick();
}

/* An exit of @vc, whose thread is in cgroup @id, counted elsewhere? */
void notrace vtel_vm_count_stale(struct vtel_pcpu *pc, const struct vtel_vcpu *vc,
				 u64 id)
{
	if (vc->seg && vc->seg->cg_id != id)
		pc->cg_stale_exits++;
}

/*
 * Worker: a vCPU at VTEL_VCPU_SEGS segments folds its oldest into its
 * "elsewhere" segment (cg_id 0, never current), after adding it to its
 * cgroup's departed total: the VM and the cgroup views keep every exit.
 * The first fold turns the oldest into that segment. The segment in the
 * vCPU's record is never freed: when it is the oldest, the elsewhere
 * segment folds into it instead and is freed, and it becomes that segment.
 */
static bool vtel_vm_fold_one(struct vtel_vcpu *vc, struct list_head *freed)
{
	struct vtel_seg *seg, *oldest = NULL, *rest = NULL;
	struct vtel_cg *cg;
	unsigned long flags;
	bool swap;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	list_for_each_entry(seg, &vc->segs, vcpu_node) {
		if (!seg->cg_id)
			rest = seg;
		else if (!oldest && seg != vc->seg)
			oldest = seg;
	}
	if (oldest) {
		list_del_rcu(&oldest->vcpu_node);
		if (oldest->cg)
			list_del_rcu(&oldest->cg_node);
	}
	swap = oldest && rest && vtel_vm_seg_first(vc, oldest);
	if (swap)
		list_del_rcu(&rest->vcpu_node);
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	if (!oldest)
		return false;
	/* Only this worker writes departed and the elsewhere segment. */
	cg = oldest->cg;
	if (cg)
		vtel_seg_fold(&cg->departed, oldest);
	if (swap)
		vtel_seg_fold(oldest, rest);
	else if (rest)
		vtel_seg_fold(rest, oldest);
	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	if (rest) {
		vc->nr_segs--;
		vtel_table.cnt.segs--;
		vtel_pool_forget(&vtel_table.seg_pool, 1);
		list_add(swap ? &rest->free_node : &oldest->free_node, freed);
	}
	if (!rest || swap) {
		oldest->cg = NULL;
		oldest->cg_id = 0;
		/* Re-linked below: no reader may still be on its old place. */
		raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
		synchronize_rcu();
		raw_spin_lock_irqsave(&vtel_table.lock, flags);
		list_add_rcu(&oldest->vcpu_node, &vc->segs);
	}
	vtel_table.cnt.seg_folds++;
	vtel_table.cnt.generation++;
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	return true;
}

bool vtel_vm_fold_segs(void)
{
	struct vtel_seg *seg, *tmp;
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;
	LIST_HEAD(freed);
	bool any = false;

	if (!xchg(&vtel_table.fold_wanted, 0))
		return false;
	mutex_lock(&vtel_table.fold_mutex);
	/* Only this worker unlinks VMs and vCPUs. */
	list_for_each_entry_rcu(vm, &vtel_table.vms, node, true)
		list_for_each_entry_rcu(vc, &vm->vcpus, vm_node, true)
			while (READ_ONCE(vc->nr_segs) >= VTEL_VCPU_SEGS &&
			       vtel_vm_fold_one(vc, &freed))
				any = true;
	mutex_unlock(&vtel_table.fold_mutex);
	if (list_empty(&freed))
		return any;
	synchronize_rcu();
	list_for_each_entry_safe(seg, tmp, &freed, free_node)
		vtel_pool_free(seg);
	return true;
}

/* @vm (NULL: a VM without a record) is gone from every CPU's cache. */
static void notrace vtel_cache_forget(struct vtel_vm *vm)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vtel_pcpu *pc = per_cpu_ptr(vtel_table.pcpu, cpu);
		struct vtel_vcpu *vc = READ_ONCE(pc->cache);

		if (vm && vc && vc->vm == vm)
			cmpxchg(&pc->cache, vc, NULL);
		/* Its vCPU keys may come back as new untracked vCPUs. */
		WRITE_ONCE(pc->untracked_vcpu, NULL);
	}
}

/* Called when KVM destroys a VM: no vCPU of it runs any more. */
static void notrace vtel_vm_retire_locked(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc;

	hlist_del_init_rcu(&vm->hnode);
	list_for_each_entry(vc, &vm->vcpus, vm_node)
		hlist_del_init_rcu(&vc->hnode);
	vm->state = VTEL_VM_STATE_RETIRED;
	trace_vtel_vm_stop(vm->pid, vm->id, vm->comm);
	vm->retired_at = jiffies;
	vtel_table.cnt.vms_live--;
	vtel_table.cnt.vms_retired++;
	vtel_table.cnt.generation++;
}

static void vtel_vm_retire_one(struct vtel_vm *vm)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	if (vm->state == VTEL_VM_STATE_LIVE)
		vtel_vm_retire_locked(vm);
	vtel_untracked_forget(NULL, vm->key);
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	vtel_cache_forget(vm);
}

/* VMs vtel_vm_retire() marked, retired from an irq_work or the worker. */
static LLIST_HEAD(vtel_vm_dead);

void vtel_vm_retire_dead(void)
{
	struct llist_node *dead = llist_del_all(&vtel_vm_dead);
	struct vtel_vm *vm, *tmp;

	llist_for_each_entry_safe(vm, tmp, dead, dead_node)
		vtel_vm_retire_one(vm);
	if (dead)
		vtel_table_kick();
}

static void vtel_vm_retire_fn(struct irq_work *work)
{
	vtel_vm_retire_dead();
}

static struct irq_work vtel_vm_retire_work =
	IRQ_WORK_INIT_HARD(vtel_vm_retire_fn);

/*
 * From the kprobe on kvm_arch_destroy_vm(), in any context (an int3
 * kprobe runs like an NMI): no lock. The VM is no longer found, so a new
 * VM at the same address gets a new record; the rest is done from an
 * irq_work.
 */
void vtel_vm_retire(const void *vm_key)
{
	struct vtel_vm *vm;
	unsigned long flags;

	rcu_read_lock();
	vm = vtel_vm_find(vm_key);
	if (vm && !xchg(&vm->dying, 1))
		llist_add(&vm->dead_node, &vtel_vm_dead);
	rcu_read_unlock();
	if (vm) {
		irq_work_queue(&vtel_vm_retire_work);
		return;
	}
	/* A VM without a record: forget its untracked vCPUs, if we can. */
	if (READ_ONCE(vtel_table.nr_untracked)) {
		vtel_cache_forget(NULL);
		if (raw_spin_trylock_irqsave(&vtel_table.lock, flags)) {
			vtel_untracked_forget(NULL, vm_key);
			raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
		}
	}
}

/* KVM is going away, its probes are gone: every VM it had is gone. */
void vtel_vm_retire_all(void)
{
	struct vtel_vm *vm;

	irq_work_sync(&vtel_vm_retire_work);
	vtel_vm_retire_dead();
	/* One VM per lock hold: the lock is never held for long. */
	rcu_read_lock();
	vtel_vm_for_each(vm)
		vtel_vm_retire_one(vm);
	rcu_read_unlock();
	vtel_table_kick();
}

/* The newest VM of a process. */
int vtel_vm_by_pid(pid_t pid, u32 *vm_id)
{
	struct vtel_vm *vm;
	int err = -ENOENT;

	rcu_read_lock();
	vtel_vm_for_each(vm) {
		if (vm->pid == pid) {
			*vm_id = vm->id;
			err = 0;
		}
	}
	rcu_read_unlock();
	return err;
}

/* Should this retired VM go? Called under vtel_table.lock. */
static bool vtel_vm_evict_due(struct vtel_vm *vm)
{
	const struct vtel_limits *lim = &vtel_table.lim;

	if (vtel_table.cnt.vms_retired > lim->retired_vms)
		return true;
	if (lim->retired_secs &&
	    time_after(jiffies, vm->retired_at +
		       (unsigned long)lim->retired_secs * HZ))
		return true;
	/* Records are scarce: retired VMs make way for live ones. */
	if (vtel_pool_exhausted(&vtel_table.vcpu_pool))
		return true;
	if (vtel_pool_exhausted(&vtel_table.seg_pool))
		return true;
	if (vtel_pool_exhausted(&vtel_table.vm_pool))
		return true;
	return false;
}

/*
 * The earliest retired VM that is due for eviction, else NULL: any of
 * them may be due by time, since VMs retire in any order. Worker.
 */
struct vtel_vm *vtel_vm_evict_next(void)
{
	struct vtel_vm *vm, *victim = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	list_for_each_entry(vm, &vtel_table.vms, node) {
		if (vm->state == VTEL_VM_STATE_RETIRED &&
		    vtel_vm_evict_due(vm)) {
			victim = vm;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	return victim;
}

/*
 * Takes an evicted VM off every list; under vtel_table.fold_mutex, after
 * its numbers were folded. Free it with vtel_vm_free() after a grace
 * period.
 */
void vtel_vm_unlink(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc;
	struct vtel_seg *seg;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	list_del_rcu(&vm->node);
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		list_for_each_entry(seg, &vc->segs, vcpu_node) {
			if (seg->cg)
				list_del_rcu(&seg->cg_node);
			if (!vtel_vm_seg_first(vc, seg))
				vtel_pool_forget(&vtel_table.seg_pool, 1);
			vtel_table.cnt.segs--;
		}
	}
	vtel_table.cnt.vms_retired--;
	vtel_table.cnt.vcpus -= vm->nr_vcpus;
	vtel_table.cnt.evicted_vms++;
	vtel_table.cnt.generation++;
	vtel_pool_forget(&vtel_table.vm_pool, 1);
	vtel_pool_forget(&vtel_table.vcpu_pool, vm->nr_vcpus);
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
}

void vtel_vm_free(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc, *tvc;
	struct vtel_seg *seg, *tseg;

	list_for_each_entry_safe(vc, tvc, &vm->vcpus, vm_node) {
		list_for_each_entry_safe(seg, tseg, &vc->segs, vcpu_node)
			if (!vtel_vm_seg_first(vc, seg))
				vtel_pool_free(seg);
		vtel_pool_free(vc);
	}
	vtel_pool_free(vm);
}

/* Called once nothing can reach the records. */
void vtel_vm_free_all(void)
{
	struct vtel_vm *vm, *tvm;

	irq_work_sync(&vtel_vm_retire_work);
	list_for_each_entry_safe(vm, tvm, &vtel_table.vms, node) {
		list_del(&vm->node);
		vtel_vm_free(vm);
	}
}
