// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM glue: attach to kvm.ko's kvm_exit/kvm_entry tracepoints when kvm
 * loads (before or after vtel), detach when it goes, and learn when a VM
 * is destroyed. The exit reason comes from the architecture (vtel_arch.h).
 * kvm_userspace_exit and kvm_vcpu_wakeup mark where an exit's time went
 * (vtel_split.h); without them only wait is split off.
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
#include <linux/delay.h>

#include "vtel_account.h"
#include "vtel_alloc.h"
#include "vtel_arch.h"
#include "vtel_cgroup.h"
#include "vtel_clock.h"
#include "vtel_compat.h"
#include "vtel_hook.h"

static DEFINE_MUTEX(vtel_hook_mutex);
static struct tracepoint *vtel_tp_exit, *vtel_tp_entry;
static struct tracepoint *vtel_tp_user, *vtel_tp_wakeup;
static bool vtel_attached, vtel_marks;
static struct kprobe vtel_kp_destroy;

/*
 * The thread's cgroup v2: three dependent loads, no lookup. Probes are
 * not preemptible (VTEL_PROBE_CONTEXT), which makes them an RCU read-side
 * section, and current's css_set cannot go away under it.
 */
static __always_inline struct cgroup *vtel_current_cgroup(void)
{
	return task_css_set_check(current, true)->dfl_cgrp;
}

/* The full paths, for whatever the fast path (vtel_account.h) leaves. */
static noinline void notrace vtel_probe_exit_slow(struct vtel_pcpu *pc,
						  struct kvm_vcpu *vcpu,
						  u32 isa, u64 now)
{
	struct vtel_vcpu *vc = vtel_vcpu_get(pc, vcpu, vcpu->kvm,
					     vcpu->vcpu_id);
	unsigned int reason;
	u64 addr_key = 0;

	if (likely(vc)) {
		/* Read once: the move check and the switch see one cgroup. */
		struct cgroup *cgrp = vtel_current_cgroup();

		if (unlikely(cgroup_id(cgrp) != vc->cg_id))
			vtel_cgroup_switch(pc, vc, cgrp);
	}

	reason = vtel_arch_exit_reason(vcpu, isa, &addr_key);
	if (unlikely(addr_key & VTEL_ADDR_TENTATIVE) && vc) {
		vc->addr_mmio_p = vtel_arch_mmio_exits(vcpu);
		vc->addr_mmio = READ_ONCE(*vc->addr_mmio_p);
	}
	vtel_account_exit_detail(pc, vc, reason, now, vtel_run_delay(),
				 addr_key | vtel_arch_l2(vcpu, VTEL_DETAIL_L2));
}

static noinline void notrace vtel_probe_entry_slow(struct vtel_pcpu *pc,
						   struct kvm_vcpu *vcpu,
						   u64 now)
{
	vtel_account_entry(pc, vtel_vcpu_get(pc, vcpu, vcpu->kvm,
					     vcpu->vcpu_id), now, vtel_run_delay());
}

/* The cached vCPU is this one, of this VM, run by this thread. */
static __always_inline bool vtel_vcpu_hit(const struct vtel_vcpu *vc,
					  const struct kvm_vcpu *vcpu)
{
	return likely(vc && vc->key == vcpu && vc->vm_key == vcpu->kvm &&
		      vc->tid == current->pid);
}

static __always_inline void vtel_exit(struct kvm_vcpu *vcpu, u32 isa, u64 now)
{
	struct vtel_pcpu *pc = this_cpu_ptr(vtel_table.pcpu);
	struct vtel_vcpu *vc = pc->cache;
	u64 detail = 0;

	/* An L2 exit takes the full path, to count it as such. */
	if (vtel_vcpu_hit(vc, vcpu) &&
	    likely(cgroup_id(vtel_current_cgroup()) == vc->cg_id &&
		   !vtel_arch_l2(vcpu, VTEL_DETAIL_L2))) {
		unsigned int reason = vtel_arch_exit_reason_fast(vcpu, isa,
								 &detail);

		if (likely(vtel_account_exit_fast(pc, vc, reason, now,
						  vtel_run_delay(), detail)))
			return;
	}
	vtel_probe_exit_slow(pc, vcpu, isa, now);
}

static __always_inline void vtel_entry(struct kvm_vcpu *vcpu, u64 now)
{
	struct vtel_pcpu *pc = this_cpu_ptr(vtel_table.pcpu);
	struct vtel_vcpu *vc = pc->cache;

	if (vtel_vcpu_hit(vc, vcpu) &&
	    likely(vtel_account_entry_fast(pc, vc, now, vtel_run_delay())))
		return;
	vtel_probe_entry_slow(pc, vcpu, now);
}

