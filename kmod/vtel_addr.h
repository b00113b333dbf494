/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ports and MMIO pages a vCPU's exits hit: a small table per vCPU.
 *
 * A key is a kind (port in/out, MMIO page read/write/either) in the top
 * three bits and the port or the guest-physical page address below. The
 * exit probe sets the vCPU's pending key for port-IO and MMIO exits only;
 * the entry probe then adds the exit's count, handling time and time
 * split (vtel_split.h) to the key's row. The table keeps the most
 * frequent of the keys a vCPU meets since the last reset, by Space-Saving
 * (Metwally et al., 2005) on the miss path: a new key takes the row of
 * least estimate, whose numbers move to the "other" row, so the rows and
 * other always sum to every exit recorded. The last row hit is tried
 * first: a vCPU hammering one doorbell pays one compare, not a search.
 * Single writer (the vCPU's thread), no lock; readers sum the vCPUs of a
 * VM (vtel_addr_merge). Documentation/exitdetail.rst has the guarantee.
 */
#ifndef _VTEL_ADDR_H
#define _VTEL_ADDR_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler.h>

#include <uapi/linux/vtel.h>

#include "vtel_split.h"

#define VTEL_ADDR_KIND_SHIFT	61
#define VTEL_ADDR_MASK		((1ULL << VTEL_ADDR_KIND_SHIFT) - 1)
#define VTEL_ADDR_KEY(kind, addr) \
	(((u64)(kind) << VTEL_ADDR_KIND_SHIFT) | ((addr) & VTEL_ADDR_MASK))
/* Set by the exit probe on an MMIO key that the next entry must confirm. */
#define VTEL_ADDR_TENTATIVE	BIT_ULL(60)
#define VTEL_ADDRS_MAX		64	/* largest vtel_addr_max */
#define VTEL_ADDRS_DEFAULT	8	/* max_addrs unless given */
#define VTEL_ADDR_VIEW_MAX	64	/* rows of a summed view */

/* Key kinds: enum vtel_addr_kind_value (uapi) */
static inline unsigned int vtel_addr_kind(u64 key)
{
	return key >> VTEL_ADDR_KIND_SHIFT;
}

static inline u64 vtel_addr_of(u64 key)
{
	return key & VTEL_ADDR_MASK;
}

struct vtel_addr_ent {
	u64 key;		/* 0: unused, or the other row */
	u64 count;		/* exits since the key took the row */
	u64 ns;			/* handling time */
	struct vtel_split split;	/* of ns; kvm is the rest */
	/*
	 * Space-Saving's error: the least estimate (count + err) of the
	 * table when the key took the row. The key had at most err exits
	 * before, counted in other.
	 */
	u64 err;
};

struct vtel_addrs {
	u32 nr;			/* rows in use, published after their key */
	u32 last;		/* the row hit last */
	u32 seq;		/* odd while a row changes key (readers retry) */
	struct vtel_addr_ent other;
	struct vtel_addr_ent e[];	/* vtel_addr_max of them */
};

/* A view's rows: the vCPUs' tables summed, then sorted. */
struct vtel_addr_view {
	u32 nr;
	struct vtel_addr_ent other;
	struct vtel_addr_ent e[VTEL_ADDR_VIEW_MAX];
};

struct vtel_addr_ent *vtel_addr_find(struct vtel_addrs *t, u32 max, u64 key);

/* kvm_entry: the pending exit's key was hit for ns, split as s. */
static __always_inline void vtel_addr_account(struct vtel_addrs *t, u32 max,
					      u64 key, u64 ns,
					      const struct vtel_split *s)
{
	struct vtel_addr_ent *e = &t->e[t->last];

	if (unlikely(t->last >= t->nr || e->key != key))
		e = vtel_addr_find(t, max, key);
	WRITE_ONCE(e->count, e->count + 1);
	WRITE_ONCE(e->ns, e->ns + ns);
	WRITE_ONCE(e->split.vmm_ns, e->split.vmm_ns + s->vmm_ns);
	WRITE_ONCE(e->split.wait_ns, e->split.wait_ns + s->wait_ns);
	WRITE_ONCE(e->split.idle_ns, e->split.idle_ns + s->idle_ns);
	WRITE_ONCE(e->split.poll_ns, e->split.poll_ns + s->poll_ns);
}

/*
 * kvm_entry of a tentative MMIO key: it was MMIO if KVM's mmio_exits moved
 * from @then (at the exit) to @now. The key to account, or 0.
 */
static __always_inline u64 vtel_addr_confirm(u64 key, u64 then, u64 now)
{
	return now != then ? key & ~VTEL_ADDR_TENTATIVE : 0;
}

void vtel_addr_zero(struct vtel_addrs *t);
void vtel_addr_merge(struct vtel_addr_view *v, const struct vtel_addrs *t);
void vtel_addr_sort(struct vtel_addr_view *v);

#endif /* _VTEL_ADDR_H */
