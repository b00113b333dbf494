// SPDX-License-Identifier: GPL-2.0
/*
 * Summed views. Readers walk the records under RCU and hold
 * vtel_table.fold_mutex, so a VM being evicted or a cgroup being released
 * is seen either in its record or in what it was folded into, once.
 */
#include <linux/bitmap.h>
#include <linux/bsearch.h>
#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "vtel_alloc.h"
#include "vtel_cg.h"
#include "vtel_seg.h"
#include "vtel_table.h"
#include "vtel_view.h"
#include "vtel_vm.h"

static void vtel_totals_seg(const struct vtel_seg *seg, struct vtel_totals *t)
{
	if (!vtel_seg_current(seg))
		return;
	t->exits += READ_ONCE(seg->exits);
	t->handling_ns += READ_ONCE(seg->handling_ns);
	t->guest_ns += READ_ONCE(seg->guest_ns);
	t->slow_exits += READ_ONCE(seg->slow_exits);
	t->reason_overflow += READ_ONCE(seg->reason_overflow);
	t->split.vmm_ns += READ_ONCE(seg->split.vmm_ns);
	t->split.wait_ns += READ_ONCE(seg->split.wait_ns);
	t->split.idle_ns += READ_ONCE(seg->split.idle_ns);
	t->split.poll_ns += READ_ONCE(seg->split.poll_ns);
	t->l2_exits += READ_ONCE(seg->l2_exits);
	t->l2_handling_ns += READ_ONCE(seg->l2_handling_ns);
}

/* Adds one vCPU's totals; caller holds rcu_read_lock(). */
void vtel_view_vcpu_totals(const struct vtel_vcpu *vc, struct vtel_totals *t)
{
	const struct vtel_seg *seg;

	t->nr_vcpus++;
	list_for_each_entry_rcu(seg, &vc->segs, vcpu_node)
		vtel_totals_seg(seg, t);
}

/* Adds a VM's totals; caller holds rcu_read_lock(). */
void vtel_view_vm_totals(const struct vtel_vm *vm, struct vtel_totals *t)
{
	const struct vtel_vcpu *vc;

	list_for_each_entry_rcu(vc, &vm->vcpus, vm_node)
		vtel_view_vcpu_totals(vc, t);
}

/*
 * Adds a cgroup's own totals; caller holds rcu_read_lock(). Its vCPU count
 * is the vCPU segments it holds: vCPUs of live and retired VMs that ran in
 * it.
 */
static void vtel_totals_cg(const struct vtel_cg *cg, struct vtel_totals *t)
{
	const struct vtel_seg *seg;

	list_for_each_entry_rcu(seg, &cg->segs, cg_node) {
		t->nr_vcpus++;
		vtel_totals_seg(seg, t);
	}
	vtel_totals_seg(&cg->departed, t);
}

static void vtel_agg_add_seg(struct vtel_agg *a, const struct vtel_seg *seg)
{
	unsigned int i, n;

	vtel_totals_seg(seg, &a->t);
	if (!vtel_seg_current(seg))
		return;
	/* Pairs with vtel_seg_slot_new(): slots below nr_slots are set up. */
	n = smp_load_acquire(&seg->nr_slots);
	for (i = 0; i < n; i++)
		vtel_stats_add_slot(&a->reason[seg->reason_of[i]], &seg->slot[i],
				    vtel_seg_hist_ro(seg, i + 1));
}

/* Adds a VM to a dense sum: the worker, into what evicted VMs left. */
static void vtel_agg_add_vm(struct vtel_agg *a, const struct vtel_vm *vm)
{
	const struct vtel_vcpu *vc;
	const struct vtel_seg *seg;

	list_for_each_entry_rcu(vc, &vm->vcpus, vm_node) {
		a->t.nr_vcpus++;
		list_for_each_entry_rcu(seg, &vc->segs, vcpu_node)
			vtel_agg_add_seg(a, seg);
	}
}

/*
 * A walk over the records of one view. Without @s it adds the totals and
 * notes which reasons the view has; with @s it also sums each reason into
 * its row of @s, and notes a reason that has none (it appeared since).
 */
struct vtel_walk {
	const struct vtel_sel *sel;
	bool reasons;			/* look at reasons at all */
	int only;			/* >= 0: that reason alone */
	bool missed;			/* a reason seen that has no row in s */
	struct vtel_totals t;
	struct vtel_sum *s;
	u8 row[VTEL_MAX_REASONS];	/* reason -> its row in s */
	DECLARE_BITMAP(seen, VTEL_MAX_REASONS);
};

