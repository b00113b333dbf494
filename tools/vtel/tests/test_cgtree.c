// SPDX-License-Identifier: GPL-2.0
/* The cgroup tree, cpu.stat and the cgroup2 mount, the cgroup rates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgtree.h"
#include "rates.h"
#include "unit.h"

/* A GET_CGROUPS record: path NULL for a removed cgroup. */
static struct vtel_rec *cg(struct vtel_list *l, uint64_t id, const char *path,
			   uint64_t own_exits, uint64_t exits, uint64_t h,
			   uint64_t g)
{
	struct vtel_rec *r = vtel_list_add(l);

	rec_set(r, VTEL_A_CGROUP_ID, id);
	if (path)
		rec_set_str(r, VTEL_A_CGROUP_PATH, path);
	rec_set(r, VTEL_A_EXITS, own_exits);
	rec_set(r, VTEL_A_HANDLING_NS, own_exits * 10);
	rec_set(r, VTEL_A_GUEST_NS, own_exits * 90);
	r->rollup = calloc(1, sizeof(*r->rollup));
	rec_set(r->rollup, VTEL_A_EXITS, exits);
	rec_set(r->rollup, VTEL_A_HANDLING_NS, h);
	rec_set(r->rollup, VTEL_A_GUEST_NS, g);
	return r;
}

static void names(void)
{
	CHECK_STR(vtel_cg_name("/"), "/");
	CHECK_STR(vtel_cg_name("/tenant-a"), "tenant-a");
	CHECK_STR(vtel_cg_name("/tenant-a/vm1"), "vm1");
	CHECK_STR(vtel_cg_name("odd"), "odd");
}

/* The labels of the rows, one per line. */
static char *labels(const struct vtel_list *l, const struct vtel_cg_row *rows)
{
	char *s;
	size_t len, i;
	FILE *f = open_memstream(&s, &len);

	for (i = 0; i < l->n; i++)
		fprintf(f, "%s\n", rows[i].label);
	fclose(f);
	return s;
}

static void tree(void)
{
	struct vtel_list l = { 0 };
	struct vtel_cg_row *rows;
	char *s;

	/* By id, as the kernel sends them: not in tree order. */
	cg(&l, 1, "/", 0, 10, 0, 0);
	cg(&l, 5, "/tenant-b/vm3", 1, 1, 0, 0);
	cg(&l, 7, "/tenant-a", 0, 8, 0, 0);
	cg(&l, 8, "/tenant-a/vm2", 3, 3, 0, 0);
	cg(&l, 9, NULL, 2, 2, 0, 0);
	cg(&l, 10, "/tenant-a/vm1", 3, 3, 0, 0);
	cg(&l, 11, "/tenant-b", 0, 1, 0, 0);
	cg(&l, 12, "/tenant-a/vm1/sub", 0, 0, 0, 0);
	cg(&l, 13, "/tenant-a-x", 0, 0, 0, 0);	/* sorts between, a sibling */
	cg(&l, 14, "/gone/child", 0, 0, 0, 0);	/* parent not in the dump */
	cg(&l, 15, "/bad\x1b[2Jname", 0, 0, 0, 0);
	CHECK_INT(vtel_cg_tree(&l, &rows), 0);
	s = labels(&l, rows);
	CHECK_STR(s,
		  "/\n"
		  "\xe2\x94\x9c\xe2\x94\x80" "bad?[2Jname\n"
		  "\xe2\x94\x9c\xe2\x94\x80" "tenant-a\n"
		  "\xe2\x94\x82 \xe2\x94\x9c\xe2\x94\x80" "vm1\n"
		  "\xe2\x94\x82 \xe2\x94\x82 \xe2\x94\x94\xe2\x94\x80" "sub\n"
		  "\xe2\x94\x82 \xe2\x94\x94\xe2\x94\x80" "vm2\n"
		  "\xe2\x94\x9c\xe2\x94\x80" "tenant-a-x\n"
		  "\xe2\x94\x94\xe2\x94\x80" "tenant-b\n"
		  "  \xe2\x94\x94\xe2\x94\x80" "vm3\n"
		  "child\n"
		  "(removed, id 9)\n");
	free(s);
	/* Indexes, parents and depths. */
	CHECK_U64(rows[0].idx, 0);
	CHECK_INT(rows[0].parent, -1);
	CHECK_U64(rows[0].depth, 0);
	CHECK_U64(rows[2].idx, 2);
	CHECK_INT(rows[2].parent, 0);
	CHECK_U64(rows[2].depth, 1);
	CHECK_U64(rows[4].idx, 7);
	CHECK_INT(rows[4].parent, 5);
	CHECK_U64(rows[4].depth, 3);
	CHECK_U64(rows[8].idx, 1);
	CHECK_INT(rows[8].parent, 6);
	CHECK_U64(rows[9].idx, 9);	/* an orphan is a root */
	CHECK_INT(rows[9].parent, -1);
	CHECK_U64(rows[9].depth, 0);
	CHECK_U64(rows[10].idx, 4);
	CHECK_INT(rows[10].parent, -1);
	free(rows);
	vtel_list_free(&l);

	unit_case("empty");
	CHECK_INT(vtel_cg_tree(&l, &rows), 0);
	free(rows);

	unit_case("only removed cgroups");
	cg(&l, 4, NULL, 1, 1, 0, 0);
	cg(&l, 3, NULL, 1, 1, 0, 0);
	CHECK_INT(vtel_cg_tree(&l, &rows), 0);
	s = labels(&l, rows);
	CHECK_STR(s, "(removed, id 4)\n(removed, id 3)\n");
	free(s);
	free(rows);
	vtel_list_free(&l);
}

