// SPDX-License-Identifier: GPL-2.0
/*
 * Segments: reason slots, the lazy reset of a segment and the folding of
 * one segment into another.
 */
#include <linux/build_bug.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "vtel_account.h"
#include "vtel_seg.h"

void notrace vtel_seg_zero(struct vtel_seg *seg, u32 gen)
{
	/*
	 * A segment is one 16 KiB allocation (Documentation/exitdetail.rst):
	 * fewer histogram slots (VTEL_SEG_HISTS) before a larger allocation.
	 */
	BUILD_BUG_ON(sizeof(struct vtel_seg) > SZ_16K);

	seg->exits = 0;
	seg->guest_ns = 0;
	seg->handling_ns = 0;
	seg->reason_overflow = 0;
	seg->slow_exits = 0;
	seg->split = (struct vtel_split){};
	seg->l2_exits = 0;
	seg->l2_handling_ns = 0;
	seg->nr_slots = 0;
	memset(seg->slot_of, 0, sizeof(seg->slot_of));
	memset(seg->slot, 0, sizeof(seg->slot));
	memset(seg->hist, 0, sizeof(seg->hist));
	/* Publish the zeroed counters before the generation readers check. */
	smp_store_release(&seg->reset_gen, gen);
}

/* First use of @reason in @seg: its slot + 1, or 0 if the slots are full. */
u8 notrace vtel_seg_slot_new(struct vtel_seg *seg, unsigned int reason)
{
	u8 slot = seg->nr_slots;

	if (slot >= VTEL_SEG_SLOTS)
		return 0;
	seg->reason_of[slot] = reason;
	/* The fast path's min() needs no timed test (vtel_account.h). */
	seg->slot[slot].min_ns = U64_MAX;
	seg->slot_of[reason] = slot + 1;
	/* Readers walk [0, nr_slots): publish the slot after its reason. */
	smp_store_release(&seg->nr_slots, slot + 1);
	return slot + 1;
}

/*
 * kvm_entry of an exit that had marks or run delay: its split, into the
 * segment, the reason's slot (if it still has one after a reset) and the
 * CPU. Out of line: most exits have neither.
 */
void notrace vtel_seg_split_end(struct vtel_pcpu *pc, struct vtel_vcpu *vc,
				struct vtel_seg *seg, u64 now, u64 rd)
{
	struct vtel_split s;

	vtel_split_end(&vc->split, vc->last_exit_ns, now, rd, &s);
	vtel_split_add(&seg->split, &s);
	if (vc->pending)
		vtel_split_add(&seg->slot[vc->pending - 1].split, &s);
	vtel_split_add(&pc->split, &s);
}

/*
 * The fast path's port or page row, out of line (vtel_account.h). Of the
 * split that path takes only the VMM's time from a lazy mark, @vmm.
 */
void notrace vtel_account_detail_out(struct vtel_vcpu *vc,
				     struct vtel_seg *seg, u64 ns, u64 vmm)
{
	struct vtel_split before = seg->split;

	before.vmm_ns -= vmm;
	vtel_account_detail(vc, seg, ns, &before);
}

/* Adds @src into @dst, slot by slot; under vtel_table.fold_mutex. */
void vtel_seg_fold(struct vtel_seg *dst, const struct vtel_seg *src)
{
	unsigned int i;

	if (!vtel_seg_current(src))
		return;
	/* A record created while a reset ran: bring it to this generation. */
	if (!vtel_seg_current(dst))
		vtel_seg_zero(dst, READ_ONCE(vtel_table.reset_gen));
	dst->exits += src->exits;
	dst->guest_ns += src->guest_ns;
	dst->handling_ns += src->handling_ns;
	dst->slow_exits += src->slow_exits;
	dst->reason_overflow += src->reason_overflow;
	vtel_split_add(&dst->split, &src->split);
	dst->l2_exits += src->l2_exits;
	dst->l2_handling_ns += src->l2_handling_ns;
	for (i = 0; i < src->nr_slots; i++) {
		unsigned int r = src->reason_of[i];
		u8 slot = dst->slot_of[r];

		if (!slot)
			slot = vtel_seg_slot_new(dst, r);
		if (slot)
			vtel_slot_add(&dst->slot[slot - 1], vtel_seg_hist(dst, slot),
				      &src->slot[i], vtel_seg_hist_ro(src, i + 1));
		else
			dst->reason_overflow += src->slot[i].count;
	}
}
