/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rates for vtel top and vtel cgroups --tree: the difference of two
 * snapshots of GET_VMS, GET_EXITS or GET_CGROUPS over the time between
 * them. A counter that went down (vtel reset) counts from zero; a VM,
 * reason or cgroup absent from the older snapshot counts from zero too
 * (it appeared in between).
 */
#ifndef VTEL_RATES_H
#define VTEL_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "cgtree.h"
#include "model.h"

struct vtel_snap {
	uint64_t t_ns;			/* CLOCK_MONOTONIC of the snapshot */
	struct vtel_list vms;
	struct vtel_list exits;		/* host view */
	struct vtel_list cgroups;	/* GET_CGROUPS */
	struct vtel_cg_cpu *cpu;	/* cpu.stat per cgroup, or NULL */
};

/* The time split of an interval: deltas of the five buckets. */
struct vtel_split_rate {
	uint64_t kvm_ns, vmm_ns, wait_ns, idle_ns;
	uint32_t wait_ppm;		/* wait / (guest + kvm + vmm + wait) */
};

struct vtel_vm_rate {
	const struct vtel_rec *vm;	/* in the newer snapshot */
	uint64_t exits, handling_ns, guest_ns;	/* deltas */
	struct vtel_split_rate split;
	double exits_s, handling_s;	/* per second (handling: ns/s) */
	uint32_t overhead_ppm;		/* of the interval, idle and wait left out */
};

struct vtel_reason_rate {
	const struct vtel_rec *r;
	uint64_t count, timed, total_ns;	/* deltas */
	double count_s;
	uint64_t avg_ns;		/* total_ns / timed of the interval */
};

struct vtel_cg_rate {
	const struct vtel_rec *cg;	/* in the newer snapshot */
	uint64_t exits, handling_ns, guest_ns;	/* deltas */
	struct vtel_split_rate split;
	double exits_s, handling_s;	/* per second (handling: ns/s) */
	uint32_t overhead_ppm;		/* of the interval, idle and wait left out */
	bool share_ok;			/* cpu.stat read both times, usage grew */
	uint64_t share_ppm;		/* handling_ns / usage delta, in ppm */
};

uint64_t vtel_delta(uint64_t prev, uint64_t cur);
uint32_t vtel_ppm(uint64_t part, uint64_t rest);
/*
 * (kvm + vmm) / (guest + kvm + vmm) of the interval from p to c, with the
 * split in *s; handling / (guest + handling) from a module without the
 * split (no VTEL_A_KVM_NS).
 */
uint32_t vtel_overhead_delta(const struct vtel_rec *p, const struct vtel_rec *c,
			     struct vtel_split_rate *s);
/* Rows sorted by overhead, then exits, descending; *out must be free()d. */
int vtel_rates_vms(const struct vtel_snap *prev, const struct vtel_snap *cur,
		   struct vtel_vm_rate **out, size_t *n);
int vtel_rates_reasons(const struct vtel_snap *prev,
		       const struct vtel_snap *cur,
		       struct vtel_reason_rate **out, size_t *n);
/*
 * One row per cgroup of cur, in cur's order (row i is cur->cgroups.v[i]),
 * or with sort by exits in the interval, descending (ties by path, id).
 * rollup: the numbers with descendants (VTEL_A_ROLLUP), and the CPU share
 * (cpu.stat's usage_usec counts descendants too); else the cgroup's own,
 * without a share.
 */
int vtel_rates_cgroups(const struct vtel_snap *prev,
		       const struct vtel_snap *cur, bool rollup, bool sort,
		       struct vtel_cg_rate **out, size_t *n);
/* handling_ns over usage_usec, in ppm (can exceed 10^6). */
uint64_t vtel_share_ppm(uint64_t handling_ns, uint64_t usage_usec);
void vtel_snap_free(struct vtel_snap *s);

#endif /* VTEL_RATES_H */
