/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probes' clock, in ns. With a stable TSC it is an inline rdtsc scaled
 * by tsc_khz (a multiply and a shift, no call, no seqcount), offset to
 * agree with local_clock() at load; otherwise, or once the kernel marks
 * the TSC unstable (the worker's tick looks), local_clock() behind a
 * static key. Only differences of it are ever reported.
 */
#ifndef _VTEL_CLOCK_H
#define _VTEL_CLOCK_H

#include <linux/jump_label.h>
#include <linux/sched/clock.h>
#include <asm/msr.h>

/* ns = (tsc * mult) >> 32, in 128 bits: no range limit, no realignment. */
struct vtel_clock_scale {
	u64 mult;
	u64 off;
};

DECLARE_STATIC_KEY_FALSE(vtel_clock_tsc);
extern struct vtel_clock_scale vtel_clock_scale;

static __always_inline u64 vtel_clock_tsc_ns(u64 tsc)
{
	u64 lo, hi;

	asm("mulq %3" : "=a" (lo), "=d" (hi) : "a" (tsc),
	    "rm" (vtel_clock_scale.mult));
	return ((lo >> 32) | (hi << 32)) + vtel_clock_scale.off;
}

/* Only where the caller tested vtel_clock_tsc itself (vtel_hook.c). */
static __always_inline u64 vtel_clock_tsc_now(void)
{
	return vtel_clock_tsc_ns(rdtsc());
}

static __always_inline u64 vtel_clock(void)
{
	if (static_branch_likely(&vtel_clock_tsc))
		return vtel_clock_tsc_now();
	return local_clock();
}

void vtel_clock_init(void);
void vtel_clock_check(void);
const char *vtel_clock_name(void);

#endif /* _VTEL_CLOCK_H */
