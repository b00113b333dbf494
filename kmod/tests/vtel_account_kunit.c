// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of the hot path: counting and timing exits, reason slots. */
#include "vtel_kunit.h"

static void vtel_account_one_vcpu(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), cpuid = vtel_svm_reason(0x72);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc;
	u64 t = 1000;
	int i;

	vc = vcpu(test, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, t, 0);
	for (i = 0; i < 10; i++)
		exit_entry(vc, io, &t, 100, 50);
	exit_entry(vc, cpuid, &t, 100, 2000);
	/* An exit still being handled is counted but not timed. */
	t += 100;
	vtel_account_exit(pcpu(), vc, io, t, 0);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 12);
	KUNIT_EXPECT_EQ(test, a->t.guest_ns, 1200);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 10 * 50 + 2000);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 11);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 10);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 50);
	KUNIT_EXPECT_EQ(test, a->reason[io].max_ns, 50);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].count, 1);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].total_ns, 2000);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(a->t.handling_ns,
						a->t.guest_ns), 675675);
}

static void vtel_account_reason_slots_overflow(struct kunit *test)
{
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	unsigned int r, n = 0;
	u64 t = 1;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (r = 1; r < vtel_reason_count() && n < VTEL_SEG_SLOTS + 5; r++, n++)
		exit_entry(vc, r, &t, 1, 1);
	KUNIT_ASSERT_EQ(test, n, VTEL_SEG_SLOTS + 5);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, n);
	KUNIT_EXPECT_EQ(test, a->t.reason_overflow, 5);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, n);
	/* The host view still has every exit under its own reason. */
	view_host(a);
	for (r = 1; r <= n; r++)
		KUNIT_EXPECT_EQ(test, a->reason[r].count, 1);
}

/*
 * Four exits through the probes' path: port IO the VMM handles while the
 * thread waits 100 ns for a CPU, a hlt that blocks (with polling) and then
 * waits 200 ns, a cpuid KVM handles alone, and port IO without waiting.
 */
static void vtel_account_time_split(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), cpuid = vtel_svm_reason(0x72);
	unsigned int hlt = vtel_svm_reason(0x78);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	struct vtel_times tm;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, 1000, 0);
	vtel_account_exit(pcpu(), vc, io, 1100, 0);
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 1150, 0);
	vtel_account_entry(pcpu(), vc, 2000, 100);
	vtel_account_exit(pcpu(), vc, hlt, 2100, 100);
	vtel_split_wakeup(&vc->split, vc->last_exit_ns, 5000, 300, 2800, 400);
	vtel_account_entry(pcpu(), vc, 5100, 300);
	vtel_account_exit(pcpu(), vc, cpuid, 5200, 300);
	vtel_account_entry(pcpu(), vc, 5300, 300);
	/* Port IO the VMM handles without waiting: the inline path. */
	vtel_account_exit(pcpu(), vc, io, 5400, 300);
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 5420, 300);
	vtel_account_entry(pcpu(), vc, 5500, 300);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.guest_ns, 400);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 900 + 3000 + 100 + 100);
	vtel_times_make(&tm, a->t.guest_ns, a->t.handling_ns, &a->t.split);
	KUNIT_EXPECT_EQ(test, tm.kvm_ns, 50 + 200 + 100 + 20);
	KUNIT_EXPECT_EQ(test, tm.vmm_ns, 750 + 80);
	KUNIT_EXPECT_EQ(test, tm.wait_ns, 300);
	KUNIT_EXPECT_EQ(test, tm.idle_ns, 2600);
	KUNIT_EXPECT_EQ(test, tm.poll_ns, 400);
	/* The five buckets are the vCPU's time from first entry to last exit. */
	KUNIT_EXPECT_EQ(test, tm.guest_ns + tm.kvm_ns + tm.vmm_ns + tm.wait_ns +
			tm.idle_ns, 5500 - 1000);
	/* (370 + 830) / (400 + 370 + 830); the old formula said 91%. */
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&tm), 750000);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(a->t.handling_ns, a->t.guest_ns),
			911111);
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&tm), 157894);

	/* Per reason. */
	KUNIT_EXPECT_EQ(test, a->reason[io].split.vmm_ns, 750 + 80);
	KUNIT_EXPECT_EQ(test, a->reason[io].split.wait_ns, 100);
	KUNIT_EXPECT_EQ(test, a->reason[io].split.idle_ns, 0);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.wait_ns, 200);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.idle_ns, 2600);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.poll_ns, 400);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.vmm_ns, 0);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].split.vmm_ns +
			a->reason[cpuid].split.wait_ns +
			a->reason[cpuid].split.idle_ns, 0);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].total_ns, 100);
	/* The host view and the CPU have the same split. */
	view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.split.idle_ns, 2600);
	KUNIT_EXPECT_EQ(test, a->t.split.vmm_ns, 830);
	KUNIT_EXPECT_EQ(test, pcpu()->split.wait_ns, 300);
}

