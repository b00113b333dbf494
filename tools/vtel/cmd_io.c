// SPDX-License-Identifier: GPL-2.0
/*
 * vtel io: GET_VIEW to pin the VM, then GET_ADDRS. Two tables, like perf
 * kvm stat report --event=ioport and --event=mmio: port and direction,
 * then MMIO page and access, each by decreasing count with its share of
 * that table's count and time, its average and its time split; then the
 * other row. Text and JSON from the same field tables (print.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cmds.h"
#include "print.h"
#include "view.h"

const char *vtel_addr_kind_name(uint64_t kind)
{
	switch (kind) {
	case VTEL_ADDR_PIO_IN:
		return "in";
	case VTEL_ADDR_PIO_OUT:
		return "out";
	case VTEL_ADDR_MMIO_READ:
		return "read";
	case VTEL_ADDR_MMIO_WRITE:
		return "write";
	case VTEL_ADDR_MMIO:
		return "access";
	case VTEL_ADDR_OTHER:
		return "other";
	default:
		return "?";
	}
}

bool vtel_addr_is_pio(uint64_t kind)
{
	return kind == VTEL_ADDR_PIO_IN || kind == VTEL_ADDR_PIO_OUT;
}

/* A row's count and time, their shares of its table's, its average, split. */
#define ROW_COLS							\
	{ "count", "COUNT", VTEL_A_COUNT, VF_COUNT, 0 },		\
	{ "count_pct", "COUNT%", VTEL_X_COUNT_PPM, VF_PCT, 0 },		\
	{ "total_ns", "TIME", VTEL_A_TOTAL_NS, VF_NS, 0 },		\
	{ "time_pct", "TIME%", VTEL_X_TIME_PPM, VF_PCT, 0 },		\
	{ "avg_ns", "AVG", VTEL_X_AVG_NS, VF_NS, 0 },			\
	VTEL_SPLIT_COLS(VC_OPT)

static const struct vtel_col port_cols[] = {
	{ "port", "PORT", VTEL_A_ADDR, VF_HEX, 0 },
	{ "dir", "ACCESS", VTEL_A_ADDR_KIND, VF_ADDR_KIND, 0 },
	ROW_COLS,
};

static const struct vtel_col page_cols[] = {
	{ "gpa", "MMIO PAGE", VTEL_A_ADDR, VF_HEX, 0 },
	{ "access", "ACCESS", VTEL_A_ADDR_KIND, VF_ADDR_KIND, 0 },
	ROW_COLS,
};

static const struct vtel_col other_cols[] = {
	{ "count", "count", VTEL_A_COUNT, VF_COUNT, 0 },
	{ "total_ns", "time", VTEL_A_TOTAL_NS, VF_NS, 0 },
	VTEL_SPLIT_COLS(VC_OPT),
};

/* part / whole in ppm, rounded down; 0 of nothing. */
static uint64_t share_ppm(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	if (part > UINT64_MAX / 1000000)
		return (uint64_t)((double)part * 1e6 / (double)whole);
	return part * 1000000 / whole;
}

/*
 * One table: the rows of l for which pio(kind) == want_pio, with their
 * shares and averages added, through the shared print path.
 */
static int print_kind(struct vtel_out *o, struct vtel_list *l, bool want_pio)
{
	const struct vtel_rec **rows;
	uint64_t count = 0, ns = 0, kind;
	struct vtel_rec *r;
	size_t i, n = 0;

	rows = calloc(l->n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		r = &l->v[i];
		kind = rec_u(r, VTEL_A_ADDR_KIND);
		if (kind == VTEL_ADDR_OTHER || vtel_addr_is_pio(kind) != want_pio)
			continue;
		count += rec_u(r, VTEL_A_COUNT);
		ns += rec_u(r, VTEL_A_TOTAL_NS);
		rows[n++] = r;
	}
	for (i = 0; i < n; i++) {
		r = (struct vtel_rec *)rows[i];
		rec_set(r, VTEL_X_COUNT_PPM,
			share_ppm(rec_u(r, VTEL_A_COUNT), count));
		rec_set(r, VTEL_X_TIME_PPM,
			share_ppm(rec_u(r, VTEL_A_TOTAL_NS), ns));
		if (rec_u(r, VTEL_A_COUNT))
			rec_set(r, VTEL_X_AVG_NS, rec_u(r, VTEL_A_TOTAL_NS) /
				rec_u(r, VTEL_A_COUNT));
	}
	if (n && !o->json)
		fputc('\n', o->f);
	if (n || o->json)
		vtel_print_table(o, want_pio ? "ports" : "mmio",
				 want_pio ? port_cols : page_cols,
				 want_pio ? ARRAY_SIZE(port_cols) :
					    ARRAY_SIZE(page_cols), rows, n);
	free(rows);
	return 0;
}

/* The other row (at most one); text only when it is not empty. */
static void print_other(struct vtel_out *o, const struct vtel_list *l)
{
	static const struct vtel_rec none = {
		.has = { [VTEL_A_COUNT] = true, [VTEL_A_TOTAL_NS] = true,
			 [VTEL_A_KVM_NS] = true, [VTEL_A_VMM_NS] = true,
			 [VTEL_A_WAIT_NS] = true, [VTEL_A_IDLE_NS] = true,
			 [VTEL_A_POLL_NS] = true },
	};
	const struct vtel_rec *r = &none;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (rec_u(&l->v[i], VTEL_A_ADDR_KIND) == VTEL_ADDR_OTHER)
			r = &l->v[i];
	if (o->json) {
		jw_obj_open(o, "other");
		vtel_print_record(o, other_cols, ARRAY_SIZE(other_cols), r);
		jw_obj_close(o);
	} else if (rec_u(r, VTEL_A_COUNT)) {
		fputs("\nother (addresses the tables did not keep): ", o->f);
		vtel_print_inline(o, other_cols, ARRAY_SIZE(other_cols), r);
	}
}

int cmd_io(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_out *o = &ctx->out;
	struct vtel_list l = { 0 };
	struct vtel_sel sel = a->sel;
	struct vtel_rec view;
	int err;

	err = vtel_get_view(ctx, &sel, &view);
	if (err)
		return vtel_report(ctx, err);
	vtel_pin_sel(&sel, &view);
	err = vtel_get_addrs(ctx, &sel, &l);
	if (err) {
		vtel_rec_free(&view);
		vtel_list_free(&l);
		return vtel_report(ctx, err);
	}
	if (o->json)
		jw_obj_open(o, NULL);
	vtel_print_view(o, &view);
	err = print_kind(o, &l, true);
	if (!err)
		err = print_kind(o, &l, false);
	if (err) {
		vtel_rec_free(&view);
		vtel_list_free(&l);
		return vtel_report(ctx, err);
	}
	print_other(o, &l);
	if (o->json) {
		jw_obj_close(o);
		jw_end(o);
	} else if (!l.n) {
		fputs("\nno port-IO or MMIO exits\n", o->f);
	}
	vtel_rec_free(&view);
	vtel_list_free(&l);
	return VTEL_EXIT_OK;
}
