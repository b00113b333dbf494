// SPDX-License-Identifier: GPL-2.0
/*
 * vtel io: GET_VIEW to pin the VM, then GET_ADDRS. Two tables, like perf
 * kvm stat report --event=ioport and --event=mmio: port and direction,
 * then MMIO page and access, each by decreasing count with its share of
 * that table's count and time, then the other row.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cmds.h"
#include "human.h"
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

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* One table: the rows of l for which pio(kind) == want_pio. */
static void print_kind(struct vtel_out *o, const struct vtel_list *l,
		       bool want_pio)
{
	static const char *const titles[] = {
		NULL, "ACCESS", "COUNT", "COUNT%", "TIME", "TIME%", "AVG",
	};
	static const bool left[] = { true, true, false, false, false, false,
				     false };
	const char *t[ARRAY_SIZE(titles)];
	uint64_t count = 0, ns = 0;
	char (*c)[VTEL_CELL], h[HUMAN_LEN];
	struct vtel_table tab;
	const struct vtel_rec *r;
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		r = &l->v[i];
		if (rec_u(r, VTEL_A_ADDR_KIND) == VTEL_ADDR_OTHER ||
		    vtel_addr_is_pio(rec_u(r, VTEL_A_ADDR_KIND)) != want_pio)
			continue;
		count += rec_u(r, VTEL_A_COUNT);
		ns += rec_u(r, VTEL_A_TOTAL_NS);
		n++;
	}
	if (o->json)
		jw_arr_open(o, want_pio ? "ports" : "mmio");
	memcpy(t, titles, sizeof(t));
	t[0] = want_pio ? "PORT" : "MMIO PAGE";
	if (!o->json && vtel_table_init(&tab, ARRAY_SIZE(t), t, left))
		return;
	for (i = 0; i < l->n; i++) {
		uint64_t kind, cnt, tns;

		r = &l->v[i];
		kind = rec_u(r, VTEL_A_ADDR_KIND);
		if (kind == VTEL_ADDR_OTHER || vtel_addr_is_pio(kind) != want_pio)
			continue;
		cnt = rec_u(r, VTEL_A_COUNT);
		tns = rec_u(r, VTEL_A_TOTAL_NS);
		if (o->json) {
			char pct[32];

			jw_obj_open(o, NULL);
			jw_u64(o, want_pio ? "port" : "gpa", rec_u(r, VTEL_A_ADDR));
			jw_str(o, want_pio ? "dir" : "access",
			       vtel_addr_kind_name(kind));
			jw_u64(o, "count", cnt);
			jw_u64(o, "total_ns", tns);
			snprintf(pct, sizeof(pct), "%.2f", share(cnt, count));
			jw_num(o, "count_pct", pct);
			snprintf(pct, sizeof(pct), "%.2f", share(tns, ns));
			jw_num(o, "time_pct", pct);
			jw_obj_close(o);
			continue;
		}
		c = vtel_table_row(&tab);
		if (!c)
			break;
		snprintf(c[0], VTEL_CELL, "%#" PRIx64, rec_u(r, VTEL_A_ADDR));
		snprintf(c[1], VTEL_CELL, "%s", vtel_addr_kind_name(kind));
		snprintf(c[2], VTEL_CELL, "%s", human_count(h, cnt));
		snprintf(c[3], VTEL_CELL, "%.2f%%", share(cnt, count));
		snprintf(c[4], VTEL_CELL, "%s", human_ns(h, tns));
		snprintf(c[5], VTEL_CELL, "%.2f%%", share(tns, ns));
		snprintf(c[6], VTEL_CELL, "%s", cnt ? human_ns(h, tns / cnt) : "-");
	}
	if (o->json) {
		jw_arr_close(o);
		return;
	}
	if (n) {
		fputc('\n', o->f);
		vtel_table_print(o->f, &tab, 0);
	}
	vtel_table_free(&tab);
}

static void print_other(struct vtel_out *o, const struct vtel_list *l)
{
	char a[HUMAN_LEN], b[HUMAN_LEN];
	uint64_t count = 0, ns = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (rec_u(&l->v[i], VTEL_A_ADDR_KIND) != VTEL_ADDR_OTHER)
			continue;
		count += rec_u(&l->v[i], VTEL_A_COUNT);
		ns += rec_u(&l->v[i], VTEL_A_TOTAL_NS);
	}
	if (o->json) {
		jw_obj_open(o, "other");
		jw_u64(o, "count", count);
		jw_u64(o, "total_ns", ns);
		jw_obj_close(o);
	} else if (count) {
		fprintf(o->f, "\nother (no room in the table): %s exits, %s\n",
			human_count(a, count), human_ns(b, ns));
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
	print_kind(o, &l, true);
	print_kind(o, &l, false);
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