/* A reset between an exit and its entry drops that exit's split too. */
static void vtel_account_split_reset(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);

	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, 1000, 0);
	vtel_account_exit(pcpu(), vc, io, 1100, 0);
	vtel_split_user(&vc->split, vc->last_exit_ns, 1150, 0);
	vtel_view_reset();
	vtel_account_entry(pcpu(), vc, 2000, 0);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].split.vmm_ns, 0);
	KUNIT_EXPECT_LE(test, a->t.split.vmm_ns, a->t.handling_ns);
	/* The next exit starts clean. */
	vtel_account_exit(pcpu(), vc, io, 2100, 0);
	KUNIT_EXPECT_FALSE(test, vtel_split_pending(&vc->split, 0));
}

/* One exit with its nested flag and port/page key, then its entry. */
static void exit_entry_detail(struct vtel_vcpu *vc, unsigned int reason,
			      u64 *t, u64 handling, bool l2, u64 key)
{
	*t += 10;
	vtel_account_exit_detail(pcpu(), vc, reason, *t, 0,
				 key | (l2 ? VTEL_DETAIL_L2 : 0));
	*t += handling;
	vtel_account_entry(pcpu(), vc, *t, 0);
}

/* Exits from L2 count in the VM as before and in the L2 split. */
static void vtel_account_nested(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), vmrun = vtel_svm_reason(0x80);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0), *vc2 = vcpu(test, 1, 1);
	struct vtel_totals t = {};
	u64 now = 1;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	KUNIT_ASSERT_NOT_NULL(test, vc2);
	for (i = 0; i < 5; i++)
		exit_entry_detail(vc, io, &now, 100, true, 0);
	for (i = 0; i < 3; i++)
		exit_entry_detail(vc, vmrun, &now, 7, false, 0);
	exit_entry_detail(vc2, io, &now, 1000, true, 0);
	/* An L2 exit still being handled is counted, not timed. */
	vtel_account_exit_detail(pcpu(), vc2, io, now + 1, 0, VTEL_DETAIL_L2);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 10);
	KUNIT_EXPECT_EQ(test, a->t.l2_exits, 7);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 5 * 100 + 3 * 7 + 1000);
	KUNIT_EXPECT_EQ(test, a->t.l2_handling_ns, 5 * 100 + 1000);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 7);
	KUNIT_ASSERT_EQ(test, view_vcpu(a, vm_id_of(vc), 0), 0);
	KUNIT_EXPECT_EQ(test, a->t.l2_exits, 5);
	KUNIT_EXPECT_EQ(test, a->t.l2_handling_ns, 500);
	rcu_read_lock();
	vtel_view_vm_totals(vc->vm, &t);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, t.l2_exits, 7);
	KUNIT_ASSERT_EQ(test, view_cg(a, 1, 0, true), 0);
	KUNIT_EXPECT_EQ(test, a->t.l2_exits, 7);
	/* Reset zeroes the split with everything else. */
	vtel_view_reset();
	exit_entry_detail(vc, io, &now, 3, false, 0);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.l2_exits, 0);
	KUNIT_EXPECT_EQ(test, a->t.l2_handling_ns, 0);
}

