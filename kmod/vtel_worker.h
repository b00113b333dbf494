/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maintenance worker, on top of the records and views: refills the
 * pools, evicts retired VMs, releases removed cgroups and tells debugfs
 * and netlink. Also brings the tables up and down as a whole.
 */
#ifndef _VTEL_WORKER_H
#define _VTEL_WORKER_H

#include "vtel.h"

int vtel_worker_init(const struct vtel_limits *lim);
void vtel_worker_stop(void);
void vtel_worker_exit(void);
void vtel_worker_run(void);
void vtel_worker_set_changed(void (*changed)(void));
void vtel_worker_set_cg_alive(bool (*alive)(u64 id));
void vtel_worker_set_tick(void (*tick)(void));

#endif /* _VTEL_WORKER_H */