/*
 * The probes. Their clock is the TSC, read inline; without a stable TSC
 * they jump to the same code with local_clock() (vtel_clock.h), whose
 * call costs a frame: only there.
 */
static noinline void notrace vtel_probe_exit_lc(VTEL_KVM_EXIT_PROTO)
{
	vtel_exit(vcpu, isa, local_clock());
}

static noinline void notrace vtel_probe_entry_lc(VTEL_KVM_ENTRY_PROTO)
{
	vtel_entry(vcpu, local_clock());
}

static void notrace vtel_probe_exit(VTEL_KVM_EXIT_PROTO)
{
	VTEL_PROBE_CONTEXT();

	if (!static_branch_likely(&vtel_clock_tsc))
		return vtel_probe_exit_lc(data, vcpu, isa);
	vtel_exit(vcpu, isa, vtel_clock_tsc_now());
}

static void notrace vtel_probe_entry(VTEL_KVM_ENTRY_PROTO)
{
	VTEL_PROBE_CONTEXT();

	if (!static_branch_likely(&vtel_clock_tsc))
		return vtel_kvm_entry_call(vtel_probe_entry_lc, data, vcpu);
	vtel_entry(vcpu, vtel_clock_tsc_now());
}

/*
 * kvm_userspace_exit: the VMM has the exit. It fires on the vCPU thread
 * after vcpu_put(), so the vCPU is the one this CPU saw exit last, unless
 * the thread moved in between; then the mark is counted as missed and
 * the VMM's time stays in kvm.
 */
static void notrace vtel_probe_user_exit(VTEL_KVM_USER_EXIT_PROTO)
{
	u64 now = vtel_clock();
	struct vtel_pcpu *pc = this_cpu_ptr(vtel_table.pcpu);
	struct vtel_vcpu *vc = pc->cache;

	if (unlikely(!vc || vc->tid != current->pid || !vc->in_exit)) {
		pc->split_missed++;
		return;
	}
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, now, vtel_run_delay());
}

/*
 * kvm_vcpu_wakeup: the end of a halt of ns, polling included. The vCPU
 * is the one loaded on this thread (its preempt notifier), trusted only
 * if vtel knows it from kvm_exit. Its polling is what KVM's own poll
 * counters gained since the vCPU's last wakeup.
 */
static void notrace vtel_probe_wakeup(VTEL_KVM_WAKEUP_PROTO)
{
	u64 now = vtel_clock();
	struct vtel_pcpu *pc = this_cpu_ptr(vtel_table.pcpu);
	struct preempt_notifier *pn = vtel_current_preempt_notifier();
	struct kvm_vcpu *vcpu = pn ? container_of(pn, struct kvm_vcpu,
						  preempt_notifier) : NULL;
	struct vtel_vcpu *vc = pc->cache;
	u64 poll;

	if (!vc || vc->key != vcpu)
		vc = vcpu ? vtel_vm_find_vcpu(vcpu) : NULL;
	if (unlikely(!vc || !vc->in_exit)) {
		pc->split_missed++;
		return;
	}
	poll = READ_ONCE(vcpu->stat.generic.halt_poll_success_ns) +
	       READ_ONCE(vcpu->stat.generic.halt_poll_fail_ns);
	vtel_split_wakeup(&vc->split, vc->last_exit_ns, now, vtel_run_delay(),
			  ns, poll - vc->poll_seen);
	vc->poll_seen = poll;
}

/* Lock-free: the retirement itself runs from an irq_work. */
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
	vtel_tp_user = NULL;
	vtel_tp_wakeup = NULL;
	for (i = 0; i < mod->num_tracepoints; i++) {
		struct tracepoint *tp =
			tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]);

		if (!strcmp(tp->name, "kvm_exit"))
			vtel_tp_exit = tp;
		else if (!strcmp(tp->name, "kvm_entry"))
			vtel_tp_entry = tp;
		else if (!strcmp(tp->name, "kvm_userspace_exit"))
			vtel_tp_user = tp;
		else if (!strcmp(tp->name, "kvm_vcpu_wakeup"))
			vtel_tp_wakeup = tp;
	}
}

/* The split's marks; optional: without them vmm and idle stay in kvm. */
static bool vtel_attach_marks(void)
{
	int err = -ENOENT;

	if (vtel_tp_user && vtel_tp_wakeup)
		err = vtel_attach_fail("marks") ? -ENOMEM :
		      tracepoint_probe_register(vtel_tp_user,
						vtel_probe_user_exit, NULL);
	if (err)
		goto out;
	err = tracepoint_probe_register(vtel_tp_wakeup, vtel_probe_wakeup,
					NULL);
	if (err)
		tracepoint_probe_unregister(vtel_tp_user, vtel_probe_user_exit,
					    NULL);
out:
	if (err)
		pr_warn("no kvm_userspace_exit/kvm_vcpu_wakeup probes (%d): vmm and idle time count as kvm\n",
			err);
	return !err;
}