static void deep(void)
{
	struct vtel_list l = { 0 };
	struct vtel_cg_row *rows;
	char path[512] = "";
	size_t i, len = 0;

	cg(&l, 1, "/", 0, 0, 0, 0);
	for (i = 0; i < 20; i++) {
		len += (size_t)snprintf(path + len, sizeof(path) - len,
					"/level-%02zu-with-a-long-name", i);
		cg(&l, 2 + i, path, 0, 0, 0, 0);
	}
	CHECK_INT(vtel_cg_tree(&l, &rows), 0);
	CHECK_U64(rows[20].depth, 20);
	/* Beyond 12 levels the outer branches become one "…". */
	CHECK_PREFIX(rows[20].label, "\xe2\x80\xa6    ");
	CHECK_HAS(rows[20].label, "\xe2\x94\x94\xe2\x94\x80level-19");
	CHECK_PREFIX(rows[12].label, "                      \xe2\x94\x94\xe2\x94\x80level-11");
	for (i = 0; i < l.n; i++)
		CHECK(utf8_width(rows[i].label) < VTEL_CELL);
	free(rows);
	vtel_list_free(&l);
}

static void cpu_stat_parse(void)
{
	static const struct {
		const char *text;
		int err;
		uint64_t v;
	} c[] = {
		{ "usage_usec 123\nuser_usec 100\nsystem_usec 23\n", 0, 123 },
		{ "user_usec 100\nusage_usec 7", 0, 7 },
		{ "usage_usec 18446744073709551615\n", 0, UINT64_MAX },
		{ "usage_usec 18446744073709551616\n", -EINVAL, 0 },
		{ "usage_usec -1\n", -EINVAL, 0 },
		{ "usage_usec \n", -EINVAL, 0 },
		{ "usage_usec 12 34\n", -EINVAL, 0 },
		{ "usage_usec 123456789012345678901234567890\n", -EINVAL, 0 },
		{ "user_usec 100\nsystem_usec 23\n", -ENODATA, 0 },
		{ "xusage_usec 5\n", -ENODATA, 0 },
		{ "", -ENODATA, 0 },
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("parse %zu", i);
		v = 0;
		CHECK_INT(vtel_cpu_stat_parse(c[i].text, &v), c[i].err);
		if (!c[i].err)
			CHECK_U64(v, c[i].v);
	}
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(s, f);
	fclose(f);
}