/* The row of reason @r, or NULL if there is none (yet). */
static struct vtel_stats *vtel_walk_row(struct vtel_walk *w, unsigned int r)
{
	if (w->only >= 0 && r != w->only)
		return NULL;
	if (w->s && test_bit(r, w->seen))
		return &w->s->row[w->row[r]].s;
	if (w->s)
		w->missed = true;
	__set_bit(r, w->seen);
	return NULL;
}

static void vtel_walk_seg(struct vtel_walk *w, const struct vtel_seg *seg)
{
	struct vtel_stats *st;
	unsigned int i, n;

	if (!vtel_seg_current(seg))
		return;
	vtel_totals_seg(seg, &w->t);
	if (!w->reasons)
		return;
	/* Pairs with vtel_seg_slot_new(): slots below nr_slots are set up. */
	n = smp_load_acquire(&seg->nr_slots);
	for (i = 0; i < n; i++) {
		st = vtel_walk_row(w, seg->reason_of[i]);
		if (st)
			vtel_stats_add_slot(st, &seg->slot[i],
					    vtel_seg_hist_ro(seg, i + 1));
	}
}

static void vtel_walk_vcpu(struct vtel_walk *w, const struct vtel_vcpu *vc)
{
	const struct vtel_seg *seg;

	w->t.nr_vcpus++;
	list_for_each_entry_rcu(seg, &vc->segs, vcpu_node)
		vtel_walk_seg(w, seg);
}

static void vtel_walk_vm(struct vtel_walk *w, const struct vtel_vm *vm)
{
	const struct vtel_vcpu *vc;

	list_for_each_entry_rcu(vc, &vm->vcpus, vm_node)
		vtel_walk_vcpu(w, vc);
}

/* The exits of a CPU that no segment holds. */
static void vtel_walk_untracked(struct vtel_walk *w,
				const struct vtel_pcpu *pc)
{
	struct vtel_stats *st;
	unsigned int i;
	u64 n;

	if (READ_ONCE(pc->reset_gen) != READ_ONCE(vtel_table.reset_gen))
		return;
	w->t.exits += READ_ONCE(pc->untracked_exits);
	w->t.untracked_exits += READ_ONCE(pc->untracked_exits);
	w->t.cg_stale_exits += READ_ONCE(pc->cg_stale_exits);
	if (!w->reasons)
		return;
	for (i = 0; i < VTEL_MAX_REASONS; i++) {
		n = READ_ONCE(pc->untracked[i]);
		st = n ? vtel_walk_row(w, i) : NULL;
		if (st)
			st->count += n;
	}
}

/* What evicted VMs left the host. */
static void vtel_walk_evicted(struct vtel_walk *w, const struct vtel_agg *ev)
{
	struct vtel_stats *st;
	unsigned int i;

	w->t.exits += ev->t.exits;
	w->t.handling_ns += ev->t.handling_ns;
	w->t.guest_ns += ev->t.guest_ns;
	w->t.untracked_exits += ev->t.untracked_exits;
	w->t.reason_overflow += ev->t.reason_overflow;
	w->t.slow_exits += ev->t.slow_exits;
	w->t.cg_stale_exits += ev->t.cg_stale_exits;
	vtel_split_add(&w->t.split, &ev->t.split);
	w->t.l2_exits += ev->t.l2_exits;
	w->t.l2_handling_ns += ev->t.l2_handling_ns;
	if (!w->reasons)
		return;
	for (i = 0; i < VTEL_MAX_REASONS; i++) {
		if (!ev->reason[i].count && !ev->reason[i].timed)
			continue;
		st = vtel_walk_row(w, i);
		if (st)
			vtel_stats_merge(st, &ev->reason[i]);
	}
}

/*
 * Host view: every VM record (live and retired), what evicted VMs left
 * behind, and the exits of vCPUs that had no record.
 */
static int vtel_walk_host(struct vtel_walk *w)
{
	struct vtel_vm *vm;
	int cpu;

	vtel_vm_for_each(vm)
		vtel_walk_vm(w, vm);
	for_each_possible_cpu(cpu)
		vtel_walk_untracked(w, per_cpu_ptr(vtel_table.pcpu, cpu));
	if (vtel_table.evicted)
		vtel_walk_evicted(w, vtel_table.evicted);
	/* Evicted vCPUs are gone: count the tracked ones. */
	w->t.nr_vcpus = READ_ONCE(vtel_table.cnt.vcpus);
	return 0;
}

