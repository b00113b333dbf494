/* SPDX-License-Identifier: GPL-2.0 */
/* The commands: each takes parsed arguments and returns an exit status. */
#ifndef VTEL_CMDS_H
#define VTEL_CMDS_H

#include "args.h"
#include "vtel.h"

/* Options a command accepts (struct vtel_command.opts). */
#define O_SEL		(1U << 0)	/* --pid, --vm */
#define O_VCPU		(1U << 1)
#define O_SORT		(1U << 2)
#define O_TOP		(1U << 3)
#define O_INTERVAL	(1U << 4)
#define O_COUNT		(1U << 5)
#define O_BY		(1U << 6)
#define O_FORMAT	(1U << 7)
#define O_CGROUP	(1U << 8)	/* --cgroup, --cgroup-id, --cgroup-dir, --own */
#define O_TREE		(1U << 9)
#define O_REASON	(1U << 10)	/* --reason (config slow-exit) */

struct vtel_command {
	const char *name;
	const char *synopsis;
	const char *summary;
	const char *details;	/* option lines for "vtel CMD --help" */
	unsigned int opts;
	int min_pos, max_pos;	/* positional arguments */
	bool interruptible;	/* runs until SIGINT/SIGTERM: catch them */
	int (*run)(struct vtel_ctx *ctx, const struct vtel_args *a);
};

int cmd_status(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_exits(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_vms(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_vcpus(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_hist(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_top(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_reset(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_config(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_events(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_export(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_cgroups(struct vtel_ctx *ctx, const struct vtel_args *a);
int cmd_io(struct vtel_ctx *ctx, const struct vtel_args *a);

const struct vtel_command *vtel_find_cmd(const char *name);
/* "slow_ns" for VTEL_C_SLOW_NS, ...; NULL if unknown. */
const char *vtel_config_key(int attr);

#endif /* VTEL_CMDS_H */
