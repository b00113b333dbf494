// SPDX-License-Identifier: GPL-2.0
/* The probes' clock: which one, and its scale (vtel_clock.h). */
#include <linux/math64.h>
#include <linux/irqflags.h>
#include <linux/printk.h>
#include <linux/time64.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>

#include "vtel_clock.h"

DEFINE_STATIC_KEY_FALSE(vtel_clock_tsc);
struct vtel_clock_scale vtel_clock_scale __read_mostly;

static bool vtel_clock_tsc_ok(void)
{
	/*
	 * Without constant_tsc a frequency change marks it unstable
	 * (tsc.c's cpufreq notifier), which the tick then sees.
	 */
	return boot_cpu_has(X86_FEATURE_TSC) && !check_tsc_unstable() &&
	       tsc_khz;
}

/* Before the probes attach: no probe runs while the key flips. */
void vtel_clock_init(void)
{
	unsigned long flags;

	if (!vtel_clock_tsc_ok()) {
		pr_info("vtel: clock: local_clock() (TSC not stable)\n");
		return;
	}
	vtel_clock_scale.mult = div_u64((u64)NSEC_PER_MSEC << 32, tsc_khz);
	vtel_clock_scale.off = 0;
	local_irq_save(flags);
	vtel_clock_scale.off = local_clock() - vtel_clock_tsc_now();
	local_irq_restore(flags);
	static_branch_enable(&vtel_clock_tsc);
	pr_info("vtel: clock: TSC at %u kHz\n", tsc_khz);
}

/*
 * The worker's tick: the clocksource watchdog may mark the TSC unstable
 * at run time. The exits in flight then may read one time off by the
 * drift; their deltas are clamped at 0 by the probes.
 */
void vtel_clock_check(void)
{
	if (static_key_enabled(&vtel_clock_tsc) && check_tsc_unstable()) {
		static_branch_disable(&vtel_clock_tsc);
		pr_warn("vtel: clock: TSC marked unstable, now local_clock()\n");
	}
}

const char *vtel_clock_name(void)
{
	return static_key_enabled(&vtel_clock_tsc) ? "tsc" : "local_clock";
}
