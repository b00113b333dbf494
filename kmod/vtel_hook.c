// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM glue: attach to kvm.ko's kvm_exit/kvm_entry tracepoints when kvm
 * loads (before or after vtel), detach when it goes, read the vendor exit
 * reason, and learn when a VM is destroyed.
 *
 * vtel has no symbol dependency on kvm.ko: the tracepoints are found by
 * name through the tracepoint module notifier, and VM destruction through
 * a kprobe on kvm_arch_destroy_vm().
 */
#include <linux/kvm_host.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/tracepoint.h>
#include <linux/sched/clock.h>
#include <linux/cgroup.h>
#include <asm/svm.h>
#include <asm/vmx.h>

#include "vtel.h"
#include "vtel_compat.h"

/*
 * struct vcpu_svm is private to kvm-amd. Its head has been the same from
 * 6.1 to 6.12: the generic vCPU, the current VMCB, then vmcb01. The layout
 * is checked on the first SVM exit (vtel_svm_check) and never trusted
 * without that check.
 */
struct vtel_svm_head {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;
	struct {
		struct vmcb *ptr;
		unsigned long pa;
		int cpu;
		u64 asid_generation;
	} vmcb01;
	void *current_vmcb;
};

enum { VTEL_LAYOUT_UNCHECKED, VTEL_LAYOUT_OK, VTEL_LAYOUT_BAD };

static DEFINE_MUTEX(vtel_hook_mutex);
static struct tracepoint *vtel_tp_exit, *vtel_tp_entry;
static bool vtel_attached;
static int vtel_svm_layout;
static u64 vtel_layout_errors;
static struct kprobe vtel_kp_destroy;

static bool vtel_svm_check(struct kvm_vcpu *vcpu)
{
	struct vtel_svm_head *svm = (struct vtel_svm_head *)vcpu;
	struct vmcb *vmcb01 = svm->vmcb01.ptr;

	if (!vmcb01 || !PAGE_ALIGNED(vmcb01) || !virt_addr_valid(vmcb01))
		return false;
	if (__pa(vmcb01) != svm->vmcb01.pa)
		return false;
	if (svm->current_vmcb == &svm->vmcb01)
		return svm->vmcb == vmcb01;
	/* Running a nested guest: the current VMCB is vmcb02. */
	return svm->vmcb && PAGE_ALIGNED(svm->vmcb) &&
	       virt_addr_valid(svm->vmcb);
}

static noinline unsigned int vtel_svm_layout_first(struct kvm_vcpu *vcpu)
{
	int state = vtel_svm_check(vcpu) ? VTEL_LAYOUT_OK : VTEL_LAYOUT_BAD;

	if (cmpxchg(&vtel_svm_layout, VTEL_LAYOUT_UNCHECKED, state) ==
	    VTEL_LAYOUT_UNCHECKED && state == VTEL_LAYOUT_BAD)
		pr_err("struct vcpu_svm layout not recognised; exit reasons will read as unknown\n");
	return READ_ONCE(vtel_svm_layout);
}

static __always_inline unsigned int vtel_svm_exit_reason(struct kvm_vcpu *vcpu)
{
	int layout = READ_ONCE(vtel_svm_layout);

	if (unlikely(layout != VTEL_LAYOUT_OK)) {
		if (layout == VTEL_LAYOUT_UNCHECKED)
			layout = vtel_svm_layout_first(vcpu);
		if (layout != VTEL_LAYOUT_OK)
			return VTEL_REASON_UNKNOWN;
	}
	return vtel_svm_reason(((struct vtel_svm_head *)vcpu)->vmcb->control.exit_code);
}

/*
 * The probe runs inside vmx_vcpu_run() with the vCPU's VMCS current, so
 * the exit reason is one VMREAD away. Compile-tested only: TCG does not
 * emulate VMX.
 */
static __always_inline unsigned int vtel_vmx_exit_reason(void)
{
	unsigned long reason;
	bool fail;

	asm volatile("vmread %[field], %[val]\n\t"
		     "setna %[fail]"
		     : [val] "=r" (reason), [fail] "=qm" (fail)
		     : [field] "r" ((unsigned long)VM_EXIT_REASON)
		     : "cc");
	if (unlikely(fail))
		return VTEL_REASON_UNKNOWN;
	return vtel_vmx_reason(reason);
}

/*
 * The thread's cgroup v2 id: four dependent loads, no lookup. Probes run
 * with preemption disabled, an RCU read-side section, and current's
 * css_set cannot go away under it.
 */
static __always_inline u64 vtel_current_cgroup_id(void)
{
	return cgroup_id(task_css_set_check(current, true)->dfl_cgrp);
}

static void notrace vtel_probe_exit(VTEL_KVM_EXIT_PROTO)
{
	u64 now = local_clock();
	struct vtel_pcpu *pc = this_cpu_ptr(vtel_pcpu);
	struct vtel_vcpu *vc = vtel_vcpu_get(pc, vcpu, vcpu->kvm,
					     vcpu->vcpu_id);
	unsigned int reason;

	if (likely(vc)) {
		u64 cg = vtel_current_cgroup_id();

		if (unlikely(cg != vc->cg_id)) {
			vtel_cgroup_switch(vc);
			if (vc->cg_id != cg && vc->seg)
				pc->cg_stale_exits++;
		}
	}

	if (isa == VTEL_ISA_SVM)
		reason = vtel_svm_exit_reason(vcpu);
	else if (isa == VTEL_ISA_VMX)
		reason = vtel_vmx_exit_reason();
	else
		reason = VTEL_REASON_UNKNOWN;
	vtel_account_exit(pc, vc, reason, now);
}

