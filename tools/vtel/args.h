/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parsed command line, and strict number parsing: decimal only, no
 * sign, no spaces, no trailing garbage, range-checked.
 */
#ifndef VTEL_ARGS_H
#define VTEL_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "vtel.h"

enum vtel_sort { SORT_COUNT, SORT_TIME, SORT_MAX, SORT_P99 };
enum vtel_by { BY_ALL, BY_VM, BY_REASON, BY_CGROUP };
enum vtel_format { FORMAT_PROMETHEUS };

struct vtel_command;

struct vtel_args {
	const struct vtel_command *cmd;
	bool help;
	struct vtel_sel sel;
	enum vtel_sort sort;
	unsigned int top;		/* rows, 0: all */
	const char *reason;
	unsigned int interval_ms;
	bool has_interval;		/* --interval was given */
	bool tree;			/* cgroups --tree */
	unsigned int count;		/* refreshes or events, 0: forever */
	enum vtel_by by;
	enum vtel_format format;
	struct vtel_config set;		/* config KEY=VALUE... */
	int slow_kw;			/* config slow-exit[-idle]: VTEL_C_* */
	bool slow_given;		/* ... its DURATION was given */
	bool slow_default;		/* ... as "default" */
	uint64_t slow_ns;
};

int parse_u32(const char *s, uint32_t *v);
int parse_u64(const char *s, uint64_t *v);
/* Seconds with up to three decimals ("0.5"), into milliseconds. */
int parse_interval(const char *s, unsigned int *ms);
int parse_duration_ns(const char *s, uint64_t *ns);

/* cli.c: fills a from argv; returns an exit status (0: run it). */
int vtel_parse_args(struct vtel_ctx *ctx, int argc, char **argv,
		    struct vtel_args *a);

#endif /* VTEL_ARGS_H */
