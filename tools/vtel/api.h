/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One function per vtel command: build the request the ABI documents,
 * run it, and return validated records. All return 0 or -errno (or
 * -VTEL_E*); the caller reports errors with vtel_report().
 */
#ifndef VTEL_API_H
#define VTEL_API_H

#include "model.h"
#include "vtel.h"

void vtel_cgroup_path_norm(const char *in, char *out, size_t size);
int vtel_get_status(struct vtel_ctx *ctx, struct vtel_rec *r);
int vtel_get_vms(struct vtel_ctx *ctx, struct vtel_list *l);
int vtel_get_vcpus(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		   struct vtel_list *l);
int vtel_get_view(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		  struct vtel_rec *r);
/* reason: NULL for all; flags: VTEL_F_*. Sorted as the kernel sends. */
int vtel_get_exits(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		   uint32_t flags, const char *reason, struct vtel_list *l);
int vtel_get_cgroups(struct vtel_ctx *ctx, struct vtel_list *l);
/* The ports and MMIO pages of a VM or vCPU, as the kernel sorts them. */
int vtel_get_addrs(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		   struct vtel_list *l);
int vtel_reset(struct vtel_ctx *ctx);
int vtel_get_config(struct vtel_ctx *ctx, struct vtel_config *c);
/* Sends the writable attributes present in c->have. */
int vtel_set_config(struct vtel_ctx *ctx, const struct vtel_config *c);

/* Joins the "events" group; then vtel_events_read() delivers events. */
int vtel_events_open(struct vtel_ctx *ctx);
/*
 * Waits up to timeout_ms (-1: forever) for one buffer of events and calls
 * fn for each VTEL_CMD_VM_EVENT in it. Returns the number of events, 0 on
 * timeout, or -errno (-ENOBUFS: events were lost, reading may go on).
 */
int vtel_events_read(struct vtel_ctx *ctx, int timeout_ms,
		     int (*fn)(const struct vtel_rec *ev, void *arg),
		     void *arg);

/* "pid 1234", "VM 3 vCPU 1", "host": for messages. */
void vtel_sel_describe(const struct vtel_sel *sel, char *buf, size_t size);

#endif /* VTEL_API_H */