#define OUT(p)	VTEL_ADDR_KEY(VTEL_ADDR_PIO_OUT, p)
#define IN(p)	VTEL_ADDR_KEY(VTEL_ADDR_PIO_IN, p)
#define MW(a)	VTEL_ADDR_KEY(VTEL_ADDR_MMIO_WRITE, a)

/* Ports and pages through the hot path, summed per VM and per vCPU. */
static void vtel_account_addrs(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), npf = vtel_svm_reason(0x400);
	unsigned int cpuid = vtel_svm_reason(0x72);
	struct vtel_vcpu *vc = vcpu(test, 1, 0), *vc2 = vcpu(test, 1, 1);
	struct vtel_addr_view *v;
	u64 now = 1;
	int i;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	KUNIT_ASSERT_NOT_NULL(test, vc2);
	for (i = 0; i < 30; i++) {
		exit_entry_detail(vc, io, &now, 10, false, OUT(0x10));
		exit_entry_detail(vc, cpuid, &now, 1, false, 0);
	}
	for (i = 0; i < 20; i++)
		exit_entry_detail(vc, io, &now, 5, false, IN(0x13));
	for (i = 0; i < 12; i++)
		exit_entry_detail(vc2, npf, &now, 100, false, MW(0x9000));
	for (i = 0; i < 5; i++)
		exit_entry_detail(vc2, io, &now, 10, false, OUT(0x10));
	/*
	 * Four rows per vCPU (the suite's max_addrs): six keys of one exit
	 * each evict one another (Space-Saving), the last two stay, and the
	 * four evicted rows are other. 0x10 and 0x9000 have more: they stay.
	 */
	for (i = 0; i < 6; i++)
		exit_entry_detail(vc2, io, &now, 1, false, OUT(0x70 + i));
	/* Counted but not yet handled: not in the table yet. */
	vtel_account_exit_detail(pcpu(), vc, io, now, 0, OUT(0x10));

	KUNIT_ASSERT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), -1), 0);
	KUNIT_ASSERT_EQ(test, v->nr, 5U);
	KUNIT_EXPECT_EQ(test, v->e[0].key, OUT(0x10));
	KUNIT_EXPECT_EQ(test, v->e[0].count, 35);
	KUNIT_EXPECT_EQ(test, v->e[0].ns, 350);
	KUNIT_EXPECT_EQ(test, v->e[1].key, IN(0x13));
	KUNIT_EXPECT_EQ(test, v->e[1].count, 20);
	KUNIT_EXPECT_EQ(test, v->e[2].key, MW(0x9000));
	KUNIT_EXPECT_EQ(test, v->e[2].ns, 1200);
	KUNIT_EXPECT_EQ(test, v->e[3].key, OUT(0x74));
	KUNIT_EXPECT_EQ(test, v->e[4].key, OUT(0x75));
	KUNIT_EXPECT_EQ(test, v->other.count, 4);
	KUNIT_EXPECT_EQ(test, v->other.ns, 4);

	KUNIT_ASSERT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), 1), 0);
	KUNIT_EXPECT_EQ(test, v->nr, 4U);
	KUNIT_EXPECT_EQ(test, v->e[0].key, MW(0x9000));
	KUNIT_EXPECT_EQ(test, v->e[1].key, OUT(0x10));
	KUNIT_EXPECT_EQ(test, v->e[1].count, 5);
	KUNIT_EXPECT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), 7), -ENOENT);
	KUNIT_EXPECT_EQ(test, vtel_view_addrs(v, 999, -1), -ENOENT);

	/* After a reset the tables read empty and learn afresh. */
	vtel_account_entry(pcpu(), vc, now + 1, 0);
	vtel_view_reset();
	KUNIT_ASSERT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), -1), 0);
	KUNIT_EXPECT_EQ(test, v->nr, 0U);
	KUNIT_EXPECT_EQ(test, v->other.count, 0);
	exit_entry_detail(vc2, io, &now, 2, false, IN(0x60));
	KUNIT_ASSERT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), -1), 0);
	KUNIT_ASSERT_EQ(test, v->nr, 1U);
	KUNIT_EXPECT_EQ(test, v->e[0].key, IN(0x60));
	KUNIT_EXPECT_EQ(test, v->e[0].count, 1);
}

