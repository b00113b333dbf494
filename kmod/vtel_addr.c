// SPDX-License-Identifier: GPL-2.0
/*
 * The per-vCPU port and MMIO page table: the search and Space-Saving
 * admission behind the entry probe's one-compare fast path, and the
 * readers' sums.
 */
#include <linux/kernel.h>
#include <linux/processor.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "vtel_addr.h"

/* Adds src's numbers (not its key, nor its error) into dst. */
static void vtel_addr_add(struct vtel_addr_ent *dst,
			  const struct vtel_addr_ent *src)
{
	dst->count += src->count;
	dst->ns += src->ns;
	vtel_split_add(&dst->split, &src->split);
}

/*
 * Space-Saving: key takes the row of least estimate @e, whose numbers go
 * to other. Readers that see seq change under them read the row again.
 */
static struct vtel_addr_ent *vtel_addr_evict(struct vtel_addrs *t,
					     struct vtel_addr_ent *e, u64 key)
{
	struct vtel_addr_ent *o = &t->other;
	u32 seq = t->seq;

	WRITE_ONCE(t->seq, seq + 1);
	smp_wmb();	/* seq odd before the row changes */
	WRITE_ONCE(o->count, o->count + e->count);
	WRITE_ONCE(o->ns, o->ns + e->ns);
	WRITE_ONCE(o->split.vmm_ns, o->split.vmm_ns + e->split.vmm_ns);
	WRITE_ONCE(o->split.wait_ns, o->split.wait_ns + e->split.wait_ns);
	WRITE_ONCE(o->split.idle_ns, o->split.idle_ns + e->split.idle_ns);
	WRITE_ONCE(o->split.poll_ns, o->split.poll_ns + e->split.poll_ns);
	e->err += e->count;
	e->key = key;
	e->count = 0;
	e->ns = 0;
	memset(&e->split, 0, sizeof(e->split));
	smp_wmb();	/* the row complete before seq is even again */
	WRITE_ONCE(t->seq, seq + 2);
	t->last = e - t->e;
	return e;
}

/*
 * The row of key: found, or added while there is room, or the row of
 * least estimate (count + err) handed over to it. The other row only when
 * the table has no rows at all. Runs on the vCPU's thread, on a change of
 * key only: one pass over at most max rows.
 */
notrace struct vtel_addr_ent *vtel_addr_find(struct vtel_addrs *t, u32 max, u64 key)
{
	struct vtel_addr_ent *e, *least = NULL;
	u32 i, n = t->nr;

	for (i = 0; i < n; i++) {
		e = &t->e[i];
		if (e->key == key) {
			t->last = i;
			return e;
		}
		if (!least || e->count + e->err < least->count + least->err)
			least = e;
	}
	if (n < max) {
		e = &t->e[n];
		memset(e, 0, sizeof(*e));
		e->key = key;
		/* Readers walk [0, nr): publish the row after its key. */
		smp_store_release(&t->nr, n + 1);
		t->last = n;
		return e;
	}
	if (!least)
		return &t->other;
	return vtel_addr_evict(t, least, key);
}

/* The lazy reset, on the vCPU's thread. */
void notrace vtel_addr_zero(struct vtel_addrs *t)
{
	WRITE_ONCE(t->nr, 0);
	t->last = 0;
	memset(&t->other, 0, sizeof(t->other));
}

static void vtel_addr_copy(struct vtel_addr_ent *dst,
			   const struct vtel_addr_ent *src)
{
	dst->key = READ_ONCE(src->key);
	dst->count = READ_ONCE(src->count);
	dst->ns = READ_ONCE(src->ns);
	dst->split.vmm_ns = READ_ONCE(src->split.vmm_ns);
	dst->split.wait_ns = READ_ONCE(src->split.wait_ns);
	dst->split.idle_ns = READ_ONCE(src->split.idle_ns);
	dst->split.poll_ns = READ_ONCE(src->split.poll_ns);
	dst->err = READ_ONCE(src->err);
}

/*
 * Row i of a table being written: false if it kept changing key under
 * the reader (its numbers, whoever they belong to, are then other's).
 */
static bool vtel_addr_read(const struct vtel_addrs *t, u32 i,
			   struct vtel_addr_ent *e)
{
	unsigned int tries;
	u32 seq;

	for (tries = 0; tries < 4; tries++) {
		/* Pairs with the smp_wmb()s of vtel_addr_evict(). */
		seq = smp_load_acquire(&t->seq);
		vtel_addr_copy(e, &t->e[i]);
		smp_rmb();	/* the row read before seq is read again */
		if (!(seq & 1) && READ_ONCE(t->seq) == seq)
			return true;
		cpu_relax();
	}
	return false;
}

/*
 * A row for a full view: it takes the place of the view's least row if
 * it has more exits (that row goes to other), else it goes to other.
 */
static void vtel_addr_view_admit(struct vtel_addr_view *v,
				 const struct vtel_addr_ent *e)
{
	struct vtel_addr_ent *least = &v->e[0];
	u32 i;

	for (i = 1; i < v->nr; i++)
		if (v->e[i].count < least->count)
			least = &v->e[i];
	if (e->count <= least->count) {
		vtel_addr_add(&v->other, e);
		return;
	}
	vtel_addr_add(&v->other, least);
	*least = *e;
}

/*
 * Adds a vCPU's table to a view. A view holds VTEL_ADDR_VIEW_MAX rows:
 * past that, the rows with the most exits stay and the rest is other.
 */
void vtel_addr_merge(struct vtel_addr_view *v, const struct vtel_addrs *t)
{
	/* Pairs with vtel_addr_find(): rows below nr have their key. */
	u32 i, j, n = smp_load_acquire(&t->nr);
	struct vtel_addr_ent e;

	vtel_addr_copy(&e, &t->other);
	vtel_addr_add(&v->other, &e);
	for (i = 0; i < n; i++) {
		if (!vtel_addr_read(t, i, &e)) {
			vtel_addr_add(&v->other, &e);
			continue;
		}
		if (!e.count)
			continue;
		for (j = 0; j < v->nr && v->e[j].key != e.key; j++)
			;
		if (j == v->nr) {
			if (v->nr == VTEL_ADDR_VIEW_MAX) {
				vtel_addr_view_admit(v, &e);
				continue;
			}
			memset(&v->e[j], 0, sizeof(v->e[j]));
			v->e[v->nr++].key = e.key;
		}
		vtel_addr_add(&v->e[j], &e);
		v->e[j].err += e.err;
	}
}

/* As perf kvm stat sorts: by count, then by time, then by key. */
static int vtel_addr_cmp(const void *a, const void *b)
{
	const struct vtel_addr_ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->ns != y->ns)
		return x->ns > y->ns ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return 0;
}

void vtel_addr_sort(struct vtel_addr_view *v)
{
	sort(v->e, v->nr, sizeof(v->e[0]), vtel_addr_cmp, NULL);
}
