// SPDX-License-Identifier: GPL-2.0
/*
 * vtel top: per-second exit rates by VM and by reason, from successive
 * GET_VMS and GET_EXITS (host view) snapshots, or by cgroup (--by cgroup)
 * from GET_CGROUPS: each cgroup's own numbers, without descendants, so
 * that an exit shows once, in the cgroup its vCPU thread was in. On a
 * terminal it redraws the screen (ANSI clear, like kvm_stat) and 'q'
 * quits; otherwise, or with -j, it prints one snapshot per interval
 * without escape codes (JSON: one object per line).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cgtree.h"
#include "cmds.h"
#include "human.h"
#include "print.h"
#include "rates.h"
#include "term.h"

static int snapshot(struct vtel_ctx *ctx, const struct vtel_args *a,
		    struct vtel_snap *s)
{
	struct vtel_sel host = { 0 };
	int err = 0;

	if (a->by == BY_CGROUP)
		return vtel_cg_snapshot(ctx, s, false);
	vtel_list_clear(&s->vms);
	vtel_list_clear(&s->exits);
	if (a->by != BY_REASON)
		err = vtel_get_vms(ctx, &s->vms);
	if (!err && a->by != BY_VM)
		err = vtel_get_exits(ctx, &host, 0, NULL, &s->exits);
	s->t_ns = ctx->mono_ns();
	return err;
}

static void json_rate(struct vtel_out *o, const char *key, double v)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.1f", v >= 0 ? v : 0.0);
	jw_num(o, key, buf);
}

static void json_split(struct vtel_out *o, const struct vtel_split_rate *s)
{
	jw_u64(o, "kvm_ns", s->kvm_ns);
	jw_u64(o, "vmm_ns", s->vmm_ns);
	jw_u64(o, "wait_ns", s->wait_ns);
	jw_u64(o, "idle_ns", s->idle_ns);
	jw_u64(o, "wait_ppm", s->wait_ppm);
}

/*
 * Cgroups where vCPU threads ran: those with own exits. Pure ancestors
 * (their exits are all their descendants') would be rows of zeros.
 */
static bool cg_shown(const struct vtel_cg_rate *c)
{
	return rec_u(c->cg, VTEL_A_EXITS) || c->exits;
}

static void cg_json(struct vtel_out *o, const struct vtel_cg_rate *c,
		    size_t n)
{
	const char *path;
	size_t i;

	jw_arr_open(o, "cgroups");
	for (i = 0; i < n; i++) {
		if (!cg_shown(&c[i]))
			continue;
		path = rec_s(c[i].cg, VTEL_A_CGROUP_PATH);
		jw_obj_open(o, NULL);
		jw_u64(o, "cgroup_id", rec_u(c[i].cg, VTEL_A_CGROUP_ID));
		if (path)
			jw_str(o, "path", path);
		else
			jw_null(o, "path");
		jw_u64(o, "exits", c[i].exits);
		json_rate(o, "exits_per_s", c[i].exits_s);
		jw_u64(o, "handling_ns", c[i].handling_ns);
		jw_u64(o, "guest_ns", c[i].guest_ns);
		json_split(o, &c[i].split);
		json_rate(o, "handling_ns_per_s", c[i].handling_s);
		jw_u64(o, "overhead_ppm", c[i].overhead_ppm);
		jw_obj_close(o);
	}
	jw_arr_close(o);
}

static void render_json(struct vtel_out *o, const struct vtel_args *a,
			uint64_t dt, const struct vtel_vm_rate *vr, size_t nv,
			const struct vtel_reason_rate *rr, size_t nr,
			const struct vtel_cg_rate *cr, size_t nc)
{
	size_t i;

	jw_obj_open(o, NULL);
	jw_u64(o, "interval_ns", dt);
	if (a->by == BY_CGROUP)
		cg_json(o, cr, nc);
	if (a->by == BY_ALL || a->by == BY_VM) {
		jw_arr_open(o, "vms");
		for (i = 0; i < nv; i++) {
			jw_obj_open(o, NULL);
			jw_u64(o, "vm_id", rec_u(vr[i].vm, VTEL_A_VM_ID));
			jw_u64(o, "pid", rec_u(vr[i].vm, VTEL_A_PID));
			jw_str(o, "comm", rec_str(vr[i].vm, VTEL_A_COMM));
			jw_u64(o, "exits", vr[i].exits);
			json_rate(o, "exits_per_s", vr[i].exits_s);
			jw_u64(o, "handling_ns", vr[i].handling_ns);
			jw_u64(o, "guest_ns", vr[i].guest_ns);
			json_split(o, &vr[i].split);
			json_rate(o, "handling_ns_per_s", vr[i].handling_s);
			jw_u64(o, "overhead_ppm", vr[i].overhead_ppm);
			jw_obj_close(o);
		}
		jw_arr_close(o);
	}
	if (a->by == BY_ALL || a->by == BY_REASON) {
		jw_arr_open(o, "reasons");
		for (i = 0; i < nr; i++) {
			jw_obj_open(o, NULL);
			jw_str(o, "reason", rec_str(rr[i].r, VTEL_A_REASON));
			jw_str(o, "category", rec_str(rr[i].r, VTEL_A_CATEGORY));
			jw_u64(o, "exits", rr[i].count);
			json_rate(o, "exits_per_s", rr[i].count_s);
			jw_u64(o, "timed", rr[i].timed);
			jw_u64(o, "total_ns", rr[i].total_ns);
			if (rr[i].timed)
				jw_u64(o, "avg_ns", rr[i].avg_ns);
			else
				jw_null(o, "avg_ns");
			jw_obj_close(o);
		}
		jw_arr_close(o);
	}
	jw_obj_close(o);
	jw_end(o);
}

