// SPDX-License-Identifier: GPL-2.0
/*
 * vtel events: joins the "events" multicast group and prints each VM
 * start and stop, as text or JSON lines, until SIGINT/SIGTERM or --count.
 */
#include <errno.h>
#include <time.h>

#include "api.h"
#include "cmds.h"
#include "print.h"

static const struct vtel_col start_cols[] = {
	{ "event", "", VTEL_A_EVENT, VF_EVENT, 0 },
	{ "vm_id", "VM", VTEL_A_VM_ID, VF_ID, 0 },
	{ "pid", "pid", VTEL_A_PID, VF_ID, 0 },
	{ "comm", "comm", VTEL_A_COMM, VF_STR, 0 },
};

static const struct vtel_col stop_cols[] = {
	{ "event", "", VTEL_A_EVENT, VF_EVENT, 0 },
	{ "vm_id", "VM", VTEL_A_VM_ID, VF_ID, 0 },
	{ "pid", "pid", VTEL_A_PID, VF_ID, 0 },
	{ "comm", "comm", VTEL_A_COMM, VF_STR, 0 },
	{ "exits", "exits", VTEL_A_EXITS, VF_COUNT, 0 },
	{ "handling_ns", "handling", VTEL_A_HANDLING_NS, VF_NS, 0 },
	{ "guest_ns", "guest", VTEL_A_GUEST_NS, VF_NS, 0 },
};

struct ev_state {
	struct vtel_ctx *ctx;
	unsigned int seen, max;
};

static int print_event(const struct vtel_rec *ev, void *arg)
{
	struct ev_state *st = arg;
	struct vtel_out *o = &st->ctx->out;
	bool stop = rec_u(ev, VTEL_A_EVENT) == VTEL_EVENT_VM_STOP;
	const struct vtel_col *cols = stop ? stop_cols : start_cols;
	size_t n = stop ? ARRAY_SIZE(stop_cols) : ARRAY_SIZE(start_cols);
	uint64_t now = st->ctx->wall_ns();
	time_t secs = (time_t)(now / 1000000000);
	struct tm tm;
	char when[40];

	if (st->max && st->seen >= st->max)
		return 0;
	st->seen++;
	if (o->json) {
		jw_obj_open(o, NULL);
		jw_u64(o, "time_ns", now);
		vtel_print_inline(o, cols, n, ev);
		jw_obj_close(o);
		jw_end(o);
		return 0;
	}
	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(o->f, "%s.%03u ", when,
		(unsigned int)(now / 1000000 % 1000));
	vtel_print_inline(o, cols, n, ev);
	fflush(o->f);
	return 0;
}

int cmd_events(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct ev_state st = { .ctx = ctx, .max = a->count };
	int n, err;

	err = vtel_events_open(ctx);
	if (err)
		return vtel_report(ctx, err);
	while (!st.max || st.seen < st.max) {
		if (ctx->stop && *ctx->stop)
			break;
		n = vtel_events_read(ctx, -1, print_event, &st);
		if (n == -EINTR)
			continue;
		if (n == -ENOBUFS) {
			fprintf(ctx->err, "vtel: events lost: socket receive buffer overrun\n");
			continue;
		}
		if (n < 0)
			return vtel_report(ctx, n);
	}
	return VTEL_EXIT_OK;
}
