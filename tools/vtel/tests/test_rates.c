// SPDX-License-Identifier: GPL-2.0
/* top's rate computation on synthetic snapshots. */
#include <stdio.h>
#include <stdlib.h>

#include "rates.h"
#include "unit.h"

static void vm(struct vtel_list *l, uint32_t id, uint64_t exits, uint64_t h,
	       uint64_t g)
{
	struct vtel_rec *r = vtel_list_add(l);

	rec_set(r, VTEL_A_VM_ID, id);
	rec_set(r, VTEL_A_EXITS, exits);
	rec_set(r, VTEL_A_HANDLING_NS, h);
	rec_set(r, VTEL_A_GUEST_NS, g);
}

static void split(struct vtel_rec *r, uint64_t kvm, uint64_t vmm, uint64_t wait,
		  uint64_t idle)
{
	rec_set(r, VTEL_A_KVM_NS, kvm);
	rec_set(r, VTEL_A_VMM_NS, vmm);
	rec_set(r, VTEL_A_WAIT_NS, wait);
	rec_set(r, VTEL_A_IDLE_NS, idle);
}

static void reason(struct vtel_list *l, const char *name, uint8_t isa,
		   uint64_t count, uint64_t timed, uint64_t total)
{
	struct vtel_rec *r = vtel_list_add(l);

	rec_set_str(r, VTEL_A_REASON, name);
	rec_set(r, VTEL_A_ISA, isa);
	rec_set(r, VTEL_A_COUNT, count);
	rec_set(r, VTEL_A_TIMED, timed);
	rec_set(r, VTEL_A_TOTAL_NS, total);
}

static void basics(void)
{
	CHECK_U64(vtel_delta(10, 25), 15);
	CHECK_U64(vtel_delta(25, 10), 10);	/* reset: counts from zero */
	CHECK_U64(vtel_delta(0, 0), 0);
	CHECK_U64(vtel_ppm(0, 0), 0);
	CHECK_U64(vtel_ppm(1, 99), 10000);
	CHECK_U64(vtel_ppm(UINT64_MAX, UINT64_MAX), 500000);
	CHECK_U64(vtel_ppm(UINT64_MAX, 0), 1000000);
}

