// SPDX-License-Identifier: GPL-2.0
/*
 * The per-vCPU port and MMIO page table: the search behind the entry
 * probe's one-compare fast path, and the readers' sums.
 */
#include <linux/kernel.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "vtel_addr.h"

/*
 * The row of key: found, or added while there is room, or the other row.
 * Runs on the vCPU's thread, on a change of key only.
 */
struct vtel_addr_ent *vtel_addr_find(struct vtel_addrs *t, u32 max, u64 key)
{
	u32 i, n = t->nr;

	for (i = 0; i < n; i++) {
		if (t->e[i].key == key) {
			t->last = i;
			return &t->e[i];
		}
	}
	if (n >= max)
		return &t->other;
	t->e[n].key = key;
	t->e[n].count = 0;
	t->e[n].ns = 0;
	/* Readers walk [0, nr): publish the row after its key. */
	smp_store_release(&t->nr, n + 1);
	t->last = n;
	return &t->e[n];
}

/* The lazy reset, on the vCPU's thread. */
void vtel_addr_zero(struct vtel_addrs *t)
{
	WRITE_ONCE(t->nr, 0);
	t->last = 0;
	memset(&t->other, 0, sizeof(t->other));
}

static void vtel_addr_add(struct vtel_addr_ent *dst, u64 count, u64 ns)
{
	dst->count += count;
	dst->ns += ns;
}

/* Adds a vCPU's table to a view; what the view has no row for is other. */
void vtel_addr_merge(struct vtel_addr_view *v, const struct vtel_addrs *t)
{
	/* Pairs with vtel_addr_find(): rows below nr have their key. */
	u32 i, j, n = smp_load_acquire(&t->nr);

	vtel_addr_add(&v->other, READ_ONCE(t->other.count),
		      READ_ONCE(t->other.ns));
	for (i = 0; i < n; i++) {
		u64 key = t->e[i].key;
		u64 count = READ_ONCE(t->e[i].count);
		u64 ns = READ_ONCE(t->e[i].ns);

		if (!count)
			continue;
		for (j = 0; j < v->nr && v->e[j].key != key; j++)
			;
		if (j == v->nr) {
			if (v->nr == VTEL_ADDR_VIEW_MAX) {
				vtel_addr_add(&v->other, count, ns);
				continue;
			}
			v->e[v->nr++].key = key;
		}
		vtel_addr_add(&v->e[j], count, ns);
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
