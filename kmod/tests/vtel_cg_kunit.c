// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of cgroup records: segments split by a move, release and rollup. */
#include "vtel_kunit.h"

static void vtel_cg_move_splits(struct kunit *test)
{
	static const u64 vm1[] = { 1, 10, 11 }, vm2[] = { 1, 10, 12 };
	static const u64 other[] = { 1, 20 };
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	struct vtel_cg_path p;
	u64 t = 1;
	int i;

	v1 = vtel_vm_lookup_vcpu(KEY(101), KEY(1), 0, NULL);
	v2 = vtel_vm_lookup_vcpu(KEY(201), KEY(2), 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	/* No segment yet: the exit is counted, as untracked. */
	exit_entry(v1, io, &t, 1, 1);
	cg_path(&p, vm1, 2);
	vtel_vm_set_cgroup(v1, &p);
	cg_path(&p, vm2, 2);
	vtel_vm_set_cgroup(v2, &p);
	for (i = 0; i < 3; i++)
		exit_entry(v1, io, &t, 10, 100);
	for (i = 0; i < 5; i++)
		exit_entry(v2, io, &t, 10, 100);
	/* v1's thread moves to another tenant. */
	cg_path(&p, other, 1);
	vtel_vm_set_cgroup(v1, &p);
	for (i = 0; i < 7; i++)
		exit_entry(v1, io, &t, 10, 100);

	KUNIT_ASSERT_EQ(test, view_cg(a, 11, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 3);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 300);
	KUNIT_ASSERT_EQ(test, view_cg(a, 20, 1, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 7);
	/* The tenant has no vCPU of its own: own view unknown, rollup 3+5. */
	KUNIT_EXPECT_EQ(test, view_cg(a, 10, 1, false), -ENOENT);
	KUNIT_ASSERT_EQ(test, view_cg(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 8);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 8);
	KUNIT_ASSERT_EQ(test, view_cg(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 15);
	/* The VM view is whole across the move, plus the untracked exit. */
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(v1)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 10);
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 16);
	KUNIT_EXPECT_EQ(test, a->t.untracked_exits, 1);
}

static bool cg_alive_except_11(u64 id)
{
	return id != 11;
}

static void vtel_cg_lifetime(struct kunit *test)
{
	static const u64 vm1[] = { 1, 10, 11 };
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_counters c;
	struct vtel_vcpu *v1;
	struct vtel_cg_path p;
	u64 t = 1;

	v1 = vtel_vm_lookup_vcpu(KEY(101), KEY(1), 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	cg_path(&p, vm1, 2);
	vtel_vm_set_cgroup(v1, &p);
	exit_entry(v1, io, &t, 10, 100);
	exit_entry(v1, io, &t, 10, 100);

	/* The VM goes and is evicted: the cgroup keeps its numbers. */
	vtel_vm_retire(KEY(1));
	v1 = vtel_vm_lookup_vcpu(KEY(301), KEY(3), 0, NULL);
	vtel_vm_retire(KEY(3));
	vtel_worker_run();
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.evicted_vms, 1);
	KUNIT_ASSERT_EQ(test, view_cg(a, 11, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 200);
	KUNIT_ASSERT_EQ(test, view_cg(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);

	/* rmdir: the record is released and the id is unknown. */
	vtel_cg_release(cg_alive_except_11);
	vtel_table_counters(&c);
	KUNIT_EXPECT_EQ(test, c.cgroups_released, 1);
	KUNIT_EXPECT_EQ(test, view_cg(a, 11, 2, false), -ENOENT);
	/* Its parent's rollup keeps it, as cpu.stat does; not its own view. */
	KUNIT_ASSERT_EQ(test, view_cg(a, 10, 1, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	KUNIT_EXPECT_EQ(test, a->reason[io].total_ns, 200);
	KUNIT_ASSERT_EQ(test, view_cg(a, 10, 1, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_ASSERT_EQ(test, view_cg(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);
	/* The host total does not lose what the cgroup had. */
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.exits, 2);

	/* Recreated at the same path it is a new id, and starts at zero. */
	v1 = vtel_vm_lookup_vcpu(KEY(401), KEY(4), 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	p.id = 13;
	p.ids[2] = 13;
	vtel_vm_set_cgroup(v1, &p);
	exit_entry(v1, io, &t, 10, 100);
	KUNIT_ASSERT_EQ(test, view_cg(a, 13, 2, false), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
}

static const struct vtel_limits cg_lim = {
	.max_vms = 4, .max_vcpus = 4, .max_segs = 64, .max_cgroups = 32,
	.spare_vms = 4, .spare_vcpus = 16, .spare_cgroups = 32,
	.retired_vms = 4,
};

/* The thread moves to cgroup @id (a child of the root), as the probe sees it. */
static void move(struct vtel_vcpu *vc, u64 id)
{
	const u64 ids[] = { 1, id };
	struct vtel_cg_path p;

	cg_path(&p, ids, 1);
	if (vtel_vm_cgroup_wanted(vc, id))
		vtel_vm_set_cgroup(vc, &p);
	vtel_vm_count_stale(pcpu(), vc, id);
}

static u64 own_exits(struct kunit *test, u64 id)
{
	struct vtel_agg *a = test->priv;

	return view_cg(a, id, 1, false) ? 0 : a->t.exits;
}

/* 100 moves between two cgroups reuse two segments; counts stay exact. */
static void vtel_cg_moves_reuse_segments(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_vcpu *vc;
	u64 t = 1;
	int i;

	vtel_kunit_limits(test, &cg_lim);
	vc = vtel_vcpu_get(pcpu(), KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (i = 0; i < 100; i++) {
		move(vc, i % 2 ? 20 : 21);
		exit_entry(vc, io, &t, 1, 1);
		exit_entry(vc, io, &t, 1, 1);
	}
	KUNIT_EXPECT_EQ(test, vc->nr_segs, 2);
	KUNIT_EXPECT_EQ(test, counters().segs, 2);
	KUNIT_EXPECT_EQ(test, own_exits(test, 20), 100);
	KUNIT_EXPECT_EQ(test, own_exits(test, 21), 100);
	KUNIT_EXPECT_EQ(test, pcpu()->cg_stale_exits, 0);
}

/* Beyond VTEL_VCPU_SEGS cgroups the oldest fold; nothing is lost. */
static void vtel_cg_moves_bounded(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc;
	u64 t = 1, sum = 0;
	int i;

	vtel_kunit_limits(test, &cg_lim);
	vc = vtel_vcpu_get(pcpu(), KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (i = 0; i < 60; i++) {
		move(vc, 20 + i % 20);
		exit_entry(vc, io, &t, 1, 1);
		/* The worker folds when asked; until then, stale. */
		vtel_worker_run();
		KUNIT_EXPECT_LE(test, vc->nr_segs, VTEL_VCPU_SEGS);
	}
	for (i = 0; i < 20; i++)
		sum += own_exits(test, 20 + i);
	KUNIT_EXPECT_EQ(test, sum, 60);
	KUNIT_EXPECT_GT(test, counters().seg_folds, 0);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 60);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 60);
	KUNIT_ASSERT_EQ(test, view_cg(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 60);
}

static bool cg_alive_except_30(u64 id)
{
	return id != 30;
}

/* A vCPU that arrived while the cgroup pool was empty joins the view. */
static void vtel_cg_retry_after_empty_pool(struct kunit *test)
{
	static const struct vtel_limits lim = {
		.max_vms = 4, .max_vcpus = 4, .max_segs = 8, .max_cgroups = 1,
		.spare_vms = 4, .spare_vcpus = 4, .spare_cgroups = 1,
		.retired_vms = 4,
	};
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_vcpu *v1, *v2;
	u64 t = 1;
	int i;

	vtel_kunit_limits(test, &lim);
	v1 = vtel_vcpu_get(pcpu(), KEY(101), KEY(1), 0);
	v2 = vtel_vcpu_get(pcpu(), KEY(201), KEY(2), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	move(v1, 30);
	exit_entry(v1, io, &t, 1, 1);
	/* The only cgroup record is taken: v2's cgroup 31 has none. */
	move(v2, 31);
	for (i = 0; i < 5; i++) {
		exit_entry(v2, io, &t, 1, 1);
		move(v2, 31);
	}
	KUNIT_EXPECT_EQ(test, counters().untracked_cgroups, 1);
	KUNIT_EXPECT_EQ(test, own_exits(test, 31), 0);
	/* Cgroup 30 is removed; the worker frees and refills its record. */
	KUNIT_EXPECT_TRUE(test, vtel_cg_release(cg_alive_except_30));
	vtel_table_refill();
	move(v2, 31);
	exit_entry(v2, io, &t, 1, 1);
	KUNIT_EXPECT_EQ(test, own_exits(test, 31), 6);
	KUNIT_EXPECT_EQ(test, v2->cg_id, 31);
	KUNIT_EXPECT_EQ(test, pcpu()->cg_stale_exits, 0);
}

/* An exit is stale only if counted in another cgroup's segment. */
static void vtel_cg_stale_only_when_elsewhere(struct kunit *test)
{
	static const struct vtel_limits lim = {
		.max_vms = 4, .max_vcpus = 4, .max_segs = 8, .max_cgroups = 4,
		.spare_vms = 4, .spare_vcpus = 1, .spare_cgroups = 4,
		.retired_vms = 4,
	};
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_vcpu *vc;
	u64 t = 1;

	vtel_kunit_limits(test, &lim);
	vc = vtel_vcpu_get(pcpu(), KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	/* The record's own segment, then the pool's only spare one. */
	move(vc, 40);
	exit_entry(vc, io, &t, 1, 1);
	move(vc, 41);
	exit_entry(vc, io, &t, 1, 1);
	KUNIT_EXPECT_EQ(test, pcpu()->cg_stale_exits, 0);
	/* spare 1: no segment is free until the worker runs. */
	move(vc, 42);
	exit_entry(vc, io, &t, 1, 1);
	KUNIT_EXPECT_EQ(test, pcpu()->cg_stale_exits, 1);
	KUNIT_EXPECT_EQ(test, own_exits(test, 41), 2);
	vtel_worker_run();
	move(vc, 42);
	exit_entry(vc, io, &t, 1, 1);
	KUNIT_EXPECT_EQ(test, pcpu()->cg_stale_exits, 1);
	KUNIT_EXPECT_EQ(test, own_exits(test, 42), 1);
}

/*
 * The segments of @vc, its only vCPU's: the one in its record among them,
 * every other one from the pool, and the counters exact.
 */
static void expect_segs(struct kunit *test, struct vtel_vcpu *vc)
{
	const struct vtel_pool *sp = &vtel_table.seg_pool;
	struct vtel_seg *seg;
	bool first = false;
	u32 n = 0;

	list_for_each_entry(seg, &vc->segs, vcpu_node) {
		first |= seg == &vc->first;
		n++;
	}
	KUNIT_EXPECT_TRUE(test, first);
	KUNIT_EXPECT_EQ(test, n, vc->nr_segs);
	KUNIT_EXPECT_EQ(test, counters().segs, vc->nr_segs);
	KUNIT_EXPECT_EQ(test, sp->records - sp->nr_free, vc->nr_segs - 1);
}

/* A vCPU's first cgroup takes the segment in its record, not the pool's. */
static void vtel_cg_first_segment_in_record(struct kunit *test)
{
	static const struct vtel_limits lim = {
		.max_vms = 4, .max_vcpus = 4, .max_segs = 5, .max_cgroups = 4,
		.spare_vms = 4, .spare_vcpus = 2, .spare_cgroups = 4,
		.retired_vms = 4,
	};
	unsigned int io = vtel_svm_reason(0x7b);
	const struct vtel_pool *sp = &vtel_table.seg_pool;
	struct vtel_vcpu *v1, *v2;
	u64 t = 1;

	vtel_kunit_limits(test, &lim);
	KUNIT_ASSERT_EQ(test, sp->max, 1);
	KUNIT_ASSERT_EQ(test, sp->nr_free, 1);
	v1 = vtel_vcpu_get(pcpu(), KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	move(v1, 20);
	exit_entry(v1, io, &t, 1, 1);
	KUNIT_EXPECT_PTR_EQ(test, v1->seg, &v1->first);
	KUNIT_EXPECT_EQ(test, sp->nr_free, 1);
	expect_segs(test, v1);
	/* A move takes the pool's only segment. */
	move(v1, 21);
	exit_entry(v1, io, &t, 1, 1);
	KUNIT_EXPECT_PTR_NE(test, v1->seg, &v1->first);
	KUNIT_EXPECT_EQ(test, sp->nr_free, 0);
	expect_segs(test, v1);
	/* The pool is exhausted: a new vCPU still has its first segment. */
	v2 = vtel_vcpu_get(pcpu(), KEY(201), KEY(2), 0);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	move(v2, 30);
	exit_entry(v2, io, &t, 1, 1);
	KUNIT_EXPECT_PTR_EQ(test, v2->seg, &v2->first);
	KUNIT_EXPECT_EQ(test, counters().segs, 3);
	KUNIT_EXPECT_EQ(test, counters().seg_drops, 0);
	KUNIT_EXPECT_EQ(test, own_exits(test, 20), 1);
	KUNIT_EXPECT_EQ(test, own_exits(test, 21), 1);
	KUNIT_EXPECT_EQ(test, own_exits(test, 30), 1);
	KUNIT_EXPECT_EQ(test, pcpu()->cg_stale_exits, 0);
}

/* Moves @vc to @id with one exit there, then lets the worker fold. */
static void move_exit_fold(struct vtel_vcpu *vc, u64 id, u64 *t)
{
	move(vc, id);
	exit_entry(vc, vtel_svm_reason(0x7b), t, 1, 1);
	vtel_worker_run();
}

/*
 * Through 16 cgroups the record's segment is folded, never freed: first
 * with no elsewhere segment yet (it becomes that one, here the second is
 * folded as the first is current), then as the oldest next to an
 * elsewhere segment (that one folds into it). Evicted, every segment is
 * given back and the cgroup views keep every exit.
 */
static void vtel_cg_first_segment_folds(struct kunit *test)
{
	static const struct vtel_limits lim = {
		.max_vms = 4, .max_vcpus = 4, .max_segs = 64, .max_cgroups = 32,
		.spare_vms = 4, .spare_vcpus = 16, .spare_cgroups = 32,
		.retired_vms = 0,
	};
	const struct vtel_pool *sp = &vtel_table.seg_pool;
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc;
	u64 t = 1, sum = 0;
	u32 id;
	int i;

	vtel_kunit_limits(test, &lim);
	vc = vtel_vcpu_get(pcpu(), KEY(101), KEY(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (i = 20; i < 28; i++) {
		move_exit_fold(vc, i, &t);
		expect_segs(test, vc);
	}
	KUNIT_EXPECT_EQ(test, vc->nr_segs, VTEL_VCPU_SEGS);
	KUNIT_EXPECT_EQ(test, counters().seg_folds, 0);
	/* Back to the first cgroup, then a ninth: 21 and 22 fold. */
	move_exit_fold(vc, 20, &t);
	KUNIT_EXPECT_PTR_EQ(test, vc->seg, &vc->first);
	move_exit_fold(vc, 28, &t);
	KUNIT_EXPECT_EQ(test, counters().seg_folds, 2);
	KUNIT_EXPECT_EQ(test, vc->first.cg_id, 20);
	expect_segs(test, vc);
	/* Now 20, the record's own, is the oldest: it becomes elsewhere. */
	move_exit_fold(vc, 28, &t);
	move_exit_fold(vc, 29, &t);
	KUNIT_EXPECT_EQ(test, counters().seg_folds, 3);
	KUNIT_EXPECT_EQ(test, vc->first.cg_id, 0);
	KUNIT_EXPECT_PTR_EQ(test, vc->first.cg, NULL);
	expect_segs(test, vc);
	for (i = 29; i < 36; i++) {
		move_exit_fold(vc, i, &t);
		move_exit_fold(vc, i, &t);
		KUNIT_EXPECT_LE(test, vc->nr_segs, VTEL_VCPU_SEGS);
		expect_segs(test, vc);
	}
	KUNIT_EXPECT_EQ(test, vc->first.cg_id, 0);
	KUNIT_EXPECT_EQ(test, counters().seg_drops, 0);
	for (i = 20; i < 36; i++)
		sum += own_exits(test, i);
	/* 26 exits, the stale ones counted where the thread had been. */
	KUNIT_EXPECT_EQ(test, sum, 26);
	id = vm_id_of(vc);
	KUNIT_ASSERT_EQ(test, view_vm(a, id), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 26);
	/* Evicted: no segment left, the pool's given back. */
	vtel_vm_retire(KEY(1));
	vtel_worker_run();
	KUNIT_EXPECT_EQ(test, counters().evicted_vms, 1);
	KUNIT_EXPECT_EQ(test, counters().segs, 0);
	KUNIT_EXPECT_EQ(test, sp->records - sp->nr_free, 0);
	KUNIT_EXPECT_EQ(test, vtel_table.vcpu_pool.records -
			      vtel_table.vcpu_pool.nr_free, 0);
	KUNIT_EXPECT_EQ(test, view_vm(a, id), -ENOENT);
	sum = 0;
	for (i = 20; i < 36; i++)
		sum += own_exits(test, i);
	KUNIT_EXPECT_EQ(test, sum, 26);
}

static struct kunit_case vtel_cg_cases[] = {
	KUNIT_CASE(vtel_cg_moves_reuse_segments),
	KUNIT_CASE(vtel_cg_moves_bounded),
	KUNIT_CASE(vtel_cg_retry_after_empty_pool),
	KUNIT_CASE(vtel_cg_stale_only_when_elsewhere),
	KUNIT_CASE(vtel_cg_first_segment_in_record),
	KUNIT_CASE(vtel_cg_first_segment_folds),
	KUNIT_CASE(vtel_cg_move_splits),
	KUNIT_CASE(vtel_cg_lifetime),
	{}
};

static struct kunit_suite vtel_cg_suite = {
	.name = "vtel_cg",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_cg_cases,
};

kunit_test_suites(&vtel_cg_suite);

MODULE_LICENSE("GPL");