static void vm_table(FILE *f, const struct vtel_vm_rate *v, size_t n,
		     size_t maxrows)
{
	static const char *const titles[] = {
		"VM", "PID", "COMM", "EXITS/s", "HANDLING/s", "OVERHEAD",
	};
	static const bool left[] = { false, false, true, false, false, false };
	struct vtel_table t;
	char (*c)[VTEL_CELL], h[HUMAN_LEN];
	size_t i;

	vtel_table_init(&t, 6, titles, left);
	for (i = 0; i < n; i++) {
		c = vtel_table_row(&t);
		if (!c)
			break;
		snprintf(c[0], VTEL_CELL, "%llu",
			 (unsigned long long)rec_u(v[i].vm, VTEL_A_VM_ID));
		snprintf(c[1], VTEL_CELL, "%llu",
			 (unsigned long long)rec_u(v[i].vm, VTEL_A_PID));
		text_sanitize(c[2], VTEL_CELL, rec_str(v[i].vm, VTEL_A_COMM));
		snprintf(c[3], VTEL_CELL, "%s", human_rate(h, v[i].exits_s));
		snprintf(c[4], VTEL_CELL, "%s",
			 human_ns(h, (uint64_t)(v[i].handling_s + 0.5)));
		snprintf(c[5], VTEL_CELL, "%s", human_ppm(h, v[i].overhead_ppm));
	}
	vtel_table_print(f, &t, maxrows);
	vtel_table_free(&t);
}

static void reason_table(FILE *f, const struct vtel_reason_rate *r, size_t n,
			 uint64_t total, size_t maxrows)
{
	static const char *const titles[] = {
		"REASON", "CATEGORY", "EXITS/s", "SHARE", "AVG",
	};
	static const bool left[] = { true, true, false, false, false };
	struct vtel_table t;
	char (*c)[VTEL_CELL], h[HUMAN_LEN];
	size_t i;

	vtel_table_init(&t, 5, titles, left);
	for (i = 0; i < n; i++) {
		c = vtel_table_row(&t);
		if (!c)
			break;
		text_sanitize(c[0], VTEL_CELL, rec_str(r[i].r, VTEL_A_REASON));
		text_sanitize(c[1], VTEL_CELL, rec_str(r[i].r, VTEL_A_CATEGORY));
		snprintf(c[2], VTEL_CELL, "%s", human_rate(h, r[i].count_s));
		snprintf(c[3], VTEL_CELL, "%s",
			 human_ppm(h, vtel_ppm(r[i].count, total - r[i].count)));
		if (r[i].timed)
			human_ns(c[4], r[i].avg_ns);
		else
			snprintf(c[4], VTEL_CELL, "-");
	}
	vtel_table_print(f, &t, maxrows);
	vtel_table_free(&t);
}

static void cg_table(FILE *f, const struct vtel_cg_rate *v, size_t n,
		     size_t maxrows)
{
	static const char *const titles[] = {
		"CGROUP", "EXITS/s", "HANDLING/s", "OVERHEAD",
	};
	static const bool left[] = { true, false, false, false };
	const char *path;
	struct vtel_table t;
	char (*c)[VTEL_CELL], h[HUMAN_LEN];
	size_t i;

	vtel_table_init(&t, 4, titles, left);
	for (i = 0; i < n; i++) {
		if (!cg_shown(&v[i]))
			continue;
		c = vtel_table_row(&t);
		if (!c)
			break;
		path = rec_s(v[i].cg, VTEL_A_CGROUP_PATH);
		if (path)
			text_sanitize(c[0], VTEL_CELL, path);
		else
			snprintf(c[0], VTEL_CELL, "(removed, id %llu)",
				 (unsigned long long)rec_u(v[i].cg, VTEL_A_CGROUP_ID));
		snprintf(c[1], VTEL_CELL, "%s", human_rate(h, v[i].exits_s));
		snprintf(c[2], VTEL_CELL, "%s",
			 human_ns(h, (uint64_t)(v[i].handling_s + 0.5)));
		snprintf(c[3], VTEL_CELL, "%s", human_ppm(h, v[i].overhead_ppm));
	}
	vtel_table_print(f, &t, maxrows);
	vtel_table_free(&t);
}

