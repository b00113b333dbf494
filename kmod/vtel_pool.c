// SPDX-License-Identifier: GPL-2.0
/*
 * Record pools. The hot path's slow cases (a vCPU's first exit, a cgroup
 * move) run with preemption disabled and cannot allocate: they take
 * records that the worker allocated beforehand.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "vtel_alloc.h"
#include "vtel_pool.h"

void vtel_pool_init(struct vtel_pool *p, size_t size, size_t free_node,
		    void (*ctor)(void *rec), u32 spare, u32 max,
		    raw_spinlock_t *lock)
{
	INIT_LIST_HEAD(&p->free);
	p->nr_free = 0;
	p->records = 0;
	p->spare = spare;
	p->max = max;
	p->size = size;
	p->free_node = free_node;
	p->ctor = ctor;
	p->lock = lock;
}

notrace void *vtel_pool_get(struct vtel_pool *p)
{
	struct list_head *n;

	if (list_empty(&p->free))
		return NULL;
	n = p->free.next;
	list_del(n);
	p->nr_free--;
	return (char *)n - p->free_node;
}

/*
 * Allocates up to the pool's spare records, within its maximum; process
 * context. Returns false if an allocation failed.
 */
bool vtel_pool_refill(struct vtel_pool *p)
{
	unsigned long flags;

	for (;;) {
		bool want;
		void *rec;

		raw_spin_lock_irqsave(p->lock, flags);
		want = p->nr_free < p->spare && p->records < p->max;
		raw_spin_unlock_irqrestore(p->lock, flags);
		if (!want)
			return true;
		rec = vtel_kvzalloc(p->size, GFP_KERNEL);
		if (!rec)
			return false;
		if (p->ctor)
			p->ctor(rec);
		raw_spin_lock_irqsave(p->lock, flags);
		list_add((struct list_head *)((char *)rec + p->free_node),
			 &p->free);
		p->nr_free++;
		p->records++;
		raw_spin_unlock_irqrestore(p->lock, flags);
	}
}

void vtel_pool_free(void *rec)
{
	kvfree(rec);
}

/* Frees the free records; nothing may use the pool any more. */
void vtel_pool_destroy(struct vtel_pool *p)
{
	struct list_head *n, *tmp;

	list_for_each_safe(n, tmp, &p->free)
		kvfree((char *)n - p->free_node);
	INIT_LIST_HEAD(&p->free);
	p->nr_free = 0;
	p->records = 0;
}
