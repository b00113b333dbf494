// SPDX-License-Identifier: GPL-2.0
/*
 * The time split's slow side: cutting an exit at its marks, deriving the
 * five buckets of a view, and the ratios reported beside them.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>

#include "vtel_split.h"

/*
 * Ends the piece of the exit since its last mark (or since kvm_exit) at
 * now: its run delay goes to wait, the rest is returned. The run delay
 * is a difference of a wrapping counter, and never more than the piece:
 * a vCPU run by another thread than at its last mark reads another
 * thread's counter.
 */
static u64 vtel_split_piece(struct vtel_split_state *st, u64 exit_ns,
			    u64 now, u64 rd)
{
	u64 since = st->flags & VTEL_SPLIT_MARKED ? st->mark_ns : exit_ns;
	u64 len = now > since ? now - since : 0;
	u64 wait = min(rd - st->rd, len);

	st->acc.wait_ns += wait;
	st->rd = rd;
	st->mark_ns = now;
	return len - wait;
}

static void vtel_split_phase(struct vtel_split_state *st, u64 rest)
{
	if (st->flags & VTEL_SPLIT_VMM)
		st->acc.vmm_ns += rest;
}

static void vtel_split_user_apply(struct vtel_split_state *st, u64 exit_ns,
				  u64 now, u64 rd)
{
	vtel_split_phase(st, vtel_split_piece(st, exit_ns, now, rd));
	st->flags = VTEL_SPLIT_MARKED | VTEL_SPLIT_VMM;
}

/* Applies a first user mark that vtel_split_user_fast() only stored. */
static void vtel_split_unlazy(struct vtel_split_state *st, u64 exit_ns)
{
	if (st->flags & VTEL_SPLIT_LAZY) {
		st->flags = 0;
		vtel_split_user_apply(st, exit_ns, st->lazy_ns, st->lazy_rd);
	}
}

/* kvm_userspace_exit: what came before is KVM's (or the VMM's again). */
void notrace vtel_split_user(struct vtel_split_state *st, u64 exit_ns, u64 now,
			     u64 rd)
{
	vtel_split_unlazy(st, exit_ns);
	vtel_split_user_apply(st, exit_ns, now, rd);
}

/*
 * kvm_vcpu_wakeup: the piece ends with a halt of halt_ns, poll_ns of it
 * polling. The run delay of the piece is taken to be inside the halt (a
 * woken thread waits for a CPU before it runs again); what precedes the
 * halt belongs to the phase: the VMM's if KVM_RUN was called on a halted
 * vCPU, else KVM's. After a halt, KVM has the exit.
 */
void notrace vtel_split_wakeup(struct vtel_split_state *st, u64 exit_ns, u64 now,
			       u64 rd, u64 halt_ns, u64 poll_ns)
{
	u64 wait0, rest, wait, idle;

	vtel_split_unlazy(st, exit_ns);
	wait0 = st->acc.wait_ns;
	rest = vtel_split_piece(st, exit_ns, now, rd);
	wait = st->acc.wait_ns - wait0;
	idle = min(halt_ns > wait ? halt_ns - wait : 0, rest);

	st->acc.idle_ns += idle;
	st->acc.poll_ns += min(poll_ns, idle);
	vtel_split_phase(st, rest - idle);
	st->flags = VTEL_SPLIT_MARKED;
}

/* kvm_entry: the last piece, and the split of the whole exit into out. */
void notrace vtel_split_end(struct vtel_split_state *st, u64 exit_ns, u64 now,
			    u64 rd, struct vtel_split *out)
{
	vtel_split_unlazy(st, exit_ns);
	vtel_split_phase(st, vtel_split_piece(st, exit_ns, now, rd));
	*out = st->acc;
	st->acc = (struct vtel_split){};
	st->flags = 0;
}

/*
 * The buckets of a view from its guest time, handling time and split: kvm
 * is the handling time nothing else claims. A reader racing the vCPU may
 * see a split newer than the handling time; kvm is then 0, never negative.
 */
void vtel_times_make(struct vtel_times *t, u64 guest_ns, u64 handling_ns,
		     const struct vtel_split *s)
{
	u64 other = s->vmm_ns + s->wait_ns + s->idle_ns;

	t->guest_ns = guest_ns;
	t->kvm_ns = handling_ns > other ? handling_ns - other : 0;
	t->vmm_ns = s->vmm_ns;
	t->wait_ns = s->wait_ns;
	t->idle_ns = s->idle_ns;
	t->poll_ns = min(s->poll_ns, s->idle_ns);
}

/*
 * (n1 + n2) / (a + b + c + d) in parts per million, rounded down, at most
 * a million. When a sum does not fit in 64 bits every term is shifted
 * right by two first (four terms below 2^62 cannot overflow), which
 * changes the result by at most a few ppm.
 */
static u32 vtel_ppm(u64 n1, u64 n2, u64 a, u64 b, u64 c, u64 d)
{
	u64 num, den;

	if (check_add_overflow(n1, n2, &num) ||
	    check_add_overflow(a, b, &den) ||
	    check_add_overflow(den, c, &den) ||
	    check_add_overflow(den, d, &den)) {
		num = (n1 >> 2) + (n2 >> 2);
		den = (a >> 2) + (b >> 2) + (c >> 2) + (d >> 2);
	}
	if (!den)
		return 0;
	if (num >= den)
		return 1000000;
	return mul_u64_u64_div_u64(num, 1000000, den);
}

/* (kvm + vmm) / (guest + kvm + vmm): idle and wait are not overhead. */
u32 vtel_times_overhead_ppm(const struct vtel_times *t)
{
	return vtel_ppm(t->kvm_ns, t->vmm_ns, t->guest_ns, t->kvm_ns,
			t->vmm_ns, 0);
}

/* wait / (guest + kvm + vmm + wait): what the guest sees as steal time. */
u32 vtel_times_wait_ppm(const struct vtel_times *t)
{
	return vtel_ppm(t->wait_ns, 0, t->guest_ns, t->kvm_ns, t->vmm_ns,
			t->wait_ns);
}

/* A part of the cost (a reason's kvm + vmm) over overhead's denominator. */
u32 vtel_times_share_ppm(u64 part, const struct vtel_times *t)
{
	return vtel_ppm(part, 0, t->guest_ns, t->kvm_ns, t->vmm_ns, 0);
}
