/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time split: where a vCPU's time between kvm_exit and the next
 * kvm_entry went. Of that handling time,
 *
 *   wait  the thread was runnable but not running: its run delay
 *         (sched_info.run_delay) grew by that much;
 *   idle  the vCPU was halted (kvm_vcpu_wakeup's halt time, polling
 *         included), less the run delay inside it; poll is its polling;
 *   vmm   the VMM had the exit: kvm_userspace_exit to the next mark,
 *         less the run delay inside it;
 *   kvm   the rest: KVM handling the exit on a CPU.
 *
 * An exit in flight is cut at marks (kvm_userspace_exit, kvm_vcpu_wakeup)
 * into pieces; each piece's run delay is wait, the rest goes to the phase
 * it was in. Nothing is stored until kvm_entry ends the exit, so an exit
 * that never ends (the last one) adds to no bucket, as to no handling
 * time. kvm is never stored: readers derive it from the handling time, so
 * an exit without marks and without run delay costs two loads and a
 * compare at entry. Pure arithmetic, no KVM types: unit-tested under UML.
 */
#ifndef _VTEL_SPLIT_H
#define _VTEL_SPLIT_H

#include <linux/types.h>

/* What is stored per view and reason; kvm is derived (vtel_times_make). */
struct vtel_split {
	u64 vmm_ns;
	u64 wait_ns;
	u64 idle_ns;
	u64 poll_ns;		/* part of idle_ns */
};

/* The five buckets of a view as reported, and the polling inside idle. */
struct vtel_times {
	u64 guest_ns;
	u64 kvm_ns;
	u64 vmm_ns;
	u64 wait_ns;
	u64 idle_ns;
	u64 poll_ns;
};

#define VTEL_SPLIT_MARKED	1	/* a mark since kvm_exit */
#define VTEL_SPLIT_VMM		2	/* the VMM has the exit */
#define VTEL_SPLIT_LAZY		4	/* a first user mark, not yet applied */

/* The exit in flight of one vCPU; written only by the vCPU's thread. */
struct vtel_split_state {
	u64 rd;			/* run delay at kvm_exit or the last mark */
	u64 mark_ns;		/* time of the last mark */
	u8 flags;		/* VTEL_SPLIT_* */
	u64 lazy_ns, lazy_rd;	/* VTEL_SPLIT_LAZY: that mark's time, run delay */
	struct vtel_split acc;	/* of the pieces before the last mark */
};

/* kvm_exit: a new exit starts, at run delay rd. */
static __always_inline void vtel_split_exit(struct vtel_split_state *st,
					    u64 rd)
{
	st->rd = rd;
	st->flags = 0;
}

/* kvm_entry: whether the exit needs vtel_split_end() (else it was all kvm). */
static __always_inline bool vtel_split_pending(const struct vtel_split_state *st,
					       u64 rd)
{
	return st->flags | (rd != st->rd);
}

void vtel_split_user(struct vtel_split_state *st, u64 exit_ns, u64 now,
		     u64 rd);

/*
 * kvm_userspace_exit, in the probe: the usual first mark of an exit is
 * only stored; the next mark or kvm_entry applies it (vtel_split.c).
 */
static __always_inline void vtel_split_user_fast(struct vtel_split_state *st,
						 u64 exit_ns, u64 now, u64 rd)
{
	if (likely(!st->flags)) {
		st->lazy_ns = now;
		st->lazy_rd = rd;
		st->flags = VTEL_SPLIT_LAZY;
		return;
	}
	vtel_split_user(st, exit_ns, now, rd);
}

void vtel_split_wakeup(struct vtel_split_state *st, u64 exit_ns, u64 now,
		       u64 rd, u64 halt_ns, u64 poll_ns);
void vtel_split_end(struct vtel_split_state *st, u64 exit_ns, u64 now,
		    u64 rd, struct vtel_split *out);

static inline void vtel_split_add(struct vtel_split *dst,
				  const struct vtel_split *src)
{
	dst->vmm_ns += src->vmm_ns;
	dst->wait_ns += src->wait_ns;
	dst->idle_ns += src->idle_ns;
	dst->poll_ns += src->poll_ns;
}

void vtel_times_make(struct vtel_times *t, u64 guest_ns, u64 handling_ns,
		     const struct vtel_split *s);
u32 vtel_times_overhead_ppm(const struct vtel_times *t);
u32 vtel_times_wait_ppm(const struct vtel_times *t);
u32 vtel_times_share_ppm(u64 part, const struct vtel_times *t);

#endif /* _VTEL_SPLIT_H */
