/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hot path, inlined into the kvm_exit/kvm_entry probes: find the vCPU
 * record, apply a pending lazy reset, count and time the exit, and start
 * and end its time split (vtel_split.h). Nothing else belongs here.
 *
 * rd is the vCPU thread's run delay (sched_info.run_delay) at the probe:
 * the exit stores it, the entry compares it; only an exit with run delay
 * or with marks (kvm_userspace_exit, kvm_vcpu_wakeup) takes the out of
 * line vtel_seg_split_end().
 */
#ifndef _VTEL_ACCOUNT_H
#define _VTEL_ACCOUNT_H

#include "vtel.h"
#include "vtel_seg.h"
#include "vtel_slow.h"
#include "vtel_table.h"
#include "vtel_vm.h"

/*
 * Called from the probes with preemption disabled, like all of this. The
 * vCPU record is found through a per-CPU one-entry cache; a miss (the
 * thread moved, or vCPUs share the CPU) costs one RCU hash lookup.
 */
static __always_inline struct vtel_vcpu *
vtel_vcpu_get(struct vtel_pcpu *pc, const void *vcpu_key, const void *vm_key,
	      u32 vcpu_id)
{
	struct vtel_vcpu *vc = pc->cache;

	/*
	 * Both keys: a struct kvm_vcpu recycled into another VM is new; and
	 * its thread, should the VM's destruction have gone unseen.
	 */
	if (likely(vc && vc->key == vcpu_key && vc->vm_key == vm_key &&
		   vc->tid == current->pid))
		return vc;
	vc = vtel_vm_lookup_vcpu(vcpu_key, vm_key, vcpu_id,
				 pc->untracked_vcpu);
	pc->cache = vc;
	if (unlikely(!vc))
		pc->untracked_vcpu = vcpu_key;
	return vc;
}

/* Applies a pending reset; true if the segment was reset. */
static __always_inline bool vtel_account_sync(struct vtel_pcpu *pc,
					      struct vtel_vcpu *vc,
					      struct vtel_seg *seg)
{
	u32 gen = READ_ONCE(vtel_table.reset_gen);

	if (unlikely(pc->reset_gen != gen))
		vtel_table_pcpu_reset(pc, gen);
	if (unlikely(seg->reset_gen != gen)) {
		vtel_seg_zero(seg, gen);
		vc->pending = 0;
		return true;
	}
	return false;
}

/*
 * kvm_exit: count the exit, add the guest time since the last entry.
 * @detail: VTEL_DETAIL_L2 if a nested guest ran, or'ed with the exit's
 * port or MMIO page key (vtel_addr.h); 0 for most exits.
 */
static __always_inline void vtel_account_exit_detail(struct vtel_pcpu *pc,
						     struct vtel_vcpu *vc,
						     unsigned int reason,
						     u64 now, u64 rd,
						     u64 detail)
{
	struct vtel_seg *seg = vc ? vc->seg : NULL;
	u8 slot;

	if (unlikely(!seg)) {
		/* No record: counted per CPU only, never lost. */
		if (unlikely(pc->reset_gen != READ_ONCE(vtel_table.reset_gen)))
			vtel_table_pcpu_reset(pc,
					      READ_ONCE(vtel_table.reset_gen));
		pc->exits++;
		pc->untracked_exits++;
		pc->untracked[reason]++;
		return;
	}
	vtel_account_sync(pc, vc, seg);
	pc->exits++;
	if (likely(vc->last_entry_ns && now > vc->last_entry_ns)) {
		u64 d = now - vc->last_entry_ns;

		seg->guest_ns += d;
		pc->guest_ns += d;
	}
	vc->last_exit_ns = now;
	vc->in_exit = true;
	vtel_split_exit(&vc->split, rd);
	vc->detail = detail;
	seg->exits++;
	if (unlikely(detail & VTEL_DETAIL_L2))
		seg->l2_exits++;
	slot = seg->slot_of[reason];
	if (unlikely(!slot))
		slot = vtel_seg_slot_new(seg, reason);
	if (likely(slot)) {
		seg->slot[slot - 1].count++;
	} else {
		seg->reason_overflow++;
		pc->reason_overflow++;
		pc->untracked[reason]++;
	}
	vc->pending = slot;
	vc->reason = reason;
}

static __always_inline void vtel_account_exit(struct vtel_pcpu *pc,
					      struct vtel_vcpu *vc,
					      unsigned int reason, u64 now,
					      u64 rd)
{
	vtel_account_exit_detail(pc, vc, reason, now, rd, 0);
}

