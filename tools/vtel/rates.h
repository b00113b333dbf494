/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rates for vtel top: the difference of two snapshots of GET_VMS and
 * GET_EXITS over the time between them. A counter that went down (vtel
 * reset) counts from zero; a VM or reason absent from the older snapshot
 * counts from zero too (it appeared in between).
 */
#ifndef VTEL_RATES_H
#define VTEL_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct vtel_snap {
	uint64_t t_ns;			/* CLOCK_MONOTONIC of the snapshot */
	struct vtel_list vms;
	struct vtel_list exits;		/* host view */
};

struct vtel_vm_rate {
	const struct vtel_rec *vm;	/* in the newer snapshot */
	uint64_t exits, handling_ns, guest_ns;	/* deltas */
	double exits_s, handling_s;	/* per second (handling: ns/s) */
	uint32_t overhead_ppm;		/* of the interval */
};

struct vtel_reason_rate {
	const struct vtel_rec *r;
	uint64_t count, timed, total_ns;	/* deltas */
	double count_s;
	uint64_t avg_ns;		/* total_ns / timed of the interval */
};

uint64_t vtel_delta(uint64_t prev, uint64_t cur);
uint32_t vtel_ppm(uint64_t part, uint64_t rest);
/* Rows sorted by exit rate, descending; *out must be free()d. */
int vtel_rates_vms(const struct vtel_snap *prev, const struct vtel_snap *cur,
		   struct vtel_vm_rate **out, size_t *n);
int vtel_rates_reasons(const struct vtel_snap *prev,
		       const struct vtel_snap *cur,
		       struct vtel_reason_rate **out, size_t *n);
void vtel_snap_free(struct vtel_snap *s);

#endif /* VTEL_RATES_H */
