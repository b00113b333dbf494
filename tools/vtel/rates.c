// SPDX-License-Identifier: GPL-2.0
/* Snapshot differences for vtel top. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rates.h"

uint64_t vtel_delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

uint32_t vtel_ppm(uint64_t part, uint64_t rest)
{
	unsigned __int128 total = (unsigned __int128)part + rest;

	if (!total)
		return 0;
	return (uint32_t)((unsigned __int128)part * 1000000 / total);
}

static double per_s(uint64_t v, uint64_t dt_ns)
{
	return dt_ns ? (double)v * 1e9 / (double)dt_ns : 0.0;
}

static const struct vtel_rec *find_vm(const struct vtel_list *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (rec_u(&l->v[i], VTEL_A_VM_ID) == id)
			return &l->v[i];
	return NULL;
}

static const struct vtel_rec *find_reason(const struct vtel_list *l,
					  const struct vtel_rec *r)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(rec_str(&l->v[i], VTEL_A_REASON), rec_str(r, VTEL_A_REASON)) &&
		    rec_u(&l->v[i], VTEL_A_ISA) == rec_u(r, VTEL_A_ISA))
			return &l->v[i];
	return NULL;
}

static uint64_t d(const struct vtel_rec *p, const struct vtel_rec *c, int a)
{
	return vtel_delta(p ? rec_u(p, a) : 0, rec_u(c, a));
}

static int cmp_vm(const void *pa, const void *pb)
{
	const struct vtel_vm_rate *a = pa, *b = pb;

	if (a->exits != b->exits)
		return a->exits < b->exits ? 1 : -1;
	return rec_u(a->vm, VTEL_A_VM_ID) < rec_u(b->vm, VTEL_A_VM_ID) ? -1 : 1;
}

static int cmp_reason(const void *pa, const void *pb)
{
	const struct vtel_reason_rate *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return strcmp(rec_str(a->r, VTEL_A_REASON), rec_str(b->r, VTEL_A_REASON));
}

int vtel_rates_vms(const struct vtel_snap *prev, const struct vtel_snap *cur,
		   struct vtel_vm_rate **out, size_t *n)
{
	uint64_t dt = cur->t_ns - prev->t_ns;
	const struct vtel_rec *p, *c;
	struct vtel_vm_rate *v;
	size_t i;

	v = calloc(cur->vms.n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < cur->vms.n; i++) {
		c = &cur->vms.v[i];
		p = find_vm(&prev->vms, rec_u(c, VTEL_A_VM_ID));
		v[i].vm = c;
		v[i].exits = d(p, c, VTEL_A_EXITS);
		v[i].handling_ns = d(p, c, VTEL_A_HANDLING_NS);
		v[i].guest_ns = d(p, c, VTEL_A_GUEST_NS);
		v[i].exits_s = per_s(v[i].exits, dt);
		v[i].handling_s = per_s(v[i].handling_ns, dt);
		v[i].overhead_ppm = vtel_ppm(v[i].handling_ns, v[i].guest_ns);
	}
	qsort(v, cur->vms.n, sizeof(*v), cmp_vm);
	*out = v;
	*n = cur->vms.n;
	return 0;
}

int vtel_rates_reasons(const struct vtel_snap *prev,
		       const struct vtel_snap *cur,
		       struct vtel_reason_rate **out, size_t *n)
{
	uint64_t dt = cur->t_ns - prev->t_ns;
	const struct vtel_rec *p, *c;
	struct vtel_reason_rate *v;
	size_t i;

	v = calloc(cur->exits.n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < cur->exits.n; i++) {
		c = &cur->exits.v[i];
		p = find_reason(&prev->exits, c);
		v[i].r = c;
		v[i].count = d(p, c, VTEL_A_COUNT);
		v[i].timed = d(p, c, VTEL_A_TIMED);
		v[i].total_ns = d(p, c, VTEL_A_TOTAL_NS);
		v[i].count_s = per_s(v[i].count, dt);
		v[i].avg_ns = v[i].timed ? v[i].total_ns / v[i].timed : 0;
	}
	qsort(v, cur->exits.n, sizeof(*v), cmp_reason);
	*out = v;
	*n = cur->exits.n;
	return 0;
}

void vtel_snap_free(struct vtel_snap *s)
{
	vtel_list_free(&s->vms);
	vtel_list_free(&s->exits);
}