/*
 * kvm_entry of an exit with detail: the L2 handling time, and the count,
 * time and split (what seg's split gained since @before) of its port or
 * page row. A tentative MMIO key counts only if KVM's mmio_exits moved
 * since the exit.
 */
static __always_inline void vtel_account_detail(struct vtel_vcpu *vc,
						struct vtel_seg *seg, u64 ns,
						const struct vtel_split *before)
{
	u64 key = vc->detail & ~VTEL_DETAIL_L2;
	struct vtel_split s;
	u32 gen;

	if (vc->detail & VTEL_DETAIL_L2)
		seg->l2_handling_ns += ns;
	vc->detail = 0;
	if (unlikely(key & VTEL_ADDR_TENTATIVE))
		key = vtel_addr_confirm(key, vc->addr_mmio,
					READ_ONCE(*vc->addr_mmio_p));
	if (!key)
		return;
	gen = READ_ONCE(vtel_table.reset_gen);
	if (unlikely(vc->addr_gen != gen))
		vtel_vm_addr_reset(vc, gen);
	s.vmm_ns = seg->split.vmm_ns - before->vmm_ns;
	s.wait_ns = seg->split.wait_ns - before->wait_ns;
	s.idle_ns = seg->split.idle_ns - before->idle_ns;
	s.poll_ns = seg->split.poll_ns - before->poll_ns;
	vtel_addr_account(&vc->addrs, vtel_table.lim.max_addrs, key, ns, &s);
}

/*
 * The end of an exit with marks or run delay. The common one, an exit the
 * VMM handled without the thread waiting, is vmm from the stored mark to
 * now; the rest goes out of line.
 */
static __always_inline void vtel_account_split_end(struct vtel_pcpu *pc,
						   struct vtel_vcpu *vc,
						   struct vtel_seg *seg,
						   u64 now, u64 rd, u64 d)
{
	struct vtel_split_state *st = &vc->split;

	if (likely(st->flags == VTEL_SPLIT_LAZY && rd == st->rd)) {
		u64 vmm = now > st->lazy_ns ? min(now - st->lazy_ns, d) : 0;

		seg->split.vmm_ns += vmm;
		if (likely(vc->pending))
			seg->slot[vc->pending - 1].split.vmm_ns += vmm;
		pc->split.vmm_ns += vmm;
		st->flags = 0;
		return;
	}
	vtel_seg_split_end(pc, vc, seg, now, rd);
}

/* kvm_entry, after the timing: a slow exit, and the exit's split. */
static __always_inline void vtel_account_end(struct vtel_pcpu *pc,
					     struct vtel_vcpu *vc,
					     struct vtel_seg *seg,
					     u64 now, u64 rd, u64 d)
{
	if (unlikely(vtel_slow_is(vc->reason, d))) {
		/* Reported with its own share of the split. */
		struct vtel_split before = seg->split;

		pc->slow_exits++;	/* GET_STATUS's host total */
		if (vtel_split_pending(&vc->split, rd))
			vtel_account_split_end(pc, vc, seg, now, rd, d);
		vtel_slow_exit(vc, d, &before);
	} else if (unlikely(vtel_split_pending(&vc->split, rd))) {
		vtel_account_split_end(pc, vc, seg, now, rd, d);
	}
}

/* kvm_entry: time the exit being handled, and split that time. */
static __always_inline void vtel_account_entry(struct vtel_pcpu *pc,
					       struct vtel_vcpu *vc, u64 now,
					       u64 rd)
{
	struct vtel_seg *seg;

	if (unlikely(!vc))
		return;
	seg = vc->seg;
	if (likely(seg && vc->in_exit)) {
		u64 d = now > vc->last_exit_ns ? now - vc->last_exit_ns : 0;

		/* An exit counted before a reset is not timed after it. */
		if (unlikely(vtel_account_sync(pc, vc, seg))) {
			vtel_split_exit(&vc->split, rd);
			vc->detail = 0;
			goto out;
		}
		if (likely(vc->pending))
			vtel_slot_time(&seg->slot[vc->pending - 1],
				       vtel_seg_hist(seg, vc->pending), d);
		seg->handling_ns += d;
		pc->handling_ns += d;
		if (unlikely(vc->detail)) {
			/* The row's split is what this exit adds to seg's. */
			struct vtel_split before = seg->split;

			vtel_account_end(pc, vc, seg, now, rd, d);
			vtel_account_detail(vc, seg, d, &before);
		} else {
			vtel_account_end(pc, vc, seg, now, rd, d);
		}
	}
out:
	vc->in_exit = false;
	vc->last_entry_ns = now;
}