static int vtel_walk_vms(struct vtel_walk *w)
{
	const struct vtel_sel *sel = w->sel;
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;

	vtel_vm_for_each(vm) {
		if (vm->id != sel->vm_id)
			continue;
		if (sel->type == VTEL_SEL_VM) {
			vtel_walk_vm(w, vm);
			return 0;
		}
		vtel_vm_for_each_vcpu(vm, vc) {
			if (vc->vcpu_id == sel->vcpu_id) {
				vtel_walk_vcpu(w, vc);
				return 0;
			}
		}
		break;
	}
	return -ENOENT;
}

/*
 * A cgroup's view: its own segments and departed numbers, and without
 * cg_own those of every tracked descendant. -ENOENT if nothing is known
 * of it (a cgroup with no record and no tracked descendant is not an error
 * for a rollup: it reads as zero).
 */
static int vtel_walk_cg(struct vtel_walk *w)
{
	const struct vtel_sel *sel = w->sel;
	bool rollup = !sel->cg_own;
	const struct vtel_seg *seg;
	struct vtel_cg *cg;
	int err = rollup ? 0 : -ENOENT;

	vtel_cg_for_each(cg) {
		if (rollup ? !vtel_cg_in(cg, sel->cg_id, sel->cg_level) :
			     cg->path.id != sel->cg_id)
			continue;
		list_for_each_entry_rcu(seg, &cg->segs, cg_node) {
			w->t.nr_vcpus++;
			vtel_walk_seg(w, seg);
		}
		vtel_walk_seg(w, &cg->departed);
		if (rollup)
			vtel_walk_seg(w, &cg->removed);
		err = 0;
	}
	return err;
}

/* One walk of the view from zero; the caller holds the fold_mutex. */
static int vtel_walk(struct vtel_walk *w)
{
	int err;

	memset(&w->t, 0, sizeof(w->t));
	rcu_read_lock();
	switch (w->sel->type) {
	case VTEL_SEL_VM:
	case VTEL_SEL_VCPU:
		err = vtel_walk_vms(w);
		break;
	case VTEL_SEL_CGROUP:
		err = vtel_walk_cg(w);
		break;
	default:
		err = vtel_walk_host(w);
	}
	rcu_read_unlock();
	return err;
}

/* The totals of a view, without its reasons: no allocation. */
int vtel_view_totals(struct vtel_totals *t, const struct vtel_sel *sel)
{
	struct vtel_walk w = { .sel = sel };
	int err;

	mutex_lock(&vtel_table.fold_mutex);
	err = vtel_walk(&w);
	mutex_unlock(&vtel_table.fold_mutex);
	*t = w.t;
	return err;
}

/*
 * A view with a row for each reason it has (with @only >= 0, for that one
 * alone), summed sparsely: one walk notes the reasons, a second sums them
 * into rows allocated for just those, charged to the caller's memory
 * cgroup. A reason that appears between the walks (a new slot) sends it
 * round again with one more row. Free with kvfree().
 */
struct vtel_sum *vtel_view_sum(const struct vtel_sel *sel, int only)
{
	struct vtel_walk w = { .sel = sel, .reasons = true, .only = only };
	struct vtel_sum *s = NULL;
	unsigned int r, n;
	int err;

	mutex_lock(&vtel_table.fold_mutex);
	err = vtel_walk(&w);
	while (!err) {
		n = bitmap_weight(w.seen, VTEL_MAX_REASONS);
		s = vtel_kvzalloc(struct_size(s, row, n), GFP_KERNEL_ACCOUNT);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		n = 0;
		for_each_set_bit(r, w.seen, VTEL_MAX_REASONS) {
			w.row[r] = n;
			s->row[n++].reason = r;
		}
		s->n = n;
		w.s = s;
		w.missed = false;
		err = vtel_walk(&w);
		if (!w.missed)
			break;
		kvfree(s);
		s = NULL;
	}
	mutex_unlock(&vtel_table.fold_mutex);
	if (err) {
		kvfree(s);
		return ERR_PTR(err);
	}
	s->t = w.t;
	return s;
}

