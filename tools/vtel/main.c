// SPDX-License-Identifier: GPL-2.0
/* vtel: main() wires the real world (netlink, terminal, clocks) in. */
#include <unistd.h>

#include "nl.h"
#include "term.h"

int main(int argc, char **argv)
{
	struct vtel_ctx ctx = {
		.out = { .f = stdout },
		.err = stderr,
		.io = &vtel_nlsock_io,
		.mono_ns = clock_mono_ns,
		.wall_ns = clock_wall_ns,
		.wait = term_wait,
		.catch_signals = term_catch_signals,
	};
	int ret;

	ctx.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	ret = vtel_main(&ctx, argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		fputs("vtel: error writing the output\n", stderr);
		if (!ret)
			ret = VTEL_EXIT_ERROR;
	}
	return ret;
}