/*
 * Registering kvm_exit, or its injected failure (fail_attach), which
 * first waits up to a second for the entry probe to make a record: the
 * error path then has records to retire (tests/debug/attach.sh).
 */
static int vtel_attach_exit(void)
{
	unsigned int i;

	if (!vtel_attach_fail("kvm_exit"))
		return tracepoint_probe_register(vtel_tp_exit, vtel_probe_exit,
						 NULL);
	for (i = 0; i < 50 && !READ_ONCE(vtel_table.cnt.vcpus); i++)
		msleep(20);
	pr_info("failing kvm_exit with %u vCPU records\n",
		READ_ONCE(vtel_table.cnt.vcpus));
	return -ENOMEM;
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
	err = vtel_attach_fail("kprobe") ? -ENOMEM :
	      register_kprobe(&vtel_kp_destroy);
	if (err) {
		pr_err("cannot probe kvm_arch_destroy_vm (%d); not attaching\n",
		       err);
		return err;
	}
	vtel_arch_attach();
	err = vtel_attach_fail("kvm_entry") ? -ENOMEM :
	      tracepoint_probe_register(vtel_tp_entry, vtel_probe_entry, NULL);
	if (err)
		goto err_kprobe;
	err = vtel_attach_exit();
	if (err)
		goto err_entry;
	vtel_marks = vtel_attach_marks();
	WRITE_ONCE(vtel_attached, true);
	pr_info("attached to %s\n", kvm->name);
	return 0;

err_entry:
	tracepoint_probe_unregister(vtel_tp_entry, vtel_probe_entry, NULL);
	tracepoint_synchronize_unregister();
	/* The entry probe may have created records already. */
	vtel_arch_detach();
	vtel_vm_retire_all();
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
	if (vtel_marks) {
		tracepoint_probe_unregister(vtel_tp_wakeup, vtel_probe_wakeup,
					    NULL);
		tracepoint_probe_unregister(vtel_tp_user, vtel_probe_user_exit,
					    NULL);
		vtel_marks = false;
	}
	tracepoint_synchronize_unregister();
	unregister_kprobe(&vtel_kp_destroy);
	WRITE_ONCE(vtel_attached, false);
	vtel_arch_detach();
	vtel_vm_retire_all();
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
	return vtel_arch_vendor();
}

u64 vtel_hook_layout_errors(void)
{
	return vtel_arch_layout_errors();
}

u64 vtel_hook_reason_unavailable(void)
{
	return vtel_arch_reason_unavailable();
}

/*
 * The kprobe on kvm_arch_destroy_vm() can be disarmed behind vtel's back
 * (debug/kprobes/enabled, ftrace_enabled) or miss hits (an int3 kprobe
 * hit while another runs). VMs destroyed then stay live in vtel's views
 * until kvm unloads.
 */
struct vtel_hook_probe vtel_hook_probe_state(void)
{
	struct vtel_hook_probe s = {};

	mutex_lock(&vtel_hook_mutex);
	if (vtel_attached) {
		s.disabled = kprobe_disabled(&vtel_kp_destroy) ||
			     !vtel_arch_kprobe_armed(&vtel_kp_destroy);
		s.missed = vtel_kp_destroy.nmissed;
	}
	mutex_unlock(&vtel_hook_mutex);
	return s;
}

/* The worker's periodic check: say so once when the probe stops. */
void vtel_hook_check(void)
{
	static bool warned;
	struct vtel_hook_probe s = vtel_hook_probe_state();

	vtel_clock_check();

	if ((s.disabled || s.missed) && !warned) {
		warned = true;
		pr_warn("kvm_arch_destroy_vm kprobe %s (%lu missed): destroyed VMs may stay live\n",
			s.disabled ? "disabled" : "missing hits", s.missed);
	}
}

#ifdef VTEL_BENCH
void vtel_hook_bench_probes(void (**exit)(VTEL_KVM_EXIT_PROTO),
			    void (**entry)(VTEL_KVM_ENTRY_PROTO))
{
	*exit = vtel_probe_exit;
	*entry = vtel_probe_entry;
}
#endif

/* Attaches at once if kvm is already loaded: the notifier replays it. */
int vtel_hook_init(void)
{
	vtel_clock_init();
	return register_tracepoint_module_notifier(&vtel_tp_nb);
}

void vtel_hook_exit(void)
{
	unregister_tracepoint_module_notifier(&vtel_tp_nb);
	mutex_lock(&vtel_hook_mutex);
	vtel_detach();
	mutex_unlock(&vtel_hook_mutex);
}
