/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segments: the exit statistics of one vCPU while its thread was in one
 * cgroup, with a slot per exit reason seen, and their lazy reset.
 */
#ifndef _VTEL_SEG_H
#define _VTEL_SEG_H

#include "vtel.h"
#include "vtel_table.h"

u8 vtel_seg_slot_new(struct vtel_seg *seg, unsigned int reason);
void vtel_seg_zero(struct vtel_seg *seg, u32 gen);
void vtel_seg_fold(struct vtel_seg *dst, const struct vtel_seg *src);
void vtel_seg_split_end(struct vtel_pcpu *pc, struct vtel_vcpu *vc,
			struct vtel_seg *seg, u64 now, u64 rd);

/* The histogram of slot + 1, or NULL: only the first slots have one. */
static __always_inline struct vtel_hist *vtel_seg_hist(struct vtel_seg *seg,
						       unsigned int slot)
{
	return slot - 1 < VTEL_SEG_HISTS ? &seg->hist[slot - 1] : NULL;
}

static inline const struct vtel_hist *
vtel_seg_hist_ro(const struct vtel_seg *seg, unsigned int slot)
{
	return slot - 1 < VTEL_SEG_HISTS ? &seg->hist[slot - 1] : NULL;
}

/* A segment last zeroed before the latest reset reads as zero. */
static inline bool vtel_seg_current(const struct vtel_seg *seg)
{
	/* Pairs with vtel_seg_zero(): counters read after are zeroed. */
	return smp_load_acquire(&seg->reset_gen) ==
	       READ_ONCE(vtel_table.reset_gen);
}

#endif /* _VTEL_SEG_H */
