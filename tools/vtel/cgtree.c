// SPDX-License-Identifier: GPL-2.0
/* The cgroup tree of GET_CGROUPS, and cpu.stat. */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "args.h"
#include "cgtree.h"
#include "rates.h"

/* ---- the tree ------------------------------------------------------------ */

const char *vtel_cg_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

struct tree {
	const struct vtel_list *l;
	size_t *by_path;	/* indexes of records with a path, by path */
	size_t npath;
	long *parent, *child, *next;	/* first child, next sibling */
	struct vtel_cg_row *rows;
	size_t nrows;
	bool *more;		/* per depth: the ancestor has later siblings */
};

static const struct vtel_list *sort_list;

static int cmp_path(const void *a, const void *b)
{
	const char *x = rec_s(&sort_list->v[*(const size_t *)a], VTEL_A_CGROUP_PATH);
	const char *y = rec_s(&sort_list->v[*(const size_t *)b], VTEL_A_CGROUP_PATH);
	int c = strcmp(x, y);

	if (c)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The record whose path is the first len bytes of path, or -1. */
static long find_path(const struct tree *t, const char *path, size_t len)
{
	size_t lo = 0, hi = t->npath, mid;
	const char *p;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		p = rec_s(&t->l->v[t->by_path[mid]], VTEL_A_CGROUP_PATH);
		c = strncmp(p, path, len);
		if (!c)
			c = p[len] ? 1 : 0;
		if (!c)
			return (long)t->by_path[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The parent of a record by its path's dirname; -1 for "/" and orphans. */
static long parent_of(const struct tree *t, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || !strcmp(path, "/"))
		return -1;
	return find_path(t, path, slash == path ? 1 : (size_t)(slash - path));
}

/*
 * Branches of a row at depth d: one segment per ancestor level ("│ " or
 * "  ") and the row's own ("├─" or "└─"). Beyond MAX_SEGS levels the
 * outer ones are shown as a single "…".
 */
#define MAX_SEGS	12

static void label(struct tree *t, struct vtel_cg_row *row, bool last,
		  const char *name)
{
	size_t len = 0, size = sizeof(row->label);
	unsigned int d = row->depth, i = 1;
	char *s = row->label;

	s[0] = '\0';
	if (d > MAX_SEGS) {
		len += (size_t)snprintf(s, size, "\xe2\x80\xa6");	/* … */
		i = d - MAX_SEGS + 1;
	}
	for (; d && i < d; i++)
		len += (size_t)snprintf(s + len, size - len, "%s",
					t->more[i] ? "\xe2\x94\x82 " : "  ");
	if (d)
		len += (size_t)snprintf(s + len, size - len, "%s",
					last ? "\xe2\x94\x94\xe2\x94\x80" :
					       "\xe2\x94\x9c\xe2\x94\x80");
	text_sanitize(s + len, size - len, name);
}

static void visit(struct tree *t, long i, unsigned int depth, bool last)
{
	struct vtel_cg_row *row = &t->rows[t->nrows++];
	long c;

	row->idx = (size_t)i;
	row->parent = t->parent[i];
	row->depth = depth;
	label(t, row, last, vtel_cg_name(rec_s(&t->l->v[i], VTEL_A_CGROUP_PATH)));
	t->more[depth] = !last;
	for (c = t->child[i]; c >= 0; c = t->next[c])
		visit(t, c, depth + 1, t->next[c] < 0);
}

int vtel_cg_tree(const struct vtel_list *l, struct vtel_cg_row **rows)
{
	struct tree t = { .l = l };
	long i, p, *tail = NULL;
	size_t k, n = l->n;
	int err = -ENOMEM;

	*rows = NULL;
	t.by_path = calloc(n + 1, sizeof(*t.by_path));
	t.parent = calloc(n + 1, sizeof(*t.parent));
	t.child = calloc(n + 1, sizeof(*t.child));
	t.next = calloc(n + 1, sizeof(*t.next));
	tail = calloc(n + 1, sizeof(*tail));
	t.more = calloc(n + 1, sizeof(*t.more));
	t.rows = calloc(n + 1, sizeof(*t.rows));
	if (!t.by_path || !t.parent || !t.child || !t.next || !tail ||
	    !t.more || !t.rows)
		goto out;
	for (k = 0; k < n; k++)
		if (rec_s(&l->v[k], VTEL_A_CGROUP_PATH))
			t.by_path[t.npath++] = k;
	sort_list = l;
	qsort(t.by_path, t.npath, sizeof(*t.by_path), cmp_path);
	for (k = 0; k < n; k++)
		t.parent[k] = t.child[k] = t.next[k] = tail[k] = -1;
	/* Children in path order, which among siblings is name order. */
	for (k = 0; k < t.npath; k++) {
		i = (long)t.by_path[k];
		p = parent_of(&t, rec_s(&l->v[i], VTEL_A_CGROUP_PATH));
		t.parent[i] = p;
		if (p < 0)
			continue;
		if (tail[p] < 0)
			t.child[p] = i;
		else
			t.next[tail[p]] = i;
		tail[p] = i;
	}
	for (k = 0; k < t.npath; k++) {
		i = (long)t.by_path[k];
		if (t.parent[i] < 0)
			visit(&t, i, 0, true);
	}
	/* Removed cgroups: parents unknown; last, by id as the list is. */
	for (k = 0; k < n; k++) {
		struct vtel_cg_row *row;
		char name[48];

		if (rec_s(&l->v[k], VTEL_A_CGROUP_PATH))
			continue;
		row = &t.rows[t.nrows++];
		row->idx = k;
		row->parent = -1;
		snprintf(name, sizeof(name), "(removed, id %llu)",
			 (unsigned long long)rec_u(&l->v[k], VTEL_A_CGROUP_ID));
		snprintf(row->label, sizeof(row->label), "%s", name);
	}
	*rows = t.rows;
	t.rows = NULL;
	err = 0;
out:
	free(t.by_path);
	free(t.parent);
	free(t.child);
	free(t.next);
	free(tail);
	free(t.more);
	free(t.rows);
	return err;
}

/* ---- cpu.stat ------------------------------------------------------------ */

int vtel_cpu_stat_parse(const char *text, uint64_t *usage_usec)
{
	static const char key[] = "usage_usec ";
	const char *line = text, *end;
	char num[24];
	size_t len;

	for (; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		line += sizeof(key) - 1;
		len = end ? (size_t)(end - line) : strlen(line);
		if (len >= sizeof(num))
			return -EINVAL;
		memcpy(num, line, len);
		num[len] = '\0';
		return parse_u64(num, usage_usec) ? -EINVAL : 0;
	}
	return -ENODATA;
}

static bool has_dotdot(const char *path)
{
	const char *p;

	for (p = strstr(path, ".."); p; p = strstr(p + 1, ".."))
		if ((p == path || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return true;
	return false;
}

int vtel_cpu_stat_read(const char *root, const char *path,
		       uint64_t *usage_usec)
{
	char file[4096 + 64], buf[4096];
	ssize_t n;
	size_t len = 0;
	int fd, err;

	if (!root || !*root)
		return -ENOENT;
	if (!path || path[0] != '/' || has_dotdot(path))
		return -EINVAL;
	if (snprintf(file, sizeof(file), "%s%s/cpu.stat", root,
		     strcmp(path, "/") ? path : "") >= (int)sizeof(file))
		return -ENAMETOOLONG;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			if (err) {
				close(fd);
				return err;
			}
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return vtel_cpu_stat_parse(buf, usage_usec);
}

int vtel_cgroup2_mount(const char *mounts, char *buf, size_t size)
{
	struct mntent *m;
	FILE *f = setmntent(mounts, "r");
	int err = -ENOENT;

	if (!f)
		return -ENOENT;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		if (snprintf(buf, size, "%s", m->mnt_dir) < (int)size)
			err = 0;
		break;
	}
	endmntent(f);
	return err;
}

const char *vtel_cgroup_root(struct vtel_ctx *ctx)
{
	static char found[4096];

	if (!ctx->cgroup_root)
		ctx->cgroup_root = vtel_cgroup2_mount("/proc/self/mounts", found,
						      sizeof(found)) ? "" : found;
	return *ctx->cgroup_root ? ctx->cgroup_root : NULL;
}

int vtel_cg_cpu_read(struct vtel_ctx *ctx, const struct vtel_list *l,
		     struct vtel_cg_cpu **cpu)
{
	const char *root = vtel_cgroup_root(ctx);
	struct vtel_cg_cpu *c = calloc(l->n + 1, sizeof(*c));
	size_t i;

	*cpu = c;
	if (!c)
		return -ENOMEM;
	for (i = 0; root && i < l->n; i++) {
		const char *path = rec_s(&l->v[i], VTEL_A_CGROUP_PATH);

		c[i].ok = path && !vtel_cpu_stat_read(root, path, &c[i].usage_usec);
	}
	return 0;
}

int vtel_cg_snapshot(struct vtel_ctx *ctx, struct vtel_snap *s, bool cpu)
{
	int err;

	vtel_list_clear(&s->cgroups);
	free(s->cpu);
	s->cpu = NULL;
	err = vtel_get_cgroups(ctx, &s->cgroups);
	if (!err && cpu)
		err = vtel_cg_cpu_read(ctx, &s->cgroups, &s->cpu);
	s->t_ns = ctx->mono_ns();
	return err;
}