static void render_text(struct vtel_ctx *ctx, const struct vtel_args *a,
			bool screen, uint64_t dt,
			const struct vtel_vm_rate *vr, size_t nv,
			const struct vtel_reason_rate *rr, size_t nr,
			const struct vtel_cg_rate *cr, size_t nc)
{
	FILE *f = ctx->out.f;
	uint64_t total = 0;
	size_t i, rows = 0, vrows = 0, rrows = 0;
	char h[HUMAN_LEN], iv[HUMAN_LEN];

	if (a->by == BY_VM)
		for (i = 0; i < nv; i++)
			total += vr[i].exits;
	else if (a->by == BY_CGROUP)
		for (i = 0; i < nc; i++)
			total += cr[i].exits;
	else
		for (i = 0; i < nr; i++)
			total += rr[i].count;
	if (screen) {
		rows = term_rows();
		/* Title, blank, two headers, blank separator. */
		if (rows > 8) {
			rows -= a->by == BY_ALL ? 6 : 4;
			vrows = a->by == BY_ALL ? rows / 2 : rows;
			rrows = rows - (a->by == BY_ALL ? vrows : 0);
		} else if (rows) {
			vrows = rrows = 1;
		}
		fputs(ANSI_HOME_CLEAR, f);
	}
	fprintf(f, "vtel top: %s exits/s over %s%s\n\n",
		human_rate(h, dt ? (double)total * 1e9 / (double)dt : 0.0),
		human_ns(iv, dt), screen ? " (q quits)" : "");
	if (a->by == BY_CGROUP)
		cg_table(f, cr, nc, vrows);
	if (a->by == BY_ALL || a->by == BY_VM)
		vm_table(f, vr, nv, vrows);
	if (a->by == BY_ALL)
		fputc('\n', f);
	if (a->by == BY_ALL || a->by == BY_REASON)
		reason_table(f, rr, nr, total, rrows);
	if (!screen)
		fputc('\n', f);
	fflush(f);
}

static int render(struct vtel_ctx *ctx, const struct vtel_args *a,
		  bool screen, const struct vtel_snap *prev,
		  const struct vtel_snap *cur)
{
	struct vtel_vm_rate *vr = NULL;
	struct vtel_reason_rate *rr = NULL;
	struct vtel_cg_rate *cr = NULL;
	size_t nv = 0, nr = 0, nc = 0;
	uint64_t dt = cur->t_ns - prev->t_ns;
	int err;

	err = vtel_rates_vms(prev, cur, &vr, &nv);
	if (!err)
		err = vtel_rates_reasons(prev, cur, &rr, &nr);
	if (!err)
		err = vtel_rates_cgroups(prev, cur, false, true, &cr, &nc);
	if (!err) {
		if (ctx->out.json)
			render_json(&ctx->out, a, dt, vr, nv, rr, nr, cr, nc);
		else
			render_text(ctx, a, screen, dt, vr, nv, rr, nr, cr, nc);
	}
	free(vr);
	free(rr);
	free(cr);
	return err;
}

int cmd_top(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_snap s[2];
	bool screen = ctx->tty && !ctx->out.json;
	unsigned int i, cur = 1;
	int err;

	memset(s, 0, sizeof(s));
	err = snapshot(ctx, a, &s[0]);
	if (err)
		goto out;
	if (screen) {
		if (term_raw_enter())
			screen = false;
		else
			fputs(ANSI_HIDE_CUR ANSI_HOME_CLEAR "vtel top: collecting...\n",
			      ctx->out.f);
		fflush(ctx->out.f);
	}
	for (i = 0; !a->count || i < a->count; i++) {
		if (ctx->wait(ctx, a->interval_ms))
			break;
		err = snapshot(ctx, a, &s[cur]);
		if (err)
			break;
		err = render(ctx, a, screen, &s[!cur], &s[cur]);
		if (err)
			break;
		cur = !cur;
	}
	if (screen) {
		fputs(ANSI_SHOW_CUR, ctx->out.f);
		fflush(ctx->out.f);
		term_raw_leave();
	}
out:
	vtel_snap_free(&s[0]);
	vtel_snap_free(&s[1]);
	if (err == -EINTR && ctx->stop && *ctx->stop)
		err = 0;
	return err ? vtel_report(ctx, err) : VTEL_EXIT_OK;
}
