// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of the summed views: across vCPUs and VMs, reset, sparse sums. */
#include "vtel_kunit.h"

static void vtel_view_sums_vcpus_and_host(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v0, *v1, *w0;
	u64 t = 1;
	int i;

	v0 = vcpu(test, 1, 0);
	v1 = vcpu(test, 1, 1);
	w0 = vcpu(test, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, w0);
	KUNIT_EXPECT_PTR_EQ(test, v0->vm, v1->vm);
	KUNIT_EXPECT_PTR_NE(test, v0->vm, w0->vm);
	/* The same key finds the same record. */
	KUNIT_EXPECT_PTR_EQ(test, vcpu(test, 1, 1), v1);

	for (i = 0; i < 3; i++)
		exit_entry(v0, io, &t, 10, 100);
	for (i = 0; i < 5; i++)
		exit_entry(v1, io, &t, 10, 1000);
	for (i = 0; i < 7; i++)
		exit_entry(w0, io, &t, 10, 10);

	KUNIT_ASSERT_EQ(test, view_vcpu(a, vm_id_of(v1), 1), 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 5);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(v0)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 8);
	KUNIT_EXPECT_EQ(test, a->t.nr_vcpus, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 100);
	KUNIT_EXPECT_EQ(test, a->reason[io].max_ns, 1000);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 3 * 100 + 5 * 1000);
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 15);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 15);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 10);
	KUNIT_EXPECT_EQ(test, view_vcpu(a, vm_id_of(v0), 9), -ENOENT);
	KUNIT_EXPECT_EQ(test, view_vm(a, 12345), -ENOENT);
}

static void vtel_view_reset_zeroes_everything(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	u64 t = 1;

	v1 = vcpu(test, 1, 0);
	v2 = vcpu(test, 2, 0);
	exit_entry(v1, io, &t, 10, 10);
	exit_entry(v2, io, &t, 10, 10);
	vtel_vm_retire(KEY(2));
	vtel_vm_retire(KEY(1));
	vtel_worker_run();		/* evicts one into the host total */
	exit_entry(NULL, io, &t, 1, 1);	/* untracked */

	vtel_view_reset();
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 0);

	v1 = vcpu(test, 3, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	exit_entry(v1, io, &t, 10, 30);
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 30);
}

/* The dense sum the views had: a segment into a vtel_stats per reason. */
static void dense_seg(struct vtel_agg *d, const struct vtel_seg *seg)
{
	unsigned int i;

	if (seg->reset_gen != vtel_table.reset_gen)
		return;
	d->t.exits += seg->exits;
	d->t.handling_ns += seg->handling_ns;
	d->t.guest_ns += seg->guest_ns;
	d->t.reason_overflow += seg->reason_overflow;
	for (i = 0; i < seg->nr_slots; i++)
		vtel_stats_add_slot(&d->reason[seg->reason_of[i]], &seg->slot[i],
				    i < VTEL_SEG_HISTS ? &seg->hist[i] : NULL);
}

static void dense_vm(struct vtel_agg *d, const struct vtel_vm *vm)
{
	const struct vtel_vcpu *vc;
	const struct vtel_seg *seg;

	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		d->t.nr_vcpus++;
		list_for_each_entry(seg, &vc->segs, vcpu_node)
			dense_seg(d, seg);
	}
}

/* The host: every VM, the untracked exits and what evicted VMs left. */
static void dense_host(struct vtel_agg *d)
{
	const struct vtel_agg *ev = vtel_table.evicted;
	const struct vtel_vm *vm;
	unsigned int i;

	list_for_each_entry(vm, &vtel_table.vms, node)
		dense_vm(d, vm);
	d->t.exits += pcpu()->untracked_exits + ev->t.exits;
	d->t.handling_ns += ev->t.handling_ns;
	d->t.guest_ns += ev->t.guest_ns;
	d->t.reason_overflow += ev->t.reason_overflow;
	for (i = 0; i < VTEL_MAX_REASONS; i++) {
		d->reason[i].count += pcpu()->untracked[i];
		vtel_stats_merge(&d->reason[i], &ev->reason[i]);
	}
	d->t.nr_vcpus = counters().vcpus;
}

static void expect_same(struct kunit *test, const struct vtel_agg *a,
			const struct vtel_agg *d)
{
	unsigned int r;

	KUNIT_EXPECT_EQ(test, a->t.exits, d->t.exits);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, d->t.handling_ns);
	KUNIT_EXPECT_EQ(test, a->t.guest_ns, d->t.guest_ns);
	KUNIT_EXPECT_EQ(test, a->t.reason_overflow, d->t.reason_overflow);
	KUNIT_EXPECT_EQ(test, a->t.nr_vcpus, d->t.nr_vcpus);
	for (r = 0; r < VTEL_MAX_REASONS; r++) {
		const struct vtel_stats *x = &a->reason[r], *y = &d->reason[r];

		KUNIT_EXPECT_EQ_MSG(test, x->count, y->count, "reason %u", r);
		KUNIT_EXPECT_EQ_MSG(test, x->timed, y->timed, "reason %u", r);
		KUNIT_EXPECT_EQ(test, x->total_ns, y->total_ns);
		KUNIT_EXPECT_EQ(test, x->max_ns, y->max_ns);
		if (y->timed)
			KUNIT_EXPECT_EQ(test, x->min_ns, y->min_ns);
		KUNIT_EXPECT_EQ(test, x->unbinned, y->unbinned);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(x->hist, y->hist,
						 sizeof(x->hist)), 0,
				    "reason %u", r);
	}
}

