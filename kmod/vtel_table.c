// SPDX-License-Identifier: GPL-2.0
/*
 * VM and vCPU records: creation from a preallocated pool, per-exit
 * accounting, retirement, eviction, reset and the summed views.
 *
 * Locking:
 * - The hot path (vtel_account_*) writes only the vCPU's own record and the
 *   current CPU's vtel_pcpu. No lock, no atomic.
 * - vtel_lock (raw, IRQ-safe) guards structure: the hashes, the VM list,
 *   the pools and the counters. It is taken on a vCPU's first exit, on VM
 *   destruction and by the worker, never per exit.
 * - vtel_fold_mutex serialises the readers that sum views with the two
 *   things that move data: eviction (folding a VM into vtel_evicted) and
 *   reset.
 * - Records are freed only by the worker, after synchronize_rcu(), once
 *   no hash, cache or list can reach them.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "vtel.h"

LIST_HEAD(vtel_vms);
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
static unsigned int vtel_vm_bits, vtel_vcpu_bits;

static LIST_HEAD(vtel_free_vms);
static LIST_HEAD(vtel_free_vcpus);
static u32 vtel_nr_free_vms, vtel_nr_free_vcpus;
static u32 vtel_vm_records, vtel_vcpu_records;	/* in use + pool */
static u32 vtel_next_vm_id;

/* What evicted VMs contributed to the host view. */
static struct vtel_agg *vtel_evicted;

static void vtel_work_fn(struct work_struct *work);
static DECLARE_WORK(vtel_work, vtel_work_fn);
static bool vtel_table_live;

static struct hlist_head *vtel_vm_bucket(const void *key)
{
	return &vtel_vm_hash[hash_ptr(key, vtel_vm_bits)];
}

static struct hlist_head *vtel_vcpu_bucket(const void *key)
{
	return &vtel_vcpu_hash[hash_ptr(key, vtel_vcpu_bits)];
}

static struct vtel_vm *vtel_vm_find(const void *key)
{
	struct vtel_vm *vm;

	hlist_for_each_entry_rcu(vm, vtel_vm_bucket(key), hnode,
				 lockdep_is_held(&vtel_lock))
		if (vm->key == key)
			return vm;
	return NULL;
}

static struct vtel_vcpu *vtel_vcpu_find(const void *key)
{
	struct vtel_vcpu *vc;

	hlist_for_each_entry_rcu(vc, vtel_vcpu_bucket(key), hnode,
				 lockdep_is_held(&vtel_lock))
		if (vc->key == key)
			return vc;
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
	struct vtel_vm *vm;

	vm = list_first_entry_or_null(&vtel_free_vms, struct vtel_vm,
				      free_node);
	if (!vm)
		return NULL;
	list_del(&vm->free_node);
	vtel_nr_free_vms--;

	vm->key = key;
	vm->id = ++vtel_next_vm_id;
	vm->pid = current->tgid;
	vm->state = VTEL_VM_STATE_LIVE;
	strscpy(vm->comm, current->group_leader->comm, sizeof(vm->comm));
	vtel_vm_name(vm);
	list_add_tail_rcu(&vm->node, &vtel_vms);
	hlist_add_head_rcu(&vm->hnode, vtel_vm_bucket(key));
	vtel_cnt.vms_live++;
	return vm;
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
	rcu_read_unlock();
	if (vc)
		return vc;

