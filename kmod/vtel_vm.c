// SPDX-License-Identifier: GPL-2.0
/*
 * VM and vCPU records, taken from their pools on a vCPU's first exit or
 * entry, retired when KVM destroys the VM, unlinked and freed by the
 * worker when evicted.
 */
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "vtel_cg.h"
#include "vtel_vm.h"
#include "vtel_trace.h"

static struct vtel_vm *vtel_vm_find(const void *key)
{
	struct vtel_vm *vm;

	hlist_for_each_entry_rcu(vm, vtel_table_bucket(vtel_table.vm_hash,
						       vtel_table.vm_bits,
						       (unsigned long)key),
				 hnode, lockdep_is_held(&vtel_table.lock))
		if (vm->key == key)
			return vm;
	return NULL;
}

static struct vtel_vcpu *vtel_vcpu_find(const void *key)
{
	struct vtel_vcpu *vc;

	hlist_for_each_entry_rcu(vc, vtel_table_bucket(vtel_table.vcpu_hash,
						       vtel_table.vcpu_bits,
						       (unsigned long)key),
				 hnode, lockdep_is_held(&vtel_table.lock))
		if (vc->key == key)
			return vc;
	return NULL;
}

/* A vCPU's record if vtel has one (a live vCPU), else NULL; never creates. */
struct vtel_vcpu *vtel_vm_find_vcpu(const void *vcpu_key)
{
	struct vtel_vcpu *vc;

	rcu_read_lock();
	vc = vtel_vcpu_find(vcpu_key);
	rcu_read_unlock();
	return vc;
}

static void vtel_vm_name(struct vtel_vm *vm)
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

static struct vtel_vm *vtel_vm_create(const void *key)
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
struct vtel_vcpu *vtel_vm_lookup_vcpu(const void *vcpu_key, const void *vm_key,
				      u32 vcpu_id)
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
	if (!vtel_pool_has_free(&vtel_table.vcpu_pool) ||
	    (!vm && !vtel_pool_has_free(&vtel_table.vm_pool))) {
		if (!vtel_table_kick_pending())
			vtel_table_kick();
		return NULL;
	}

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	vc = vtel_vcpu_find(vcpu_key);
	if (vc)
		goto out;

	vm = vtel_vm_find(vm_key);
	if (!vm) {
		vm = vtel_vm_create(vm_key);
		if (!vm) {
			vtel_table.cnt.untracked_vms++;
			goto out;
		}
	}
	vc = vtel_pool_get(&vtel_table.vcpu_pool);
	if (!vc) {
		vtel_table.cnt.untracked_vcpus++;
		goto out;
	}
	vc->key = vcpu_key;
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
	kick = vtel_table_pools_low() || !vc;
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	if ((kick || (vc && !vc->seg)) && !vtel_table_kick_pending())
		vtel_table_kick();
	return vc;
}

/*
 * The vCPU's thread is in another cgroup than its current segment's:
 * start a new segment there. Exits so far stay with the old cgroup. If no
 * segment is free the old one keeps counting (cgroup_stale_exits) and this
 * is retried on the next exit; vtel_vm_seg_available() lets callers skip
 * building the path meanwhile.
 */
bool vtel_vm_seg_available(void)
{
	if (vtel_pool_has_free(&vtel_table.seg_pool))
		return true;
	if (!vtel_table_kick_pending())
		vtel_table_kick();
	return false;
}

/* The lazy reset of a vCPU's port and MMIO page table, on its thread. */
void notrace vtel_vm_addr_reset(struct vtel_vcpu *vc, u32 gen)
{
	vtel_addr_zero(&vc->addrs);
	/* Publish the empty table before the generation readers check. */
	smp_store_release(&vc->addr_gen, gen);
}

void vtel_vm_set_cgroup(struct vtel_vcpu *vc, const struct vtel_cg_path *p)
{
	struct vtel_seg *seg;
	struct vtel_cg *cg;
	unsigned long flags;

	if (!vtel_vm_seg_available())
		return;
	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	seg = vtel_pool_get(&vtel_table.seg_pool);
	if (!seg) {
		vtel_table.cnt.seg_drops++;
		raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
		return;
	}
	cg = vtel_cg_get(p);
	seg->reset_gen = READ_ONCE(vtel_table.reset_gen);
	seg->cg = cg;
	if (cg)
		list_add_tail_rcu(&seg->cg_node, &cg->segs);
	list_add_tail_rcu(&seg->vcpu_node, &vc->segs);
	vc->nr_segs++;
	vtel_table.cnt.segs++;
	vtel_table.cnt.generation++;
	/* A move ends the exit in flight: its time stays with the old one. */
	vc->in_exit = false;
	vc->pending = 0;
	vc->detail = 0;
	WRITE_ONCE(vc->seg, seg);
	vc->cg_id = p->id;
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	vtel_table_kick();
}

static void vtel_cache_forget(struct vtel_vm *vm)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vtel_pcpu *pc = per_cpu_ptr(vtel_table.pcpu, cpu);
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
	trace_vtel_vm_stop(vm->pid, vm->id, vm->comm);
	vm->retired_at = jiffies;
	vtel_table.cnt.vms_live--;
	vtel_table.cnt.vms_retired++;
	vtel_table.cnt.generation++;
}

void vtel_vm_retire(const void *vm_key)
{
	struct vtel_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	vm = vtel_vm_find(vm_key);
	if (vm)
		vtel_vm_retire_locked(vm);
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
	if (vm)
		vtel_table_kick();
}

/* KVM is going away: every VM it had is gone. */
void vtel_vm_retire_all(void)
{
	struct vtel_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	list_for_each_entry(vm, &vtel_table.vms, node)
		if (vm->state == VTEL_VM_STATE_LIVE)
			vtel_vm_retire_locked(vm);
	raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
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

/* Should the earliest retired VM go? Called under vtel_table.lock. */
static bool vtel_vm_evict_due(struct vtel_vm *vm)
{
	const struct vtel_limits *lim = &vtel_table.lim;

	if (vtel_table.cnt.vms_retired > lim->retired_vms)
		return true;
	if (lim->retired_secs &&
	    time_after(jiffies, (unsigned long)vm->retired_at +
		       lim->retired_secs * HZ))
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

/* The earliest retired VM if it is due for eviction, else NULL. Worker. */
struct vtel_vm *vtel_vm_evict_next(void)
{
	struct vtel_vm *vm, *victim = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&vtel_table.lock, flags);
	list_for_each_entry(vm, &vtel_table.vms, node) {
		if (vm->state != VTEL_VM_STATE_RETIRED)
			continue;
		if (vtel_vm_evict_due(vm))
			victim = vm;
		break;
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
			vtel_pool_free(seg);
		vtel_pool_free(vc);
	}
	vtel_pool_free(vm);
}

/* Called once nothing can reach the records. */
void vtel_vm_free_all(void)
{
	struct vtel_vm *vm, *tvm;

	list_for_each_entry_safe(vm, tvm, &vtel_table.vms, node) {
		list_del(&vm->node);
		vtel_vm_free(vm);
	}
}