/* Rows of the dense sum that saw exits. */
static unsigned int dense_rows(const struct vtel_agg *d)
{
	unsigned int r, n = 0;

	for (r = 0; r < VTEL_MAX_REASONS; r++)
		n += d->reason[r].count || d->reason[r].timed;
	return n;
}

/*
 * The sparse sum (vtel_view_sum()) against the dense one over segments
 * with different reason sets: a vCPU with more reasons than slots
 * (reason_overflow) and than histograms, moved to a cgroup of its own
 * with a second set, another vCPU and VM with a third, untracked exits
 * and an evicted VM.
 */
static void vtel_view_sparse_matches_dense(struct kunit *test)
{
	static const u64 cg_b[] = { 1, 10 };
	unsigned int r, n = vtel_reason_count();
	struct vtel_agg *a = test->priv, *d;
	struct vtel_vcpu *v0, *v1, *w0, *x0;
	struct vtel_sel sel = {};
	struct vtel_totals t;
	struct vtel_cg_path *p;	/* off the stack: KASAN's frame limit */
	struct vtel_sum *s;
	u64 now = 1;
	int i;

	KUNIT_ASSERT_GT(test, n, VTEL_SEG_SLOTS + 20);
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, p);
	v0 = vcpu(test, 1, 0);
	v1 = vcpu(test, 1, 1);
	w0 = vcpu(test, 2, 0);
	x0 = vcpu(test, 3, 0);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, w0);
	KUNIT_ASSERT_NOT_NULL(test, x0);
	for (r = 1; r < VTEL_SEG_SLOTS + 6; r++)
		for (i = 0; i < r % 4 + 1; i++)
			exit_entry(v0, r, &now, 10, r * 10 + i);
	vtel_worker_run();				/* refills the spares */
	cg_path(p, cg_b, 1);
	vtel_vm_set_cgroup(v0, p);
	KUNIT_ASSERT_EQ(test, v0->nr_segs, 2);
	for (r = 20; r < 30; r++)
		exit_entry(v0, r, &now, 5, 1000 + r);
	for (i = 0; i < 9; i++)
		exit_entry(v1, VTEL_SEG_SLOTS + 10 + i % 3, &now, 3, 70 + i);
	exit_entry(w0, n - 1, &now, 1, 12345);
	exit_entry(x0, 7, &now, 1, 99);
	exit_entry(x0, n - 2, &now, 1, 98);
	exit_entry(NULL, 3, &now, 1, 1);		/* untracked */
	exit_entry(NULL, n - 3, &now, 1, 1);
	/* The cgroup v0 moved to, alone (the worker would release it). */
	KUNIT_ASSERT_EQ(test, view_cg(a, 10, 1, false), 0);
	memset(d, 0, sizeof(*d));
	d->t.nr_vcpus = 1;
	dense_seg(d, v0->seg);
	expect_same(test, a, d);
	KUNIT_EXPECT_EQ(test, a->t.exits, 10);

	vtel_vm_retire(KEY(3));
	vtel_vm_retire(KEY(2));
	vtel_worker_run();				/* evicts VM 3 */
	KUNIT_ASSERT_EQ(test, counters().evicted_vms, 1);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(v0)), 0);
	memset(d, 0, sizeof(*d));
	dense_vm(d, v0->vm);
	KUNIT_EXPECT_GT(test, d->t.reason_overflow, 0);
	expect_same(test, a, d);

	KUNIT_ASSERT_EQ(test, view_vcpu(a, vm_id_of(v1), 1), 0);
	memset(d, 0, sizeof(*d));
	d->t.nr_vcpus = 1;
	dense_seg(d, v1->seg);
	expect_same(test, a, d);

	KUNIT_ASSERT_EQ(test, view_host(a), 0);
	memset(d, 0, sizeof(*d));
	dense_host(d);
	expect_same(test, a, d);

	/* One row a reason with exits, none for the others; totals alike. */
	sel.type = VTEL_SEL_HOST;
	s = vtel_view_sum(&sel, -1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_EQ(test, s->n, dense_rows(d));
	for (i = 1; i < s->n; i++)
		KUNIT_EXPECT_LT(test, s->row[i - 1].reason, s->row[i].reason);
	KUNIT_EXPECT_EQ(test, vtel_view_totals(&t, &sel), 0);
	KUNIT_EXPECT_EQ(test, t.exits, s->t.exits);
	KUNIT_EXPECT_EQ(test, t.handling_ns, s->t.handling_ns);
	KUNIT_EXPECT_EQ(test, t.nr_vcpus, s->t.nr_vcpus);
	kvfree(s);

	/* A dump of one reason sums that reason alone. */
	s = vtel_view_sum(&sel, 25);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_ASSERT_EQ(test, s->n, 1);
	KUNIT_EXPECT_EQ(test, s->row[0].reason, 25);
	KUNIT_EXPECT_EQ(test, s->row[0].s.count, d->reason[25].count);
	KUNIT_EXPECT_EQ(test, s->row[0].s.total_ns, d->reason[25].total_ns);
	KUNIT_EXPECT_EQ(test, s->t.exits, d->t.exits);
	kvfree(s);

	sel.type = VTEL_SEL_VM;
	sel.vm_id = 12345;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vtel_view_sum(&sel, -1)), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_view_totals(&t, &sel), -ENOENT);
}

static struct kunit_case vtel_view_cases[] = {
	KUNIT_CASE(vtel_view_sums_vcpus_and_host),
	KUNIT_CASE(vtel_view_reset_zeroes_everything),
	KUNIT_CASE(vtel_view_sparse_matches_dense),
	{}
};

static struct kunit_suite vtel_view_suite = {
	.name = "vtel_view",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_view_cases,
};

kunit_test_suites(&vtel_view_suite);

MODULE_LICENSE("GPL");