/*
 * The fast path: what the probes run for the common exit and entry of the
 * vCPU cached on this CPU (vtel_hook.c checks the cache: vCPU, VM, thread
 * and, at exit, cgroup). No call but a tail call, so the probes need no
 * frame. Anything rare returns false before writing a thing, and the probe
 * takes the full path above, which handles it: a pending reset, a reason
 * without a slot yet or beyond the slots (and, vtel_hook.c, an L2 exit or
 * a tentative MMIO key); at entry no exit in flight, run delay or marks
 * beyond the one lazy VMM mark of an exit to userspace (which it splits
 * as vtel_account_split_end() does), a slow exit, a histogram bucket
 * about to wrap. min/max need no timed test: a new slot starts at min
 * U64_MAX (vtel_seg_slot_new).
 */
void vtel_account_detail_out(struct vtel_vcpu *vc, struct vtel_seg *seg,
			     u64 ns, u64 vmm);

static __always_inline bool vtel_account_exit_fast(struct vtel_pcpu *pc,
						   struct vtel_vcpu *vc,
						   unsigned int reason,
						   u64 now, u64 rd, u64 detail)
{
	/* A matching cg_id (never 0) means vc has a segment. */
	struct vtel_seg *seg = vc->seg;
	u32 gen = READ_ONCE(vtel_table.reset_gen);
	u64 last = vc->last_entry_ns;
	u8 slot;

	if (unlikely(reason >= VTEL_MAX_REASONS || pc->reset_gen != gen ||
		     seg->reset_gen != gen))
		return false;
	slot = seg->slot_of[reason];
	if (unlikely(!slot))
		return false;
	if (likely(last && now > last)) {
		seg->guest_ns += now - last;
		pc->guest_ns += now - last;
	}
	pc->exits++;
	seg->exits++;
	seg->slot[slot - 1].count++;
	vc->last_exit_ns = now;
	vc->in_exit = true;
	vc->pending = slot;
	vc->reason = reason;
	vc->detail = detail;
	vtel_split_exit(&vc->split, rd);
	return true;
}

static __always_inline bool vtel_account_entry_fast(struct vtel_pcpu *pc,
						    struct vtel_vcpu *vc,
						    u64 now, u64 rd)
{
	/* in_exit: the exit found a segment (none is ever taken away). */
	struct vtel_seg *seg = vc->seg;
	u32 gen = READ_ONCE(vtel_table.reset_gen);
	unsigned int slot = vc->pending;
	struct vtel_slot *s;
	u64 d, vmm = 0;

	if (unlikely(!vc->in_exit || !slot || pc->reset_gen != gen ||
		     seg->reset_gen != gen ||
		     (vc->split.flags & ~VTEL_SPLIT_LAZY) || vc->split.rd != rd))
		return false;
	d = now > vc->last_exit_ns ? now - vc->last_exit_ns : 0;
	if (unlikely(vtel_slow_is(vc->reason, d)))
		return false;
	if (likely(slot <= VTEL_SEG_HISTS)) {
		u32 *bucket = &seg->hist[slot - 1].b[vtel_hist_bucket(d)];

		if (unlikely(*bucket == U32_MAX))
			return false;
		(*bucket)++;
	}
	s = &seg->slot[slot - 1];
	s->timed++;
	s->total_ns += d;
	s->min_ns = min(s->min_ns, d);
	s->max_ns = max(s->max_ns, d);
	seg->handling_ns += d;
	pc->handling_ns += d;
	if (vc->split.flags) {
		/* The VMM had it from its mark on (vtel_account_split_end()). */
		u64 lazy = vc->split.lazy_ns;

		vmm = now > lazy ? min(now - lazy, d) : 0;
		seg->split.vmm_ns += vmm;
		s->split.vmm_ns += vmm;
		pc->split.vmm_ns += vmm;
		vc->split.flags = 0;
	}
	vc->in_exit = false;
	vc->last_entry_ns = now;
	if (unlikely(vc->detail))
		vtel_account_detail_out(vc, seg, d, vmm);	/* a tail call */
	return true;
}

#endif /* _VTEL_ACCOUNT_H */
