// SPDX-License-Identifier: GPL-2.0
/*
 * vtel-fake: the vtel CLI against the fake kernel of the unit tests, for
 * trying commands and producing the documentation's examples without a
 * vtel module: "vtel-fake -j exits --pid 4242". With VTEL_FAKE_TTY=1 it
 * behaves like the real vtel on a terminal (raw mode, 'q', signals) while
 * the fake's counters advance with each refresh: tests/tty_top.py. The
 * cgroups' cpu.stat files are in a temporary directory, removed at exit.
 * FAKE_NVMS=N makes N VMs of the first one (ids 1..N), at most
 * FAKE_MAX_VMS: make fake-prof builds it for N up to 1024, -O2 and without
 * sanitizers, for profiling the CLI's dumps under callgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fake.h"
#include "term.h"

static void fake_nvms(struct fake *f, const char *n)
{
	unsigned int i;

	if (!n)
		return;
	f->nvms = strtoul(n, NULL, 10);
	if (f->nvms > FAKE_MAX_VMS)
		f->nvms = FAKE_MAX_VMS;
	for (i = 1; i < f->nvms; i++) {
		f->vms[i] = f->vms[0];
		f->vms[i].id = i + 1;
		f->vms[i].pid = f->vms[0].pid + i;
	}
}

static int tty_wait(struct vtel_ctx *ctx, unsigned int ms)
{
	struct fake *f = ctx->io_priv;
	int quit = term_wait(ctx, ms);

	fake_tick(f, ms);
	return quit;
}

int main(int argc, char **argv)
{
	struct vtel_ctx ctx;
	struct fake f;
	int rc;

	setenv("TZ", "UTC", 1);
	fake_init(&f);
	fake_nvms(&f, getenv("FAKE_NVMS"));
	fake_cgroupfs(&f);	/* cpu.stat files, for the CPU share */
	fake_ctx(&ctx, &f, stdout, stderr);
	if (getenv("VTEL_FAKE_TTY")) {
		ctx.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
		ctx.wait = tty_wait;
		ctx.catch_signals = term_catch_signals;
	}
	rc = vtel_main(&ctx, argc, argv);
	fake_cgroupfs_remove(&f);
	fake_free(&f);
	return rc;
}
