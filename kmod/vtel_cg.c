// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup records, taken from their pool on a vCPU's first exit in a
 * cgroup (and for its ancestors when a child is released), released by
 * the worker once the cgroup is gone.
 */
#include <linux/minmax.h>

#include "vtel_cg.h"
#include "vtel_seg.h"
#include "vtel_table.h"

static notrace struct vtel_cg *vtel_cg_find(u64 id)
{
	struct vtel_cg *cg;

	hlist_for_each_entry_rcu(cg, vtel_table_bucket(vtel_table.cg_hash,
						       vtel_table.cg_bits, id),
				 hnode, lockdep_is_held(&vtel_table.lock))
		if (cg->path.id == id)
			return cg;
	return NULL;
}

static notrace struct vtel_cg *vtel_cg_create(const struct vtel_cg_path *p)
{
	struct vtel_cg *cg = vtel_pool_get(&vtel_table.cg_pool);

	if (!cg) {
		vtel_table.cnt.untracked_cgroups++;
		return NULL;
	}
	cg->path = *p;
	cg->departed.reset_gen = READ_ONCE(vtel_table.reset_gen);
	cg->removed.reset_gen = READ_ONCE(vtel_table.reset_gen);
	list_add_tail_rcu(&cg->node, &vtel_table.cgs);
	hlist_add_head_rcu(&cg->hnode, vtel_table_bucket(vtel_table.cg_hash,
							 vtel_table.cg_bits,
							 p->id));
	vtel_table.cnt.cgroups++;
	return cg;
}

/* The record of @p's cgroup, created if needed; under vtel_table.lock. */
notrace struct vtel_cg *vtel_cg_get(const struct vtel_cg_path *p)
{
	struct vtel_cg *cg = vtel_cg_find(p->id);

	return cg ? cg : vtel_cg_create(p);
}

/* Is @cg the cgroup @id at @level or one of its descendants? */
bool vtel_cg_in(const struct vtel_cg *cg, u64 id, u32 level)
{
	if (cg->path.id == id)
		return true;
	return level < VTEL_CG_DEPTH && cg->path.level > level &&
	       cg->path.ids[level] == id;
}

/* The parent record of @cg, created if needed; under vtel_table.lock. */
static struct vtel_cg *vtel_cg_parent(const struct vtel_cg *cg)
{
	struct vtel_cg_path pp;

	if (!cg->path.level || cg->path.level > VTEL_CG_DEPTH)
		return NULL;
	pp = cg->path;
	pp.level--;
	pp.id = pp.ids[pp.level];
	return vtel_cg_get(&pp);
}

/*
 * Free the records of removed cgroups. @alive says whether a cgroup id
 * still exists. What a removed cgroup had moves to its parent's "removed"
 * total, so rollups keep it, as cpu.stat does; its segments stay with
 * their vCPUs for the VM views. Worker only.
 */
bool vtel_cg_release(bool (*alive)(u64 id))
{
	struct vtel_cg *cg, *tmp, *parent;
	struct vtel_seg *seg, *tseg;
	unsigned long flags;
	LIST_HEAD(gone);
	u32 level;
	bool any = false;

	/*
	 * alive() may sleep: ask before locking. Only this worker frees
	 * cgroup records, so the list can be walked meanwhile.
	 */
	list_for_each_entry_rcu(cg, &vtel_table.cgs, node, true) {
		cg->gone = !alive(cg->path.id);
		any |= cg->gone;
	}
	if (!any)
		return false;

	/*
	 * Folding writes only the parent's removed total, which nothing but
	 * this worker writes, under the fold mutex that the views take: the
	 * raw lock (IRQs off) is taken only to find the parent and to unlink.
	 */
	mutex_lock(&vtel_table.fold_mutex);
	/* Deepest first, so a removed child folds into a removed parent. */
	for (level = VTEL_CG_DEPTH + 1; level-- > 0;) {
		list_for_each_entry_rcu(cg, &vtel_table.cgs, node, true) {
			if (!cg->gone || min_t(u32, cg->path.level,
					       VTEL_CG_DEPTH) != level)
				continue;
			raw_spin_lock_irqsave(&vtel_table.lock, flags);
			parent = vtel_cg_parent(cg);
			raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
			if (parent) {
				vtel_seg_fold(&parent->removed, &cg->departed);
				vtel_seg_fold(&parent->removed, &cg->removed);
				list_for_each_entry_rcu(seg, &cg->segs, cg_node,
							true)
					vtel_seg_fold(&parent->removed, seg);
			}
			raw_spin_lock_irqsave(&vtel_table.lock, flags);
			list_for_each_entry_safe(seg, tseg, &cg->segs,
						 cg_node) {
				WRITE_ONCE(seg->cg, NULL);
				list_del_rcu(&seg->cg_node);
			}
			list_del_rcu(&cg->node);
			hlist_del_rcu(&cg->hnode);
			vtel_table.cnt.cgroups--;
			vtel_table.cnt.cgroups_released++;
			vtel_table.cnt.generation++;
			vtel_pool_forget(&vtel_table.cg_pool, 1);
			raw_spin_unlock_irqrestore(&vtel_table.lock, flags);
			list_add(&cg->free_node, &gone);
		}
	}
	mutex_unlock(&vtel_table.fold_mutex);
	synchronize_rcu();
	list_for_each_entry_safe(cg, tmp, &gone, free_node)
		vtel_pool_free(cg);
	return true;
}

/* Called once nothing can reach the records. */
void vtel_cg_free_all(void)
{
	struct vtel_cg *cg, *tcg;

	list_for_each_entry_safe(cg, tcg, &vtel_table.cgs, node) {
		list_del(&cg->node);
		vtel_pool_free(cg);
	}
}