static void vms(void)
{
	struct vtel_snap a = { .t_ns = 1000000000 }, b = { .t_ns = 1500000000 };
	struct vtel_vm_rate *v;
	size_t n;

	vm(&a.vms, 1, 1000, 100, 900);
	vm(&a.vms, 2, 5000, 0, 0);
	vm(&a.vms, 9, 7, 0, 0);		/* gone in b */
	vm(&b.vms, 1, 1500, 200, 1800);
	vm(&b.vms, 2, 30, 10, 30);	/* reset in between */
	vm(&b.vms, 3, 400, 0, 0);	/* new */
	CHECK_INT(vtel_rates_vms(&a, &b, &v, &n), 0);
	CHECK_U64(n, 3);
	/* Sorted by overhead: 2 (25%), 1 (10%), 3 (0, 400 exits). */
	CHECK_U64(rec_u(v[1].vm, VTEL_A_VM_ID), 1);
	CHECK_U64(v[1].exits, 500);
	CHECK(v[1].exits_s > 999.99 && v[1].exits_s < 1000.01);
	CHECK(v[1].handling_s > 199.99 && v[1].handling_s < 200.01);
	CHECK_U64(v[1].overhead_ppm, 100000);
	CHECK_U64(rec_u(v[2].vm, VTEL_A_VM_ID), 3);
	CHECK_U64(v[2].exits, 400);
	CHECK_U64(rec_u(v[0].vm, VTEL_A_VM_ID), 2);
	CHECK_U64(v[0].exits, 30);
	CHECK_U64(v[0].overhead_ppm, 250000);
	free(v);
	vtel_snap_free(&a);
	vtel_snap_free(&b);

	/*
	 * With the split: an idle VM (1 ms KVM, 90 ms halted, 9 ms guest)
	 * has 10% overhead, not 91%, and ranks below a busy one at 20%.
	 */
	unit_case("overhead leaves idle and wait out");
	a = (struct vtel_snap){ .t_ns = 1000000000 };
	b = (struct vtel_snap){ .t_ns = 2000000000 };
	vm(&a.vms, 1, 0, 0, 0);
	split(&a.vms.v[0], 0, 0, 0, 0);
	vm(&a.vms, 2, 0, 0, 0);
	split(&a.vms.v[1], 0, 0, 0, 0);
	vm(&b.vms, 1, 100, 91000000, 9000000);
	split(&b.vms.v[0], 1000000, 0, 0, 90000000);
	vm(&b.vms, 2, 50, 6000000, 16000000);
	split(&b.vms.v[1], 1000000, 3000000, 2000000, 0);
	CHECK_INT(vtel_rates_vms(&a, &b, &v, &n), 0);
	CHECK_U64(n, 2);
	CHECK_U64(rec_u(v[0].vm, VTEL_A_VM_ID), 2);
	CHECK_U64(v[0].overhead_ppm, 200000);
	CHECK_U64(v[0].split.vmm_ns, 3000000);
	CHECK_U64(v[0].split.wait_ns, 2000000);
	/* wait / (guest + kvm + vmm + wait) = 2 / 22 */
	CHECK_U64(v[0].split.wait_ppm, 90909);
	CHECK_U64(rec_u(v[1].vm, VTEL_A_VM_ID), 1);
	CHECK_U64(v[1].overhead_ppm, 100000);
	CHECK_U64(v[1].split.idle_ns, 90000000);
	/* The old formula, handling / (guest + handling), would say 91%. */
	CHECK_U64(vtel_ppm(v[1].handling_ns, v[1].guest_ns), 910000);
	free(v);

	unit_case("zero interval");
	b.t_ns = a.t_ns;
	CHECK_INT(vtel_rates_vms(&a, &b, &v, &n), 0);
	CHECK(v[0].exits_s == 0.0);
	free(v);

	unit_case("empty snapshots");
	vtel_snap_free(&a);
	vtel_snap_free(&b);
	CHECK_INT(vtel_rates_vms(&a, &b, &v, &n), 0);
	CHECK_U64(n, 0);
	free(v);
}

static void reasons(void)
{
	struct vtel_snap a = { .t_ns = 0 }, b = { .t_ns = 2000000000 };
	struct vtel_reason_rate *v;
	size_t n;

	reason(&a.exits, "io", 2, 100, 100, 10000);
	reason(&a.exits, "hlt", 2, 5, 0, 0);
	reason(&a.exits, "io", 1, 50, 50, 0);	/* VMX's io: another reason */
	reason(&b.exits, "io", 2, 300, 300, 50000);
	reason(&b.exits, "hlt", 2, 505, 0, 0);
	reason(&b.exits, "io", 1, 60, 60, 100);
	reason(&b.exits, "npf", 2, 200, 200, 2000);
	CHECK_INT(vtel_rates_reasons(&a, &b, &v, &n), 0);
	CHECK_U64(n, 4);
	CHECK_STR(rec_str(v[0].r, VTEL_A_REASON), "hlt");
	CHECK_U64(v[0].count, 500);
	CHECK(v[0].count_s > 249.99 && v[0].count_s < 250.01);
	CHECK_U64(v[0].avg_ns, 0);
	/* io (200) and npf (200) tie: by name. */
	CHECK_STR(rec_str(v[1].r, VTEL_A_REASON), "io");
	CHECK_U64(v[1].avg_ns, 200);
	CHECK_STR(rec_str(v[2].r, VTEL_A_REASON), "npf");
	CHECK_U64(v[2].avg_ns, 10);
	CHECK_U64(v[3].count, 10);
	CHECK_U64(v[3].avg_ns, 10);
	free(v);
	vtel_snap_free(&a);
	vtel_snap_free(&b);
}

UNIT_SUITE(rates_tests, T(basics), T(vms), T(reasons));