	/*
	 * Out of records: count the exit as untracked without taking the
	 * lock, and let the worker evict retired VMs or refill the pool.
	 */
	if (!READ_ONCE(vtel_nr_free_vcpus)) {
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
	vc = list_first_entry_or_null(&vtel_free_vcpus, struct vtel_vcpu,
				      free_node);
	if (!vc) {
		vtel_cnt.untracked_vcpus++;
		goto out;
	}
	list_del(&vc->free_node);
	vtel_nr_free_vcpus--;

	vc->key = vcpu_key;
	vc->vm = vm;
	vc->vcpu_id = vcpu_id;
	vc->tid = current->pid;
	vc->reset_gen = READ_ONCE(vtel_reset_gen);
	list_add_tail_rcu(&vc->vm_node, &vm->vcpus);
	hlist_add_head_rcu(&vc->hnode, vtel_vcpu_bucket(vcpu_key));
	vm->nr_vcpus++;
	vtel_cnt.vcpus++;
	vtel_cnt.generation++;
out:
	kick = vtel_nr_free_vcpus < vtel_lim.spare_vcpus / 2 ||
	       vtel_nr_free_vms < vtel_lim.spare_vms / 2 || !vc || vc->exits == 0;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	if (kick)
		vtel_table_kick();
	return vc;
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

static bool vtel_vcpu_current(const struct vtel_vcpu *vc)
{
	/* Pairs with vtel_vcpu_reset(): counters read after are zeroed. */
	return smp_load_acquire(&vc->reset_gen) == READ_ONCE(vtel_reset_gen);
}

/* Adds one vCPU's totals; a vCPU not yet reset since vtel_reset() reads 0. */
void vtel_totals_vcpu(const struct vtel_vcpu *vc, struct vtel_totals *t)
{
	t->nr_vcpus++;
	if (!vtel_vcpu_current(vc))
		return;
	t->exits += READ_ONCE(vc->exits);
	t->handling_ns += READ_ONCE(vc->handling_ns);
	t->guest_ns += READ_ONCE(vc->guest_ns);
	t->slow_exits += READ_ONCE(vc->slow_exits);
	t->reason_overflow += READ_ONCE(vc->reason_overflow);
}

/* Adds a VM's totals; caller holds rcu_read_lock(). */
void vtel_totals_vm(const struct vtel_vm *vm, struct vtel_totals *t)
{
	const struct vtel_vcpu *vc;

	list_for_each_entry_rcu(vc, &vm->vcpus, vm_node)
		vtel_totals_vcpu(vc, t);
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

static void vtel_agg_add_vcpu(struct vtel_agg *a, const struct vtel_vcpu *vc)
{
	unsigned int i, n;

	vtel_totals_vcpu(vc, &a->t);
	if (!vtel_vcpu_current(vc))
		return;
	n = READ_ONCE(vc->nr_slots);
	for (i = 0; i < n; i++)
		vtel_stats_merge(&a->reason[vc->reason_of[i]], &vc->slot[i]);
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
	for (i = 0; i < VTEL_MAX_REASONS; i++)
		vtel_stats_merge(&dst->reason[i], &src->reason[i]);
}

/* The exits of a CPU that no vCPU record holds. */
static void vtel_agg_add_untracked(struct vtel_agg *a,
				   const struct vtel_pcpu *pc)
{
	unsigned int i;

	if (READ_ONCE(pc->reset_gen) != READ_ONCE(vtel_reset_gen))
		return;
	a->t.exits += READ_ONCE(pc->untracked_exits);
	a->t.untracked_exits += READ_ONCE(pc->untracked_exits);
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

void vtel_counters(struct vtel_counters *c)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_lock, flags);
	*c = vtel_cnt;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
}

/*
 * Reset is lazy: bumping the generation makes every record read as zero,
 * and each vCPU and CPU zeroes its own counters on its next event. Nothing
 * ever writes another CPU's or vCPU's hot counters.
 */
void vtel_reset(void)
{
	mutex_lock(&vtel_fold_mutex);
	if (vtel_evicted)
		memset(vtel_evicted, 0, sizeof(*vtel_evicted));
	WRITE_ONCE(vtel_reset_gen, vtel_reset_gen + 1);
	mutex_unlock(&vtel_fold_mutex);
}

static void vtel_vcpu_reset(struct vtel_vcpu *vc, u32 gen)
{
	vc->exits = 0;
	vc->guest_ns = 0;
	vc->handling_ns = 0;
	vc->reason_overflow = 0;
	vc->slow_exits = 0;
	vc->pending = 0;
	vc->nr_slots = 0;
	memset(vc->slot_of, 0, sizeof(vc->slot_of));
	memset(vc->slot, 0, sizeof(vc->slot));
	/* Publish the zeroed counters before the generation readers check. */
	smp_store_release(&vc->reset_gen, gen);
}

static void vtel_pcpu_reset(struct vtel_pcpu *pc, u32 gen)
{
	pc->exits = 0;
	pc->handling_ns = 0;
	pc->guest_ns = 0;
	pc->untracked_exits = 0;
	memset(pc->untracked, 0, sizeof(pc->untracked));
	/* Publish the zeroed counters before the generation readers check. */
	smp_store_release(&pc->reset_gen, gen);
}

static __always_inline void vtel_sync(struct vtel_pcpu *pc,
				      struct vtel_vcpu *vc)
{
	u32 gen = READ_ONCE(vtel_reset_gen);

	if (unlikely(pc->reset_gen != gen))
		vtel_pcpu_reset(pc, gen);
	if (vc && unlikely(vc->reset_gen != gen))
		vtel_vcpu_reset(vc, gen);
}

static u8 vtel_slot_new(struct vtel_vcpu *vc, unsigned int reason)
{
	u8 slot = vc->nr_slots;

	if (slot >= VTEL_VCPU_SLOTS)
		return 0;
	vc->reason_of[slot] = reason;
	vc->slot_of[reason] = slot + 1;
	/* Readers walk [0, nr_slots): publish the slot after its reason. */
	smp_store_release(&vc->nr_slots, slot + 1);
	return slot + 1;
}

void vtel_account_exit(struct vtel_pcpu *pc, struct vtel_vcpu *vc,
		       unsigned int reason, u64 now)
{
	u8 slot;

	vtel_sync(pc, vc);
	pc->exits++;
	if (unlikely(!vc)) {
		pc->untracked_exits++;
		pc->untracked[reason]++;
		return;
	}
	if (likely(vc->last_entry_ns && now > vc->last_entry_ns)) {
		u64 d = now - vc->last_entry_ns;

		vc->guest_ns += d;
		pc->guest_ns += d;
	}
	vc->last_exit_ns = now;
	vc->in_exit = true;
	vc->exits++;
	slot = vc->slot_of[reason];
	if (unlikely(!slot))
		slot = vtel_slot_new(vc, reason);
	if (likely(slot)) {
		vc->slot[slot - 1].count++;
	} else {
		vc->reason_overflow++;
		pc->untracked[reason]++;
	}
	vc->pending = slot;
}

void vtel_account_entry(struct vtel_pcpu *pc, struct vtel_vcpu *vc, u64 now)
{
	if (unlikely(!vc))
		return;
	vtel_sync(pc, vc);
	if (likely(vc->in_exit)) {
		u64 d = now > vc->last_exit_ns ? now - vc->last_exit_ns : 0;

		if (likely(vc->pending))
			vtel_stats_time(&vc->slot[vc->pending - 1], d);
		vc->handling_ns += d;
		pc->handling_ns += d;
		if (unlikely(d > READ_ONCE(vtel_slow_ns)))
			vc->slow_exits++;
		vc->in_exit = false;
	}
	vc->last_entry_ns = now;
}

/* Pools: allocated here in process context, consumed by the slow path. */
static void vtel_refill(void)
{
	unsigned long flags;

	for (;;) {
		struct vtel_vcpu *vc = NULL;
		struct vtel_vm *vm = NULL;
		bool want_vm, want_vcpu;

		raw_spin_lock_irqsave(&vtel_lock, flags);
		want_vm = vtel_nr_free_vms < vtel_lim.spare_vms &&
			  vtel_vm_records < vtel_lim.max_vms;
		want_vcpu = vtel_nr_free_vcpus < vtel_lim.spare_vcpus &&
			    vtel_vcpu_records < vtel_lim.max_vcpus;
		raw_spin_unlock_irqrestore(&vtel_lock, flags);
		if (!want_vm && !want_vcpu)
			return;
		if (want_vm) {
			vm = kzalloc(sizeof(*vm), GFP_KERNEL);
			if (!vm)
				return;
			INIT_LIST_HEAD(&vm->vcpus);
			INIT_HLIST_NODE(&vm->hnode);
		}
		if (want_vcpu) {
			vc = kvzalloc(sizeof(*vc), GFP_KERNEL);
			if (!vc) {
				kfree(vm);
				return;
			}
			INIT_HLIST_NODE(&vc->hnode);
		}
		raw_spin_lock_irqsave(&vtel_lock, flags);
		if (vm) {
			list_add(&vm->free_node, &vtel_free_vms);
			vtel_nr_free_vms++;
			vtel_vm_records++;
		}
		if (vc) {
			list_add(&vc->free_node, &vtel_free_vcpus);
			vtel_nr_free_vcpus++;
			vtel_vcpu_records++;
		}
		raw_spin_unlock_irqrestore(&vtel_lock, flags);
	}
}

static void vtel_fold_vm(struct vtel_vm *vm)
{
	struct vtel_agg *a = vtel_evicted;

	if (a)
		vtel_agg_add_vm(a, vm);
}

static void vtel_vm_free(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc, *tmp;

	list_for_each_entry_safe(vc, tmp, &vm->vcpus, vm_node)
		kvfree(vc);
	kfree(vm);
}

/* Should the oldest retired VM go? Called under vtel_lock. */
static bool vtel_evict_due(struct vtel_vm *vm)
{
	if (vtel_cnt.vms_retired > vtel_lim.retired_vms)
		return true;
	if (vtel_lim.retired_secs &&
	    time_after(jiffies, (unsigned long)vm->retired_at +
		       vtel_lim.retired_secs * HZ))
		return true;
	/* Records are scarce: retired VMs make way for live ones. */
	if (!vtel_nr_free_vcpus && vtel_vcpu_records >= vtel_lim.max_vcpus)
		return true;
	if (!vtel_nr_free_vms && vtel_vm_records >= vtel_lim.max_vms)
		return true;
	return false;
}

static bool vtel_evict_one(void)
{
	struct vtel_vm *vm, *victim = NULL;
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
	vtel_cnt.vms_retired--;
	vtel_cnt.vcpus -= victim->nr_vcpus;
	vtel_cnt.evicted_vms++;
	vtel_cnt.generation++;
	vtel_vm_records--;
	vtel_vcpu_records -= victim->nr_vcpus;
	raw_spin_unlock_irqrestore(&vtel_lock, flags);
	mutex_unlock(&vtel_fold_mutex);

	synchronize_rcu();
	vtel_vm_free(victim);
	return true;
}

/* The worker: evict what is due, refill the pools, tell the views. */
void vtel_table_maintain(void)
{
	bool evicted = false;

	vtel_refill();
	/* Views and events see every VM before it can be evicted. */
	if (vtel_table_changed)
		vtel_table_changed();
	while (vtel_evict_one())
		evicted = true;
	if (evicted && vtel_table_changed)
		vtel_table_changed();
}

static void vtel_work_fn(struct work_struct *work)
{
	vtel_table_maintain();
}

int vtel_table_init(const struct vtel_limits *lim)
{
	unsigned int i;

	vtel_lim = *lim;
	vtel_lim.max_vms = max(vtel_lim.max_vms, 1U);
	vtel_lim.max_vcpus = max(vtel_lim.max_vcpus, 1U);
	vtel_lim.spare_vms = clamp(vtel_lim.spare_vms, 1U, vtel_lim.max_vms);
	vtel_lim.spare_vcpus = clamp(vtel_lim.spare_vcpus, 1U,
				     vtel_lim.max_vcpus);
	memset(&vtel_cnt, 0, sizeof(vtel_cnt));
	vtel_next_vm_id = 0;
	vtel_reset_gen = 0;

	vtel_vm_bits = ilog2(roundup_pow_of_two(vtel_lim.max_vms));
	vtel_vcpu_bits = ilog2(roundup_pow_of_two(vtel_lim.max_vcpus));
	vtel_vm_hash = kvcalloc(1U << vtel_vm_bits, sizeof(*vtel_vm_hash),
				GFP_KERNEL);
	vtel_vcpu_hash = kvcalloc(1U << vtel_vcpu_bits,
				  sizeof(*vtel_vcpu_hash), GFP_KERNEL);
	vtel_evicted = kvzalloc(sizeof(*vtel_evicted), GFP_KERNEL);
	vtel_pcpu = alloc_percpu(struct vtel_pcpu);
	if (!vtel_vm_hash || !vtel_vcpu_hash || !vtel_evicted || !vtel_pcpu)
		goto err;
	for (i = 0; i < (1U << vtel_vm_bits); i++)
		INIT_HLIST_HEAD(&vtel_vm_hash[i]);
	for (i = 0; i < (1U << vtel_vcpu_bits); i++)
		INIT_HLIST_HEAD(&vtel_vcpu_hash[i]);

	vtel_refill();
	if (!vtel_nr_free_vms || !vtel_nr_free_vcpus)
		goto err;
	WRITE_ONCE(vtel_table_live, true);
	return 0;
err:
	vtel_table_exit();
	return -ENOMEM;
}

const struct vtel_limits *vtel_table_limits(void)
{
	return &vtel_lim;
}

/* Stop the worker; probes must be gone already. */
void vtel_table_stop(void)
{
	WRITE_ONCE(vtel_table_live, false);
	cancel_work_sync(&vtel_work);
}

/* Called once nothing can reach the tables. */
void vtel_table_exit(void)
{
	struct vtel_vcpu *vc, *tvc;
	struct vtel_vm *vm, *tvm;

	vtel_table_stop();
	synchronize_rcu();
	list_for_each_entry_safe(vm, tvm, &vtel_vms, node) {
		list_del(&vm->node);
		vtel_vm_free(vm);
	}
	list_for_each_entry_safe(vm, tvm, &vtel_free_vms, free_node)
		kfree(vm);
	list_for_each_entry_safe(vc, tvc, &vtel_free_vcpus, free_node)
		kvfree(vc);
	INIT_LIST_HEAD(&vtel_free_vms);
	INIT_LIST_HEAD(&vtel_free_vcpus);
	vtel_nr_free_vms = 0;
	vtel_nr_free_vcpus = 0;
	vtel_vm_records = 0;
	vtel_vcpu_records = 0;
	free_percpu(vtel_pcpu);
	vtel_pcpu = NULL;
	kvfree(vtel_evicted);
	vtel_evicted = NULL;
	kvfree(vtel_vcpu_hash);
	vtel_vcpu_hash = NULL;
	kvfree(vtel_vm_hash);
	vtel_vm_hash = NULL;
}