/*
 * A port or page row has the time split of its exits, through the inline
 * (lazy vmm) and the out-of-line (run delay) paths: the port rows sum to
 * the io reason, the page row is the npf reason.
 */
static void vtel_account_addr_split(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), npf = vtel_svm_reason(0x400);
	unsigned int cpuid = vtel_svm_reason(0x72);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	const struct vtel_addr_ent *o, *in, *mw;
	struct vtel_addr_view *v;
	u32 i;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, 1000, 0);
	/* The VMM has it from 1150; the thread waits 100 ns for a CPU. */
	vtel_account_exit_detail(pcpu(), vc, io, 1100, 0, OUT(0x10));
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 1150, 0);
	vtel_account_entry(pcpu(), vc, 2000, 100);
	vtel_account_exit(pcpu(), vc, cpuid, 2100, 100);
	vtel_account_entry(pcpu(), vc, 2200, 100);
	/* The VMM from 2320, no waiting: the inline path. */
	vtel_account_exit_detail(pcpu(), vc, io, 2300, 100, IN(0x13));
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 2320, 100);
	vtel_account_entry(pcpu(), vc, 2400, 100);
	/* KVM alone. */
	vtel_account_exit_detail(pcpu(), vc, io, 2500, 100, OUT(0x10));
	vtel_account_entry(pcpu(), vc, 2600, 100);
	/* MMIO to the VMM from 2710, 50 ns of waiting. */
	vtel_account_exit_detail(pcpu(), vc, npf, 2700, 100, MW(0x9000));
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 2710, 100);
	vtel_account_entry(pcpu(), vc, 2900, 150);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_ASSERT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), -1), 0);
	KUNIT_ASSERT_EQ(test, v->nr, 3U);
	o = NULL;
	in = NULL;
	mw = NULL;
	for (i = 0; i < v->nr; i++) {
		if (v->e[i].key == OUT(0x10))
			o = &v->e[i];
		else if (v->e[i].key == IN(0x13))
			in = &v->e[i];
		else if (v->e[i].key == MW(0x9000))
			mw = &v->e[i];
	}
	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, mw);
	KUNIT_EXPECT_EQ(test, o->count, 2);
	KUNIT_EXPECT_EQ(test, o->ns, 900 + 100);
	KUNIT_EXPECT_EQ(test, o->split.vmm_ns, 750);
	KUNIT_EXPECT_EQ(test, o->split.wait_ns, 100);
	KUNIT_EXPECT_EQ(test, o->split.idle_ns, 0);
	KUNIT_EXPECT_EQ(test, in->split.vmm_ns, 80);
	KUNIT_EXPECT_EQ(test, in->split.wait_ns, 0);
	KUNIT_EXPECT_EQ(test, mw->split.wait_ns, 50);
	KUNIT_EXPECT_EQ(test, mw->split.vmm_ns + mw->split.wait_ns, 190);
	/* The rows against their reasons. */
	KUNIT_EXPECT_EQ(test, o->count + in->count, a->reason[io].count);
	KUNIT_EXPECT_EQ(test, o->ns + in->ns, a->reason[io].total_ns);
	KUNIT_EXPECT_EQ(test, o->split.vmm_ns + in->split.vmm_ns,
			a->reason[io].split.vmm_ns);
	KUNIT_EXPECT_EQ(test, o->split.wait_ns + in->split.wait_ns,
			a->reason[io].split.wait_ns);
	KUNIT_EXPECT_EQ(test, mw->ns, a->reason[npf].total_ns);
	KUNIT_EXPECT_EQ(test, mw->split.vmm_ns, a->reason[npf].split.vmm_ns);
	KUNIT_EXPECT_EQ(test, mw->split.wait_ns, a->reason[npf].split.wait_ns);
	KUNIT_EXPECT_EQ(test, v->other.count, 0);
}

