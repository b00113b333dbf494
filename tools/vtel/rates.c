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

uint32_t vtel_overhead_delta(const struct vtel_rec *p, const struct vtel_rec *c,
			     struct vtel_split_rate *s)
{
	uint64_t guest = d(p, c, VTEL_A_GUEST_NS);

	s->kvm_ns = d(p, c, VTEL_A_KVM_NS);
	s->vmm_ns = d(p, c, VTEL_A_VMM_NS);
	s->wait_ns = d(p, c, VTEL_A_WAIT_NS);
	s->idle_ns = d(p, c, VTEL_A_IDLE_NS);
	s->wait_ppm = vtel_ppm(s->wait_ns, guest + s->kvm_ns + s->vmm_ns);
	if (!rec_has(c, VTEL_A_KVM_NS))
		return vtel_ppm(d(p, c, VTEL_A_HANDLING_NS), guest);
	return vtel_ppm(s->kvm_ns + s->vmm_ns, guest);
}

/* By overhead without idle, then exits, then VM id. */
static int cmp_vm(const void *pa, const void *pb)
{
	const struct vtel_vm_rate *a = pa, *b = pb;

	if (a->overhead_ppm != b->overhead_ppm)
		return a->overhead_ppm < b->overhead_ppm ? 1 : -1;
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
		v[i].overhead_ppm = vtel_overhead_delta(p, c, &v[i].split);
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

uint64_t vtel_share_ppm(uint64_t handling_ns, uint64_t usage_usec)
{
	unsigned __int128 v;

	if (!usage_usec)
		return 0;
	v = (unsigned __int128)handling_ns * 1000 / usage_usec;
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static const struct vtel_rec none;

static const struct vtel_rec *cg_vals(const struct vtel_rec *r, bool rollup)
{
	if (!rollup)
		return r;
	return r->rollup ? r->rollup : &none;
}

static long find_cg(const struct vtel_list *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (rec_u(&l->v[i], VTEL_A_CGROUP_ID) == id)
			return (long)i;
	return -1;
}

static int cmp_cg(const void *pa, const void *pb)
{
	const struct vtel_cg_rate *a = pa, *b = pb;
	const char *x = rec_s(a->cg, VTEL_A_CGROUP_PATH);
	const char *y = rec_s(b->cg, VTEL_A_CGROUP_PATH);
	int c;

	if (a->exits != b->exits)
		return a->exits < b->exits ? 1 : -1;
	if (x && y && (c = strcmp(x, y)))
		return c;
	if (!x != !y)
		return x ? -1 : 1;	/* removed ones last */
	return rec_u(a->cg, VTEL_A_CGROUP_ID) < rec_u(b->cg, VTEL_A_CGROUP_ID) ? -1 : 1;
}

int vtel_rates_cgroups(const struct vtel_snap *prev,
		       const struct vtel_snap *cur, bool rollup, bool sort,
		       struct vtel_cg_rate **out, size_t *n)
{
	uint64_t dt = cur->t_ns - prev->t_ns, du;
	const struct vtel_rec *p, *c;
	struct vtel_cg_rate *v;
	long j;
	size_t i;

	v = calloc(cur->cgroups.n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < cur->cgroups.n; i++) {
		j = find_cg(&prev->cgroups, rec_u(&cur->cgroups.v[i], VTEL_A_CGROUP_ID));
		c = cg_vals(&cur->cgroups.v[i], rollup);
		p = j < 0 ? NULL : cg_vals(&prev->cgroups.v[j], rollup);
		v[i].cg = &cur->cgroups.v[i];
		v[i].exits = d(p, c, VTEL_A_EXITS);
		v[i].handling_ns = d(p, c, VTEL_A_HANDLING_NS);
		v[i].guest_ns = d(p, c, VTEL_A_GUEST_NS);
		v[i].exits_s = per_s(v[i].exits, dt);
		v[i].handling_s = per_s(v[i].handling_ns, dt);
		v[i].overhead_ppm = vtel_overhead_delta(p, c, &v[i].split);
		if (!rollup || j < 0 || !cur->cpu || !prev->cpu ||
		    !cur->cpu[i].ok || !prev->cpu[j].ok)
			continue;
		du = vtel_delta(prev->cpu[j].usage_usec, cur->cpu[i].usage_usec);
		if (!du)
			continue;
		v[i].share_ok = true;
		/* The CPU overhead burnt: kvm + vmm, not idle or wait. */
		v[i].share_ppm = vtel_share_ppm(rec_has(c, VTEL_A_KVM_NS) ?
				v[i].split.kvm_ns + v[i].split.vmm_ns :
				v[i].handling_ns, du);
	}
	if (sort)
		qsort(v, cur->cgroups.n, sizeof(*v), cmp_cg);
	*out = v;
	*n = cur->cgroups.n;
	return 0;
}

void vtel_snap_free(struct vtel_snap *s)
{
	vtel_list_free(&s->vms);
	vtel_list_free(&s->exits);
	vtel_list_free(&s->cgroups);
	free(s->cpu);
	s->cpu = NULL;
}