static void notrace vtel_probe_entry(VTEL_KVM_ENTRY_PROTO)
{
	u64 now = local_clock();
	struct vtel_pcpu *pc = this_cpu_ptr(vtel_pcpu);

	vtel_account_entry(pc, vtel_vcpu_get(pc, vcpu, vcpu->kvm,
					     vcpu->vcpu_id), now);
}

static int vtel_kp_destroy_pre(struct kprobe *p, struct pt_regs *regs)
{
	vtel_vm_retire((const void *)regs_get_kernel_argument(regs, 0));
	return 0;
}

static void vtel_find_tracepoints(struct module *mod)
{
	unsigned int i;

	vtel_tp_exit = NULL;
	vtel_tp_entry = NULL;
	for (i = 0; i < mod->num_tracepoints; i++) {
		struct tracepoint *tp =
			tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]);

		if (!strcmp(tp->name, "kvm_exit"))
			vtel_tp_exit = tp;
		else if (!strcmp(tp->name, "kvm_entry"))
			vtel_tp_entry = tp;
	}
}

static int vtel_attach(struct module *kvm)
{
	int err;

	vtel_find_tracepoints(kvm);
	if (!vtel_tp_exit || !vtel_tp_entry) {
		pr_err("kvm_exit/kvm_entry tracepoints not found in %s\n",
		       kvm->name);
		return -ENOENT;
	}
	memset(&vtel_kp_destroy, 0, sizeof(vtel_kp_destroy));
	vtel_kp_destroy.symbol_name = "kvm_arch_destroy_vm";
	vtel_kp_destroy.pre_handler = vtel_kp_destroy_pre;
	err = register_kprobe(&vtel_kp_destroy);
	if (err) {
		pr_err("cannot probe kvm_arch_destroy_vm (%d); not attaching\n",
		       err);
		return err;
	}
	WRITE_ONCE(vtel_svm_layout, VTEL_LAYOUT_UNCHECKED);
	err = tracepoint_probe_register(vtel_tp_entry, vtel_probe_entry, NULL);
	if (err)
		goto err_kprobe;
	err = tracepoint_probe_register(vtel_tp_exit, vtel_probe_exit, NULL);
	if (err)
		goto err_entry;
	WRITE_ONCE(vtel_attached, true);
	pr_info("attached to %s\n", kvm->name);
	return 0;

err_entry:
	tracepoint_probe_unregister(vtel_tp_entry, vtel_probe_entry, NULL);
	tracepoint_synchronize_unregister();
err_kprobe:
	unregister_kprobe(&vtel_kp_destroy);
	pr_err("cannot attach to %s tracepoints (%d)\n", kvm->name, err);
	return err;
}

static void vtel_detach(void)
{
	if (!vtel_attached)
		return;
	tracepoint_probe_unregister(vtel_tp_exit, vtel_probe_exit, NULL);
	tracepoint_probe_unregister(vtel_tp_entry, vtel_probe_entry, NULL);
	tracepoint_synchronize_unregister();
	unregister_kprobe(&vtel_kp_destroy);
	WRITE_ONCE(vtel_attached, false);
	if (READ_ONCE(vtel_svm_layout) == VTEL_LAYOUT_BAD)
		vtel_layout_errors++;
	vtel_retire_all();
	pr_info("detached from kvm\n");
}

static int vtel_tp_module_notify(struct notifier_block *nb,
				 unsigned long state, void *data)
{
	struct tp_module *tp_mod = data;

	if (strcmp(tp_mod->mod->name, "kvm"))
		return NOTIFY_OK;
	mutex_lock(&vtel_hook_mutex);
	if (state == MODULE_STATE_COMING && !vtel_attached)
		vtel_attach(tp_mod->mod);
	else if (state == MODULE_STATE_GOING)
		vtel_detach();
	mutex_unlock(&vtel_hook_mutex);
	return NOTIFY_OK;
}

static struct notifier_block vtel_tp_nb = {
	.notifier_call = vtel_tp_module_notify,
};

bool vtel_hook_attached(void)
{
	return READ_ONCE(vtel_attached);
}

const char *vtel_hook_vendor(void)
{
	if (!vtel_hook_attached())
		return "none";
	if (boot_cpu_has(X86_FEATURE_SVM))
		return "svm";
	if (boot_cpu_has(X86_FEATURE_VMX))
		return "vmx";
	return "unknown";
}

u64 vtel_hook_layout_errors(void)
{
	return vtel_layout_errors +
	       (READ_ONCE(vtel_svm_layout) == VTEL_LAYOUT_BAD);
}

/* Attaches at once if kvm is already loaded: the notifier replays it. */
int vtel_hook_init(void)
{
	return register_tracepoint_module_notifier(&vtel_tp_nb);
}

void vtel_hook_exit(void)
{
	unregister_tracepoint_module_notifier(&vtel_tp_nb);
	mutex_lock(&vtel_hook_mutex);
	vtel_detach();
	mutex_unlock(&vtel_hook_mutex);
}