/* Split marks (kvm_userspace_exit, kvm_vcpu_wakeup) that found no vCPU. */
u64 vtel_view_split_missed(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(vtel_table.pcpu, cpu)->split_missed);
	return n;
}

/*
 * The host's totals from the per-CPU counters alone, which see every exit
 * (tracked, untracked and of evicted VMs): no walk, no lock, no
 * allocation. Equal to the host view's totals (vtel_view_totals()).
 */
void vtel_view_host_totals(struct vtel_totals *t)
{
	u32 gen = READ_ONCE(vtel_table.reset_gen);
	int cpu;

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		const struct vtel_pcpu *pc = per_cpu_ptr(vtel_table.pcpu, cpu);

		/* Pairs with vtel_table_pcpu_reset(). */
		if (smp_load_acquire(&pc->reset_gen) != gen)
			continue;
		t->exits += READ_ONCE(pc->exits);
		t->handling_ns += READ_ONCE(pc->handling_ns);
		t->guest_ns += READ_ONCE(pc->guest_ns);
		t->slow_exits += READ_ONCE(pc->slow_exits);
		t->reason_overflow += READ_ONCE(pc->reason_overflow);
		t->untracked_exits += READ_ONCE(pc->untracked_exits);
		t->cg_stale_exits += READ_ONCE(pc->cg_stale_exits);
		vtel_split_add(&t->split, &pc->split);
	}
	t->nr_vcpus = READ_ONCE(vtel_table.cnt.vcpus);
}

/*
 * The ports and MMIO pages of a VM's vCPUs (@vcpu_id < 0) or of one,
 * summed and sorted. A table not written since the last reset reads as
 * empty.
 */
int vtel_view_addrs(struct vtel_addr_view *v, u32 vm_id, s64 vcpu_id)
{
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;
	int err = -ENOENT;

	memset(v, 0, sizeof(*v));
	rcu_read_lock();
	vtel_vm_for_each(vm) {
		if (vm->id != vm_id)
			continue;
		if (vcpu_id < 0)
			err = 0;
		vtel_vm_for_each_vcpu(vm, vc) {
			if (vcpu_id >= 0 && vc->vcpu_id != vcpu_id)
				continue;
			err = 0;
			/* Pairs with vtel_account_addr_sync(). */
			if (smp_load_acquire(&vc->addr_gen) ==
			    READ_ONCE(vtel_table.reset_gen))
				vtel_addr_merge(v, &vc->addrs);
		}
		break;
	}
	rcu_read_unlock();
	vtel_addr_sort(v);
	return err;
}

static int vtel_cmp_cg_row_id(const void *key, const void *elt)
{
	u64 id = *(const u64 *)key;
	u64 x = ((const struct vtel_cg_row *)elt)->e.id;

	return id < x ? -1 : id > x;
}

static struct vtel_cg_row *vtel_cg_row_find(struct vtel_cg_row *rows, u32 n,
					    u64 id)
{
	return bsearch(&id, rows, n, sizeof(*rows), vtel_cmp_cg_row_id);
}

/*
 * The rows of the cgroups views: @e, n ids by increasing id from
 * vtel_view_cg_ids(), with each one's own totals and its rollup (itself,
 * every record vtel_cg_in() it, and what removed descendants left), in
 * one walk over the records: each adds to its own row and to its
 * ancestors' rows, found by binary search. O(records x depth x log n);
 * a walk per row would be quadratic.
 */
void vtel_view_cg_rows(struct vtel_cg_row *rows, const struct vtel_cg_ent *e,
		       u32 n)
{
	struct vtel_cg *cg;
	u32 i;

	for (i = 0; i < n; i++)
		rows[i] = (struct vtel_cg_row){ .e = e[i] };
	mutex_lock(&vtel_table.fold_mutex);
	rcu_read_lock();
	vtel_cg_for_each(cg) {
		u32 top = min_t(u32, cg->path.level, VTEL_CG_DEPTH);
		struct vtel_cg_row *r = vtel_cg_row_find(rows, n, cg->path.id);

		if (r) {
			vtel_totals_cg(cg, &r->own);
			vtel_totals_cg(cg, &r->all);
			vtel_totals_seg(&cg->removed, &r->all);
		}
		/* vtel_cg_in(): the ancestors up to VTEL_CG_DEPTH. */
		for (i = 0; i < top; i++) {
			if (cg->path.ids[i] == cg->path.id)
				continue;
			r = vtel_cg_row_find(rows, n, cg->path.ids[i]);
			if (!r || r->e.level != i)
				continue;
			vtel_totals_cg(cg, &r->all);
			vtel_totals_seg(&cg->removed, &r->all);
		}
	}
	rcu_read_unlock();
	mutex_unlock(&vtel_table.fold_mutex);
}

