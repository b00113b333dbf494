/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pool of records of one kind: allocated in process context by
 * vtel_pool_refill(), taken under the pool's lock by the slow paths that
 * cannot allocate. Knows nothing of what the records are.
 */
#ifndef _VTEL_POOL_H
#define _VTEL_POOL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>

struct vtel_pool {
	struct list_head free;
	u32 nr_free;
	u32 records;		/* in use + free */
	u32 spare;		/* refill up to this many free ... */
	u32 max;		/* ... while records stay below this */
	size_t size;
	size_t free_node;	/* offset of the record's list_head */
	void (*ctor)(void *rec);
	raw_spinlock_t *lock;	/* guards the pool and the records' users */
};

void vtel_pool_init(struct vtel_pool *p, size_t size, size_t free_node,
		    void (*ctor)(void *rec), u32 spare, u32 max,
		    raw_spinlock_t *lock);
bool vtel_pool_refill(struct vtel_pool *p);
void vtel_pool_destroy(struct vtel_pool *p);
/* A free record, NULL if none; under the lock. */
void *vtel_pool_get(struct vtel_pool *p);

/* Lockless hint: has the pool a free record? */
static inline bool vtel_pool_has_free(const struct vtel_pool *p)
{
	return READ_ONCE(p->nr_free);
}

/* Below half its spare records: time to refill. Under the lock. */
static inline bool vtel_pool_low(const struct vtel_pool *p)
{
	return p->nr_free < p->spare / 2;
}

/* No free record and no room for one. Under the lock. */
static inline bool vtel_pool_exhausted(const struct vtel_pool *p)
{
	return !p->nr_free && p->records >= p->max;
}

/* @n records taken from @p are being freed; under the lock. */
static inline void vtel_pool_forget(struct vtel_pool *p, u32 n)
{
	p->records -= n;
}

/* Frees a record taken from a pool, once nothing reaches it. */
void vtel_pool_free(void *rec);

#endif /* _VTEL_POOL_H */