/*
 * An NPF that is not yet known to be MMIO (a first access) counts only if
 * KVM's mmio_exits moved before the entry: guest RAM faults do not.
 */
static void vtel_account_addr_tentative(struct kunit *test)
{
	unsigned int npf = vtel_svm_reason(0x400);
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	struct vtel_addr_view *v;
	u64 mmio_exits = 41, now = 1;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	/* A RAM fault: KVM counts no MMIO exit. */
	vc->addr_mmio_p = &mmio_exits;
	vc->addr_mmio = mmio_exits;
	exit_entry_detail(vc, npf, &now, 7, false,
			  MW(0x1000) | VTEL_ADDR_TENTATIVE);
	/* An MMIO page's first access: KVM's counter moves meanwhile. */
	vtel_account_exit_detail(pcpu(), vc, npf, ++now, 0,
				 MW(0x9000) | VTEL_ADDR_TENTATIVE);
	mmio_exits++;
	vtel_account_entry(pcpu(), vc, now + 100, 0);
	KUNIT_ASSERT_EQ(test, vtel_view_addrs(v, vm_id_of(vc), -1), 0);
	KUNIT_ASSERT_EQ(test, v->nr, 1U);
	KUNIT_EXPECT_EQ(test, v->e[0].key, MW(0x9000));
	KUNIT_EXPECT_EQ(test, v->e[0].ns, 100);
	KUNIT_EXPECT_EQ(test, v->other.count, 0);
	KUNIT_EXPECT_EQ(test, vc->detail, 0);
}

/*
 * The first VTEL_SEG_HISTS reasons of a segment have buckets; later ones
 * are timed but unbinned, and their percentiles read 0.
 */
static void vtel_account_hist_slots(struct kunit *test)
{
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	unsigned int r, n = 0, b;
	u64 t = 1, sum;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (r = 1; n < VTEL_SEG_HISTS + 2; r++, n++) {
		exit_entry(vc, r, &t, 1, 1000);
		exit_entry(vc, r, &t, 1, 2000);
	}
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	for (r = 1; r <= n; r++) {
		const struct vtel_stats *s = &a->reason[r];

		for (sum = 0, b = 0; b < VTEL_HIST_BUCKETS; b++)
			sum += s->hist[b];
		KUNIT_EXPECT_EQ_MSG(test, s->timed, 2, "reason %u", r);
		if (r <= VTEL_SEG_HISTS) {
			KUNIT_EXPECT_EQ_MSG(test, sum, 2, "reason %u", r);
			KUNIT_EXPECT_EQ(test, s->unbinned, 0);
			KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 5000),
					vtel_hist_bucket_le(vtel_hist_bucket(1000)));
		} else {
			KUNIT_EXPECT_EQ_MSG(test, sum, 0, "reason %u", r);
			KUNIT_EXPECT_EQ(test, s->unbinned, 2);
			KUNIT_EXPECT_EQ(test, s->max_ns, 2000);
			KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 5000), 0);
		}
	}
}

/* An exit counted before a reset adds no time after it (issue 7, 11). */
static void vtel_account_reset_during_exit(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	struct vtel_totals t;
	u64 now = 1000;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, now, 0);
	now += 100;
	vtel_account_exit(pcpu(), vc, io, now, 0);
	vtel_view_reset();
	/* Slower than slow_ns: it would count as slow too. */
	now += 5000000;
	vtel_account_entry(pcpu(), vc, now, 0);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 0);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 0);
	KUNIT_EXPECT_EQ(test, a->t.slow_exits, 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 0);
	vtel_view_host_totals(&t);
	KUNIT_EXPECT_EQ(test, t.handling_ns, 0);
	KUNIT_EXPECT_EQ(test, t.slow_exits, 0);
	/* The next exit is timed as usual. */
	exit_entry(vc, io, &now, 10, 20);
	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 1);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 20);
}