static void cpu_stat_read(void)
{
	char root[] = "/tmp/vtel-cpustat.XXXXXX", p[256];
	uint64_t v = 0;

	CHECK(mkdtemp(root) != NULL);
	snprintf(p, sizeof(p), "%s/cpu.stat", root);
	write_file(p, "usage_usec 1000\n");
	snprintf(p, sizeof(p), "%s/tenant-a", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/tenant-a/cpu.stat", root);
	write_file(p, "usage_usec 250\nuser_usec 200\n");

	unit_case("the root's");
	CHECK_INT(vtel_cpu_stat_read(root, "/", &v), 0);
	CHECK_U64(v, 1000);
	unit_case("a child's");
	CHECK_INT(vtel_cpu_stat_read(root, "/tenant-a", &v), 0);
	CHECK_U64(v, 250);
	unit_case("missing file");
	CHECK_INT(vtel_cpu_stat_read(root, "/tenant-b", &v), -ENOENT);
	unit_case("no cgroup2 mount");
	CHECK_INT(vtel_cpu_stat_read(NULL, "/", &v), -ENOENT);
	CHECK_INT(vtel_cpu_stat_read("", "/", &v), -ENOENT);
	unit_case("paths that would leave the mount");
	CHECK_INT(vtel_cpu_stat_read(root, "/../etc", &v), -EINVAL);
	CHECK_INT(vtel_cpu_stat_read(root, "/a/..", &v), -EINVAL);
	CHECK_INT(vtel_cpu_stat_read(root, "tenant-a", &v), -EINVAL);
	unit_case("dots in a name are fine");
	CHECK_INT(vtel_cpu_stat_read(root, "/a..b", &v), -ENOENT);

	snprintf(p, sizeof(p), "%s/tenant-a/cpu.stat", root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/tenant-a", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/cpu.stat", root);
	unlink(p);
	rmdir(root);
}

static void mounts(void)
{
	char file[] = "/tmp/vtel-mounts.XXXXXX", buf[64], small[8];
	struct vtel_ctx ctx = { 0 };
	int fd = mkstemp(file);

	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	write_file(file,
		   "sysfs /sys sysfs rw 0 0\n"
		   "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"
		   "cgroup2 /sys/fs/cgroup/with\\040space cgroup2 rw 0 0\n"
		   "cgroup2 /second cgroup2 rw 0 0\n");
	unit_case("hybrid: the first cgroup2 mount");
	CHECK_INT(vtel_cgroup2_mount(file, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/sys/fs/cgroup/with space");
	unit_case("too long for the buffer");
	CHECK_INT(vtel_cgroup2_mount(file, small, sizeof(small)), -ENOENT);
	unit_case("cgroup v1 only");
	write_file(file, "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n");
	CHECK_INT(vtel_cgroup2_mount(file, buf, sizeof(buf)), -ENOENT);
	unlink(file);
	unit_case("no mounts file");
	CHECK_INT(vtel_cgroup2_mount(file, buf, sizeof(buf)), -ENOENT);

	unit_case("ctx->cgroup_root");
	ctx.cgroup_root = "";
	CHECK(vtel_cgroup_root(&ctx) == NULL);
	ctx.cgroup_root = "/x";
	CHECK_STR(vtel_cgroup_root(&ctx), "/x");
	ctx.cgroup_root = NULL;
	vtel_cgroup_root(&ctx);		/* this machine's: anything */
	CHECK(ctx.cgroup_root != NULL);
}

static void share(void)
{
	CHECK_U64(vtel_share_ppm(0, 0), 0);
	CHECK_U64(vtel_share_ppm(5, 0), 0);
	CHECK_U64(vtel_share_ppm(1000000, 20000), 50000);	/* 1 ms of 20 ms */
	CHECK_U64(vtel_share_ppm(2000000, 1000), 2000000);	/* 200% */
	CHECK_U64(vtel_share_ppm(UINT64_MAX, 1), UINT64_MAX);
}

static void rates(void)
{
	struct vtel_snap a = { .t_ns = 1000000000 }, b = { .t_ns = 3000000000 };
	struct vtel_cg_rate *v;
	size_t n;

	cg(&a.cgroups, 1, "/", 0, 1000, 10000, 90000);
	cg(&a.cgroups, 2, "/a", 400, 1000, 10000, 90000);
	cg(&a.cgroups, 3, "/a/b", 600, 600, 6000, 54000);
	cg(&a.cgroups, 9, "/gone", 5, 5, 0, 0);
	a.cpu = calloc(4, sizeof(*a.cpu));
	a.cpu[0] = (struct vtel_cg_cpu){ true, 1000 };
	a.cpu[1] = (struct vtel_cg_cpu){ true, 500 };
	a.cpu[2] = (struct vtel_cg_cpu){ false, 0 };
	cg(&b.cgroups, 1, "/", 0, 3100, 4010000, 190000);
	cg(&b.cgroups, 2, "/a", 400, 3000, 4010000, 190000);
	cg(&b.cgroups, 3, "/a/b", 2600, 2600, 4006000, 154000);
	cg(&b.cgroups, 4, "/c", 100, 100, 0, 0);	/* new */
	cg(&b.cgroups, 5, NULL, 100, 100, 0, 0);	/* removed, also new */
	b.cpu = calloc(5, sizeof(*b.cpu));
	b.cpu[0] = (struct vtel_cg_cpu){ true, 1000 };	/* no CPU time: no share */
	b.cpu[1] = (struct vtel_cg_cpu){ true, 2500 };
	b.cpu[2] = (struct vtel_cg_cpu){ true, 900 };
	b.cpu[3] = (struct vtel_cg_cpu){ true, 10 };

	unit_case("rollup, in the snapshot's order");
	CHECK_INT(vtel_rates_cgroups(&a, &b, true, false, &v, &n), 0);
	CHECK_U64(n, 5);
	CHECK(v[0].cg == &b.cgroups.v[0] && v[4].cg == &b.cgroups.v[4]);
	CHECK_U64(v[0].exits, 2100);
	CHECK(v[0].exits_s > 1049.99 && v[0].exits_s < 1050.01);
	CHECK(!v[0].share_ok);			/* usage did not grow */
	CHECK_U64(v[1].exits, 2000);
	CHECK_U64(v[1].handling_ns, 4000000);
	CHECK_U64(v[1].overhead_ppm, 975609);	/* 4 ms / (4 ms + 100 us) */
	CHECK(v[1].share_ok);
	CHECK_U64(v[1].share_ppm, 2000000);	/* 4 ms over 2 ms: 200% */
	CHECK(!v[2].share_ok);			/* no cpu.stat before */
	CHECK_U64(v[3].exits, 100);		/* appeared: from zero */
	CHECK(!v[3].share_ok);
	free(v);

	unit_case("own, sorted by exits");
	CHECK_INT(vtel_rates_cgroups(&a, &b, false, true, &v, &n), 0);
	CHECK_U64(rec_u(v[0].cg, VTEL_A_CGROUP_ID), 3);
	CHECK_U64(v[0].exits, 2000);
	CHECK_U64(v[0].handling_ns, 20000);
	CHECK(!v[0].share_ok);			/* no share of own numbers */
	/* 4 and 5 tie at 100: the one with a path first; then 1 and 2 at 0. */
	CHECK_U64(rec_u(v[1].cg, VTEL_A_CGROUP_ID), 4);
	CHECK_U64(rec_u(v[2].cg, VTEL_A_CGROUP_ID), 5);
	CHECK_U64(rec_u(v[3].cg, VTEL_A_CGROUP_ID), 1);
	CHECK_U64(rec_u(v[4].cg, VTEL_A_CGROUP_ID), 2);
	free(v);

	unit_case("a reset in between counts from zero");
	vtel_snap_free(&a);
	cg(&a.cgroups, 3, "/a/b", 9000, 9000, 0, 0);
	CHECK_INT(vtel_rates_cgroups(&a, &b, false, false, &v, &n), 0);
	CHECK_U64(v[2].exits, 2600);
	free(v);

	unit_case("without cpu.stat readings");
	free(b.cpu);
	b.cpu = NULL;
	CHECK_INT(vtel_rates_cgroups(&a, &b, true, false, &v, &n), 0);
	CHECK(!v[1].share_ok && !v[2].share_ok);
	free(v);
	vtel_snap_free(&a);
	vtel_snap_free(&b);

	unit_case("empty snapshots");
	CHECK_INT(vtel_rates_cgroups(&a, &b, true, true, &v, &n), 0);
	CHECK_U64(n, 0);
	free(v);

	/*
	 * An idle pod: 1 s of handling, nearly all of it a halted vCPU's
	 * sleep. Its share is kvm + vmm (10 ms) of its 20 ms of CPU, 50%,
	 * not handling over CPU (5000%).
	 */
	unit_case("the share leaves idle and wait out");
	cg(&a.cgroups, 7, "/idle-pod", 0, 0, 0, 0);
	cg(&b.cgroups, 7, "/idle-pod", 10, 10, 1000000000, 1000000);
	rec_set(b.cgroups.v[0].rollup, VTEL_A_KVM_NS, 4000000);
	rec_set(b.cgroups.v[0].rollup, VTEL_A_VMM_NS, 6000000);
	rec_set(b.cgroups.v[0].rollup, VTEL_A_WAIT_NS, 30000000);
	rec_set(b.cgroups.v[0].rollup, VTEL_A_IDLE_NS, 960000000);
	a.cpu = calloc(1, sizeof(*a.cpu));
	b.cpu = calloc(1, sizeof(*b.cpu));
	a.cpu[0] = (struct vtel_cg_cpu){ true, 1000 };
	b.cpu[0] = (struct vtel_cg_cpu){ true, 21000 };
	CHECK_INT(vtel_rates_cgroups(&a, &b, true, false, &v, &n), 0);
	CHECK_U64(n, 1);
	CHECK(v[0].share_ok);
	CHECK_U64(v[0].share_ppm, 500000);
	free(v);
	vtel_snap_free(&a);
	vtel_snap_free(&b);
}

UNIT_SUITE(cgtree_tests, T(names), T(tree), T(deep), T(cpu_stat_parse),
	   T(cpu_stat_read), T(mounts), T(share), T(rates));
