/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM and vCPU records: lookup and creation on a vCPU's first exit, a
 * vCPU's move to a new segment when its thread changes cgroup, retirement
 * when KVM destroys the VM, and the unlinking of evicted VMs.
 */
#ifndef _VTEL_VM_H
#define _VTEL_VM_H

#include <linux/rculist.h>

#include "vtel.h"
#include "vtel_table.h"

/* Walks for the views; under rcu_read_lock(). */
#define vtel_vm_for_each(vm) \
	list_for_each_entry_rcu(vm, &vtel_table.vms, node)
#define vtel_vm_for_each_vcpu(vm, vc) \
	list_for_each_entry_rcu(vc, &(vm)->vcpus, vm_node)

struct vtel_vcpu *vtel_vm_lookup_vcpu(const void *vcpu_key, const void *vm_key,
				      u32 vcpu_id, const void *untracked);
struct vtel_vcpu *vtel_vm_find_vcpu(const void *vcpu_key);
void vtel_vm_addr_reset(struct vtel_vcpu *vc, u32 gen);
bool vtel_vm_cgroup_wanted(const struct vtel_vcpu *vc, u64 id);
void vtel_vm_set_cgroup(struct vtel_vcpu *vc, const struct vtel_cg_path *p);
void vtel_vm_count_stale(struct vtel_pcpu *pc, const struct vtel_vcpu *vc,
			 u64 id);
bool vtel_vm_fold_segs(void);
void vtel_vm_retire(const void *vm_key);
void vtel_vm_retire_dead(void);
void vtel_vm_retire_all(void);
int vtel_vm_by_pid(pid_t pid, u32 *vm_id);
struct vtel_vm *vtel_vm_evict_next(void);
void vtel_vm_unlink(struct vtel_vm *vm);
void vtel_vm_free(struct vtel_vm *vm);
void vtel_vm_free_all(void);

#endif /* _VTEL_VM_H */
