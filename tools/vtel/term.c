// SPDX-License-Identifier: GPL-2.0
/* Terminal raw mode, the refresh wait of vtel top, signals, clocks. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "term.h"

static struct termios saved;
static int raw_active;
static volatile sig_atomic_t stop_flag;

void term_raw_leave(void)
{
	if (!raw_active)
		return;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	raw_active = 0;
}

int term_raw_enter(void)
{
	struct termios t;

	if (raw_active)
		return 0;
	if (tcgetattr(STDIN_FILENO, &saved))
		return -errno;
	t = saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t))
		return -errno;
	raw_active = 1;
	atexit(term_raw_leave);
	return 0;
}

unsigned int term_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row)
		return 0;
	return ws.ws_row;
}

static bool stopping(const struct vtel_ctx *ctx)
{
	return ctx->stop && *ctx->stop;
}

int term_wait(struct vtel_ctx *ctx, unsigned int ms)
{
	uint64_t end = clock_mono_ns() + (uint64_t)ms * 1000000, now;
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;
	int n;

	for (;;) {
		if (stopping(ctx))
			return 1;
		now = clock_mono_ns();
		if (now >= end)
			return 0;
		n = poll(&p, raw_active ? 1 : 0,
			 (int)((end - now + 999999) / 1000000));
		if (n < 0 && errno != EINTR)
			return 1;
		if (n > 0 && (p.revents & POLLIN)) {
			if (read(STDIN_FILENO, &c, 1) == 1 &&
			    (c == 'q' || c == 'Q'))
				return 1;
		} else if (n > 0) {
			return 1;	/* POLLHUP/POLLERR: the terminal went away */
		}
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

void term_catch_signals(struct vtel_ctx *ctx)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ctx->stop = &stop_flag;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t clock_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t clock_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}
