/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroups on the CLI side: the tree of GET_CGROUPS records (parents found
 * from the paths, as systemd-cgtop draws it), and the cgroup's CPU time
 * from its cpu.stat in the cgroup2 mount, for the CPU share of exits.
 */
#ifndef VTEL_CGTREE_H
#define VTEL_CGTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "print.h"
#include "vtel.h"

/* One row of the tree, in display order. */
struct vtel_cg_row {
	size_t idx;		/* the record's index in the list */
	long parent;		/* the parent's index in the list, -1: none */
	unsigned int depth;	/* 0 for a root (and a removed cgroup) */
	char label[VTEL_CELL];	/* "│ ├─vm1": branches and name, for text */
};

/*
 * The records of l as a tree: a cgroup's parent is the record whose path
 * is its path's dirname. Siblings by name; every record once, pre-order;
 * removed cgroups (no path) last, by id, as roots labelled "(removed, id
 * N)". *rows (l->n of them) must be free()d. 0 or -ENOMEM.
 */
int vtel_cg_tree(const struct vtel_list *l, struct vtel_cg_row **rows);
/* The last component of a path: "vm1" of "/tenant-a/vm1", "/" of "/". */
const char *vtel_cg_name(const char *path);

/*
 * usage_usec of a cpu.stat text. 0, -ENODATA if it has no usage_usec
 * line, -EINVAL if its value is not a decimal number.
 */
int vtel_cpu_stat_parse(const char *text, uint64_t *usage_usec);
/*
 * usage_usec of root/path/cpu.stat: 0 or -errno (-ENOENT without a root;
 * -EINVAL for a path with a ".." component, which would leave the mount).
 */
int vtel_cpu_stat_read(const char *root, const char *path,
		       uint64_t *usage_usec);
/* The first cgroup2 mount point in a mounts(5) file: 0 or -ENOENT. */
int vtel_cgroup2_mount(const char *mounts, char *buf, size_t size);
/*
 * Where cpu.stat files are read: ctx->cgroup_root if set ("" means none),
 * else the cgroup2 mount of /proc/self/mounts, found once. NULL if none.
 */
const char *vtel_cgroup_root(struct vtel_ctx *ctx);

/* One cpu.stat reading per record of a GET_CGROUPS list. */
struct vtel_cg_cpu {
	bool ok;
	uint64_t usage_usec;
};

/* cpu.stat of every record with a path; *cpu (l->n) must be free()d. */
int vtel_cg_cpu_read(struct vtel_ctx *ctx, const struct vtel_list *l,
		     struct vtel_cg_cpu **cpu);

struct vtel_snap;
/* GET_CGROUPS into s->cgroups, with cpu: and cpu.stat into s->cpu. */
int vtel_cg_snapshot(struct vtel_ctx *ctx, struct vtel_snap *s, bool cpu);

#endif /* VTEL_CGTREE_H */