/* GET_STATUS's totals, from the per-CPU counters, equal the summed view. */
static void vtel_account_host_totals(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), r;
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *v1, *v2;
	struct vtel_totals t;
	u64 now = 1;
	int i;

	v1 = vcpu(test, 1, 0);
	v2 = vcpu(test, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_ASSERT_NOT_NULL(test, v2);
	for (i = 0; i < 5; i++)
		exit_entry(v1, io, &now, 10, 100);
	exit_entry(v2, io, &now, 10, 3000000);		/* slow */
	exit_entry(NULL, io, &now, 1, 1);		/* untracked */
	for (r = 1, i = 0; r < vtel_reason_count() && i < VTEL_SEG_SLOTS + 2;
	     r++, i++)
		exit_entry(v2, r, &now, 1, 1);		/* 2 overflow */
	vtel_vm_retire(KEY(1));
	vtel_vm_retire(KEY(2));
	vtel_worker_run();				/* evicts one */

	view_host(a);
	vtel_view_host_totals(&t);
	KUNIT_EXPECT_EQ(test, counters().evicted_vms, 1);
	KUNIT_EXPECT_EQ(test, t.exits, a->t.exits);
	KUNIT_EXPECT_EQ(test, t.exits, 5 + 1 + 1 + VTEL_SEG_SLOTS + 2);
	KUNIT_EXPECT_EQ(test, t.handling_ns, a->t.handling_ns);
	KUNIT_EXPECT_EQ(test, t.guest_ns, a->t.guest_ns);
	KUNIT_EXPECT_GE(test, t.slow_exits, 1);
	KUNIT_EXPECT_EQ(test, t.slow_exits, a->t.slow_exits);
	KUNIT_EXPECT_EQ(test, t.untracked_exits, 1);
	KUNIT_EXPECT_GT(test, t.reason_overflow, 0);
	KUNIT_EXPECT_EQ(test, t.reason_overflow, a->t.reason_overflow);
	vtel_view_reset();
	vtel_view_host_totals(&t);
	KUNIT_EXPECT_EQ(test, t.exits, 0);
}

/*
 * The probes' fast path (vtel_account_exit_fast/entry_fast, else the full
 * path, as vtel_hook.c calls them) against the full path alone: the same
 * exits into two VMs must give the same views, byte for byte. The exits
 * mix reasons (new ones, beyond the histograms and the slots), ports,
 * slow exits, marks and run delay, and a reset while one is in flight.
 */
static unsigned int fast_exits, fast_entries;

static void exit_both(struct vtel_vcpu *full, struct vtel_vcpu *fast,
		      unsigned int reason, u64 now, u64 rd, u64 detail)
{
	vtel_account_exit_detail(pcpu(), full, reason, now, rd, detail);
	if (!(detail & (VTEL_DETAIL_L2 | VTEL_ADDR_TENTATIVE)) &&
	    fast->cg_id == 1 &&
	    vtel_account_exit_fast(pcpu(), fast, reason, now, rd, detail))
		fast_exits++;
	else
		vtel_account_exit_detail(pcpu(), fast, reason, now, rd, detail);
}

static void entry_both(struct vtel_vcpu *full, struct vtel_vcpu *fast,
		       u64 now, u64 rd)
{
	vtel_account_entry(pcpu(), full, now, rd);
	if (vtel_account_entry_fast(pcpu(), fast, now, rd))
		fast_entries++;
	else
		vtel_account_entry(pcpu(), fast, now, rd);
}