static int vtel_cmp_cg_ent(const void *a, const void *b)
{
	u64 x = ((const struct vtel_cg_ent *)a)->id;
	u64 y = ((const struct vtel_cg_ent *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * The cgroups vCPU threads ran in and all their ancestors, by increasing
 * id, at most @max of them. Returns how many were written to @e.
 */
u32 vtel_view_cg_ids(struct vtel_cg_ent *e, u32 max)
{
	struct vtel_cg *cg;
	u32 i, n = 0, out = 0;

	rcu_read_lock();
	vtel_cg_for_each(cg) {
		u32 top = min_t(u32, cg->path.level, VTEL_CG_DEPTH - 1);

		for (i = 0; i <= top && n < max; i++) {
			e[n].id = i == cg->path.level ? cg->path.id :
				  cg->path.ids[i];
			e[n++].level = i;
		}
		if (cg->path.level >= VTEL_CG_DEPTH && n < max) {
			e[n].id = cg->path.id;
			e[n++].level = cg->path.level;
		}
	}
	rcu_read_unlock();
	sort(e, n, sizeof(*e), vtel_cmp_cg_ent, NULL);
	for (i = 0; i < n; i++)
		if (!out || e[out - 1].id != e[i].id)
			e[out++] = e[i];
	return out;
}

/* Room for every id vtel_view_cg_ids() can return. */
u32 vtel_view_cg_ids_max(void)
{
	return vtel_table.lim.max_cgroups * (VTEL_CG_DEPTH + 1);
}

static int vtel_cmp_count(const void *a, const void *b, const void *priv)
{
	const struct vtel_sum *s = priv;
	u16 x = *(const u16 *)a, y = *(const u16 *)b;
	u64 cx = s->row[x].s.count, cy = s->row[y].s.count;

	if (cx != cy)
		return cx < cy ? 1 : -1;
	/* Rows are by increasing reason. */
	return x - y;
}

/*
 * The rows of @s that saw exits, by decreasing count. Returns how many
 * row indices were written to @order (room for s->n).
 */
unsigned int vtel_view_order(const struct vtel_sum *s, u16 *order)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n; i++)
		if (s->row[i].s.count || s->row[i].s.timed)
			order[n++] = i;
	sort_r(order, n, sizeof(order[0]), vtel_cmp_count, NULL, s);
	return n;
}

/*
 * Moves an evicted VM's numbers to the host and cgroup totals; the worker,
 * under vtel_table.fold_mutex and rcu_read_lock().
 */
void vtel_view_fold_vm(struct vtel_vm *vm)
{
	struct vtel_vcpu *vc;
	struct vtel_seg *seg;

	if (vtel_table.evicted)
		vtel_agg_add_vm(vtel_table.evicted, vm);
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		list_for_each_entry(seg, &vc->segs, vcpu_node) {
			struct vtel_cg *cg = READ_ONCE(seg->cg);

			if (cg)
				vtel_seg_fold(&cg->departed, seg);
		}
	}
}

/*
 * Reset is lazy: bumping the generation makes every record read as zero,
 * and each vCPU and CPU zeroes its own counters on its next event. Nothing
 * ever writes another CPU's or vCPU's hot counters.
 */
void vtel_view_reset(void)
{
	struct vtel_cg *cg;
	u32 gen;

	mutex_lock(&vtel_table.fold_mutex);
	gen = vtel_table.reset_gen + 1;
	if (vtel_table.evicted)
		memset(vtel_table.evicted, 0, sizeof(*vtel_table.evicted));
	/* Departed totals are written only under this mutex. */
	rcu_read_lock();
	vtel_cg_for_each(cg) {
		vtel_seg_zero(&cg->departed, gen);
		vtel_seg_zero(&cg->removed, gen);
	}
	rcu_read_unlock();
	WRITE_ONCE(vtel_table.reset_gen, gen);
	mutex_unlock(&vtel_table.fold_mutex);
}
