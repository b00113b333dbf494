// SPDX-License-Identifier: GPL-2.0
/*
 * Slow-exit thresholds, global, for idle exits and per reason.
 *
 * - slow_exit_us (module parameter, also writable at run time in
 *   /sys/module/vtel/parameters and by VTEL_CMD_SET_CONFIG): the
 *   threshold of every reason that is not idle. 0 turns the check off.
 * - slow_exit_idle_us: the threshold of idle exits (category halt). An idle
 *   guest halts for as long as it likes, so this is off (0) by default and
 *   idle guests do not flood the trace.
 * - A per-reason threshold, set through netlink, overrides both.
 *
 * Writers recompute vtel_slow_thresh[] under vtel_slow_mutex; the probes
 * read one entry with READ_ONCE() and need no lock.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/bitmap.h>

#include "vtel.h"
#include "vtel_slow.h"
#include "vtel_trace.h"

u64 vtel_slow_thresh[VTEL_MAX_REASONS] __read_mostly;

static DEFINE_MUTEX(vtel_slow_mutex);
static u64 vtel_slow_global_ns = 1000 * NSEC_PER_USEC;
static u64 vtel_slow_idle_ns;
static u64 vtel_slow_reason_ns[VTEL_MAX_REASONS];
static DECLARE_BITMAP(vtel_slow_overridden, VTEL_MAX_REASONS);

/* 0 means off: the probe's single compare then never passes. */
static u64 vtel_slow_effective(u64 ns)
{
	return ns ? ns : U64_MAX;
}

static void vtel_slow_recompute(unsigned int reason)
{
	u64 ns;

	lockdep_assert_held(&vtel_slow_mutex);
	if (test_bit(reason, vtel_slow_overridden))
		ns = vtel_slow_reason_ns[reason];
	else if (vtel_reason_category(reason) == VTEL_CAT_HALT)
		ns = vtel_slow_idle_ns;
	else
		ns = vtel_slow_global_ns;
	WRITE_ONCE(vtel_slow_thresh[reason], vtel_slow_effective(ns));
}

static void vtel_slow_recompute_all(void)
{
	unsigned int i;

	for (i = 0; i < VTEL_MAX_REASONS; i++)
		vtel_slow_recompute(i);
}

void vtel_slow_init(void)
{
	mutex_lock(&vtel_slow_mutex);
	vtel_slow_recompute_all();
	mutex_unlock(&vtel_slow_mutex);
}

u64 vtel_slow_global(void)
{
	return READ_ONCE(vtel_slow_global_ns);
}

u64 vtel_slow_idle(void)
{
	return READ_ONCE(vtel_slow_idle_ns);
}

void vtel_slow_set_global(u64 ns)
{
	mutex_lock(&vtel_slow_mutex);
	WRITE_ONCE(vtel_slow_global_ns, ns);
	vtel_slow_recompute_all();
	mutex_unlock(&vtel_slow_mutex);
}

void vtel_slow_set_idle(u64 ns)
{
	mutex_lock(&vtel_slow_mutex);
	WRITE_ONCE(vtel_slow_idle_ns, ns);
	vtel_slow_recompute_all();
	mutex_unlock(&vtel_slow_mutex);
}

int vtel_slow_set_reason(unsigned int reason, u64 ns)
{
	if (reason >= VTEL_MAX_REASONS)
		return -EINVAL;
	mutex_lock(&vtel_slow_mutex);
	vtel_slow_reason_ns[reason] = ns;
	set_bit(reason, vtel_slow_overridden);
	vtel_slow_recompute(reason);
	mutex_unlock(&vtel_slow_mutex);
	return 0;
}

void vtel_slow_clear_reason(unsigned int reason)
{
	if (reason >= VTEL_MAX_REASONS)
		return;
	mutex_lock(&vtel_slow_mutex);
	clear_bit(reason, vtel_slow_overridden);
	vtel_slow_recompute(reason);
	mutex_unlock(&vtel_slow_mutex);
}

/* The per-reason threshold of @reason, if one is set. */
bool vtel_slow_reason_override(unsigned int reason, u64 *ns)
{
	bool set;

	if (reason >= VTEL_MAX_REASONS)
		return false;
	mutex_lock(&vtel_slow_mutex);
	set = test_bit(reason, vtel_slow_overridden);
	if (set)
		*ns = vtel_slow_reason_ns[reason];
	mutex_unlock(&vtel_slow_mutex);
	return set;
}

/*
 * An exit took longer than its threshold: count it, and tell
 * vtel:vtel_slow_exit if anyone listens. Called from the kvm_entry probe
 * once the exit's time is split (@before: the segment's split until
 * then) and before it records the entry, so last_entry_ns is still the
 * entry that started the guest run this exit ended.
 */
void notrace vtel_slow_exit(struct vtel_vcpu *vc, u64 handling_ns,
			    const struct vtel_split *before)
{
	const struct vtel_split *after = &vc->seg->split;
	struct vtel_slow_event ev;
	u64 vmm, wait, idle;

	vc->seg->slow_exits++;
	if (!trace_vtel_slow_exit_enabled())
		return;
	vmm = after->vmm_ns - before->vmm_ns;
	wait = after->wait_ns - before->wait_ns;
	idle = after->idle_ns - before->idle_ns;
	ev = (struct vtel_slow_event) {
		.pid = vc->vm->pid,
		.tid = vc->tid,
		.vm_id = vc->vm->id,
		.vcpu_id = vc->vcpu_id,
		.isa = vtel_reason_isa(vc->reason),
		.reason = vtel_reason_name(vc->reason),
		.cgroup_id = vc->cg_id,
		.guest_ns = vc->last_entry_ns && vc->last_exit_ns > vc->last_entry_ns ?
			    vc->last_exit_ns - vc->last_entry_ns : 0,
		.handling_ns = handling_ns,
		.kvm_ns = handling_ns - min(handling_ns, vmm + wait + idle),
		.vmm_ns = vmm,
		.wait_ns = wait,
		.idle_ns = idle,
	};
	trace_vtel_slow_exit(&ev);
}

/* The module parameters, in microseconds, read and written live. */
static int vtel_slow_param_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;
	int err = kstrtouint(val, 0, &us);

	if (err)
		return err;
	if (kp->arg)
		vtel_slow_set_idle((u64)us * NSEC_PER_USEC);
	else
		vtel_slow_set_global((u64)us * NSEC_PER_USEC);
	return 0;
}

static int vtel_slow_param_get(char *buf, const struct kernel_param *kp)
{
	u64 ns = kp->arg ? vtel_slow_idle() : vtel_slow_global();

	return sysfs_emit(buf, "%llu\n", div_u64(ns, NSEC_PER_USEC));
}

static const struct kernel_param_ops vtel_slow_param_ops = {
	.set = vtel_slow_param_set,
	.get = vtel_slow_param_get,
};

/* kp->arg tells the two apart: NULL global, non-NULL idle. */
static int vtel_slow_idle_tag;

module_param_cb(slow_exit_us, &vtel_slow_param_ops, NULL, 0644);
MODULE_PARM_DESC(slow_exit_us,
		 "Exits handled in more than this many us are slow and traced (vtel:vtel_slow_exit); 0 = off (default 1000)");
module_param_cb(slow_exit_idle_us, &vtel_slow_param_ops, &vtel_slow_idle_tag,
		0644);
MODULE_PARM_DESC(slow_exit_idle_us,
		 "Threshold of idle (halt) exits in us; 0 = off (default 0)");