static void vtel_account_fast_path(struct kunit *test)
{
	struct vtel_vcpu *full = vcpu(test, 1, 0), *fast = vcpu(test, 2, 0);
	struct vtel_agg *a = test->priv, *b;
	unsigned int common[] = {
		vtel_svm_reason(0x7b), vtel_svm_reason(0x72),
		vtel_svm_reason(0x78), vtel_svm_reason(0x400),
	};
	u64 now = 1000, rd = 0, x = 12345;
	size_t addrs = sizeof(struct vtel_addrs) +
		       vtel_table.lim.max_addrs * sizeof(struct vtel_addr_ent);
	unsigned int i, r;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, full);
	KUNIT_ASSERT_NOT_NULL(test, fast);
	vtel_slow_init();
	fast_exits = 0;
	fast_entries = 0;
	entry_both(full, fast, now, rd);
	for (i = 0; i < 3000; i++) {
		u64 detail = 0, handling;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Mostly the common reasons, now and then any of the rest. */
		r = (x >> 60) ? common[(x >> 40) % ARRAY_SIZE(common)] :
				1 + (x >> 32) % (vtel_reason_count() - 1);
		if (r == common[0])
			detail = OUT(0x10 + (x >> 20) % 6);
		handling = (x >> 44) % 7 ? 1 + (x >> 8) % 5000 :
					   (x >> 8) % 3000000;	/* some slow */
		now += 1 + (x >> 24) % 1000;
		exit_both(full, fast, r, now, rd, detail);
		if (!((x >> 16) % 9)) {
			/* The VMM handles it: a mark, maybe run delay. */
			vtel_split_user_fast(&full->split, full->last_exit_ns,
					     now + 1, rd);
			vtel_split_user_fast(&fast->split, fast->last_exit_ns,
					     now + 1, rd);
		}
		if (!((x >> 12) % 11))
			rd += (x >> 4) % 50;
		if (i == 1500)
			vtel_view_reset();
		now += handling;
		entry_both(full, fast, now, rd);
	}
	/* The test means something only if both ways were taken. */
	KUNIT_EXPECT_GT(test, fast_exits, 2000U);
	KUNIT_EXPECT_LT(test, fast_exits, 3000U);
	KUNIT_EXPECT_GT(test, fast_entries, 2000U);
	KUNIT_EXPECT_LT(test, fast_entries, 3000U);

	KUNIT_ASSERT_EQ(test, view_vm(a, vm_id_of(full)), 0);
	KUNIT_ASSERT_EQ(test, view_vm(b, vm_id_of(fast)), 0);
	KUNIT_EXPECT_GT(test, a->t.exits, 1000);
	KUNIT_EXPECT_GT(test, a->t.slow_exits, 0);
	KUNIT_EXPECT_GT(test, a->t.reason_overflow, 0);
	KUNIT_EXPECT_GT(test, a->t.split.vmm_ns, 0);
	KUNIT_EXPECT_GT(test, a->t.split.wait_ns, 0);
	KUNIT_EXPECT_EQ(test, memcmp(&a->t, &b->t, sizeof(a->t)), 0);
	for (r = 0; r < VTEL_MAX_REASONS; r++)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&a->reason[r], &b->reason[r],
						 sizeof(a->reason[r])), 0,
				    "reason %u", r);
	KUNIT_EXPECT_GT(test, full->addrs.nr, 0);
	KUNIT_EXPECT_EQ(test, memcmp(&full->addrs, &fast->addrs, addrs), 0);
}

static struct kunit_case vtel_account_cases[] = {
	KUNIT_CASE(vtel_account_reset_during_exit),
	KUNIT_CASE(vtel_account_host_totals),
	KUNIT_CASE(vtel_account_one_vcpu),
	KUNIT_CASE(vtel_account_time_split),
	KUNIT_CASE(vtel_account_addr_split),
	KUNIT_CASE(vtel_account_split_reset),
	KUNIT_CASE(vtel_account_reason_slots_overflow),
	KUNIT_CASE(vtel_account_nested),
	KUNIT_CASE(vtel_account_addrs),
	KUNIT_CASE(vtel_account_addr_tentative),
	KUNIT_CASE(vtel_account_hist_slots),
	KUNIT_CASE(vtel_account_fast_path),
	{}
};

static struct kunit_suite vtel_account_suite = {
	.name = "vtel_account",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_account_cases,
};

kunit_test_suites(&vtel_account_suite);

MODULE_LICENSE("GPL");
