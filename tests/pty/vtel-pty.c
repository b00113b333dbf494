// SPDX-License-Identifier: GPL-2.0
/*
 * vtel-pty SECONDS CMD [ARGS...]: run CMD on a new pseudo-terminal (80x24),
 * copy what it draws to stdout, type "q" after SECONDS, and exit with CMD's
 * status (124 if it is still running 5 s after the "q"). For testing
 * `vtel top` in the lab, where there is no terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	double start, quit_at;
	int master, status;
	bool sent = false;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SECONDS CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("vtel-pty: forkpty");
		return 2;
	}
	if (!pid) {
		execvp(argv[2], argv + 2);
		perror("vtel-pty: exec");
		_exit(127);
	}
	start = now();
	quit_at = start + atof(argv[1]);
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		char buf[4096];
		ssize_t n;

		if (!sent && now() >= quit_at) {
			if (write(master, "q", 1) != 1)
				perror("vtel-pty: write");
			sent = true;
		}
		if (sent && now() > quit_at + 5) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "vtel-pty: still running 5 s after q\n");
			return 124;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;	/* EIO: the child closed the terminal */
		fwrite(buf, 1, n, stdout);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
