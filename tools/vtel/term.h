/* SPDX-License-Identifier: GPL-2.0 */
/* The terminal for vtel top, signals, clocks: the real-world side. */
#ifndef VTEL_TERM_H
#define VTEL_TERM_H

#include <stdint.h>

#include "vtel.h"

#define ANSI_HOME_CLEAR	"\033[H\033[2J"
#define ANSI_HIDE_CUR	"\033[?25l"
#define ANSI_SHOW_CUR	"\033[?25h"

/* Non-canonical, no echo, keeps ISIG; restored at exit. 0 or -errno. */
int term_raw_enter(void);
void term_raw_leave(void);
/* Terminal rows of stdout, 0 if unknown. */
unsigned int term_rows(void);

/* ctx->wait: sleeps ms, returns 1 early on 'q', Ctrl-C or SIGTERM. */
int term_wait(struct vtel_ctx *ctx, unsigned int ms);
/* ctx->catch_signals: SIGINT and SIGTERM set *ctx->stop. */
void term_catch_signals(struct vtel_ctx *ctx);

uint64_t clock_mono_ns(void);
uint64_t clock_wall_ns(void);

#endif /* VTEL_TERM_H */
