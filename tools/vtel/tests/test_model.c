// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute parsing from synthetic messages built with libnl, including
 * malformed ones: missing attributes, wrong sizes, bad strings, broken
 * histograms, truncation, and random bytes. Nothing may crash.
 */
#include <errno.h>
#include <stdlib.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/genetlink.h>

#include "model.h"
#include "vtel.h"
#include "unit.h"

static struct nl_msg *msg_new(int cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(1 << 16);

	genlmsg_put(m, 0, 1, 0x21, 0, 0, (uint8_t)cmd, 1);
	return m;
}

static int parse(struct nl_msg *m, struct vtel_rec *r)
{
	int err = vtel_rec_parse(nlmsg_hdr(m), r);

	nlmsg_free(m);
	return err;
}

static void full_vm(void)
{
	struct nl_msg *m = msg_new(VTEL_CMD_GET_VMS);
	struct vtel_rec r;

	nla_put_u32(m, VTEL_A_VM_ID, 7);
	nla_put_u32(m, VTEL_A_PID, 4242);
	nla_put_string(m, VTEL_A_COMM, "qemu");
	nla_put_u8(m, VTEL_A_VM_STATE, VTEL_VM_STATE_RETIRED);
	nla_put(m, VTEL_A_PAD, 0, NULL);
	nla_put_u64(m, VTEL_A_EXITS, 1ULL << 40);
	nla_put_u32(m, VTEL_A_OVERHEAD_PPM, 15030);
	nla_put_u32(m, 300, 1);			/* newer module */
	nla_put_u32(m, VTEL_A_VM_ID, 8);	/* duplicates: last wins */
	CHECK_INT(parse(m, &r), 0);
	CHECK_U64(rec_u(&r, VTEL_A_VM_ID), 8);
	CHECK_U64(rec_u(&r, VTEL_A_PID), 4242);
	CHECK_STR(rec_s(&r, VTEL_A_COMM), "qemu");
	CHECK_U64(rec_u(&r, VTEL_A_VM_STATE), VTEL_VM_STATE_RETIRED);
	CHECK_U64(rec_u(&r, VTEL_A_EXITS), 1ULL << 40);
	CHECK(!rec_has(&r, VTEL_A_PAD));
	CHECK(!rec_has(&r, VTEL_A_GUEST_NS));
	CHECK(rec_s(&r, VTEL_A_REASON) == NULL);
	CHECK_INT(vtel_rec_require(&r, (const int[]){ VTEL_A_VM_ID, 0 }, "x"), 0);
	CHECK_INT(vtel_rec_require(&r, (const int[]){ VTEL_A_VM_ID, VTEL_A_TID, 0 },
				   "GET_VCPUS reply"), -VTEL_EBADREPLY);
	CHECK_STR(vtel_model_error(), "GET_VCPUS reply without VTEL_A_TID");
	CHECK(!rec_has(&r, 0) && !rec_has(&r, -1) && !rec_has(&r, 99));
	vtel_rec_free(&r);
}

static void rollup(void)
{
	struct nl_msg *m = msg_new(VTEL_CMD_GET_CGROUPS);
	struct nlattr *n, *x;
	struct vtel_rec r;

	nla_put_u64(m, VTEL_A_CGROUP_ID, 100);
	nla_put_string(m, VTEL_A_CGROUP_PATH, "/tenant-a");
	nla_put_u64(m, VTEL_A_EXITS, 5);
	n = nla_nest_start(m, VTEL_A_ROLLUP | NLA_F_NESTED);
	nla_put_u64(m, VTEL_A_EXITS, 50);
	nla_put_string(m, VTEL_A_CGROUP_PATH, "/inner");
	x = nla_nest_start(m, VTEL_A_ROLLUP);	/* no rollup of a rollup */
	nla_put_u64(m, VTEL_A_EXITS, 500);
	nla_nest_end(m, x);
	nla_nest_end(m, n);
	CHECK_INT(parse(m, &r), 0);
	CHECK_U64(rec_u(&r, VTEL_A_EXITS), 5);
	CHECK(r.rollup != NULL);
	CHECK_U64(rec_u(r.rollup, VTEL_A_EXITS), 50);
	CHECK_STR(rec_s(r.rollup, VTEL_A_CGROUP_PATH), "/inner");
	CHECK(r.rollup->rollup == NULL);
	vtel_rec_free(&r);
	CHECK(r.rollup == NULL);

	unit_case("rollup with a wrong size");
	m = msg_new(VTEL_CMD_GET_CGROUPS);
	nla_put_u64(m, VTEL_A_CGROUP_ID, 100);
	n = nla_nest_start(m, VTEL_A_ROLLUP | NLA_F_NESTED);
	nla_put_u32(m, VTEL_A_GUEST_NS, 50);
	nla_nest_end(m, n);
	CHECK_INT(parse(m, &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "GUEST_NS has 4 bytes");
}

static void wrong_sizes(void)
{
	static const struct { int attr; int len; const char *why; } c[] = {
		{ VTEL_A_VM_ID, 2, "VM_ID has 2 bytes, expected 4" },
		{ VTEL_A_VM_ID, 8, "VM_ID has 8 bytes, expected 4" },
		{ VTEL_A_EXITS, 4, "EXITS has 4 bytes, expected 8" },
		{ VTEL_A_EXITS, 0, "EXITS has 0 bytes, expected 8" },
		{ VTEL_A_ATTACHED, 4, "ATTACHED has 4 bytes, expected 1" },
		{ VTEL_A_ISA, 0, "ISA has 0 bytes, expected 1" },
		{ VTEL_A_COMM, 0, "COMM is not a NUL-terminated string" },
		{ VTEL_A_REASON, 3, "REASON is not a NUL-terminated string" },
	};
	static const char data[16] = "abcdefghijklmno";
	struct nl_msg *m;
	struct vtel_rec r;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("%s", c[i].why);
		m = msg_new(VTEL_CMD_GET_VMS);
		nla_put_u32(m, VTEL_A_PID, 1);
		nla_put(m, c[i].attr, c[i].len, data);
		CHECK_INT(parse(m, &r), -VTEL_EBADREPLY);
		CHECK_HAS(vtel_model_error(), c[i].why);
		CHECK(r.hist == NULL);
	}
}

static void strings(void)
{
	struct nl_msg *m = msg_new(VTEL_CMD_GET_EXITS);
	char longname[5000];
	struct vtel_rec r;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	nla_put_string(m, VTEL_A_REASON, longname);
	nla_put(m, VTEL_A_CATEGORY, 6, "io\0xyz");	/* NUL inside: ok */
	nla_put_string(m, VTEL_A_COMM, "");
	CHECK_INT(parse(m, &r), 0);
	CHECK_U64(strlen(rec_s(&r, VTEL_A_REASON)), VTEL_STR_MAX - 1);
	CHECK_STR(rec_s(&r, VTEL_A_CATEGORY), "io");
	CHECK_STR(rec_s(&r, VTEL_A_COMM), "");
	vtel_rec_free(&r);
}

/* A VTEL_A_HIST with the given buckets; le or count < 0 leaves it out. */
static struct nl_msg *hist_msg(const long long (*b)[2], int n, int le_len)
{
	struct nl_msg *m = msg_new(VTEL_CMD_GET_EXITS);
	struct nlattr *h, *x;
	uint64_t le;
	int i;

	nla_put_string(m, VTEL_A_REASON, "io");
	h = nla_nest_start(m, VTEL_A_HIST | NLA_F_NESTED);
	nla_put_u32(m, 77, 0);	/* unknown: skipped */
	for (i = 0; i < n; i++) {
		x = nla_nest_start(m, VTEL_A_HIST_BUCKET | NLA_F_NESTED);
		nla_put(m, VTEL_A_BUCKET_PAD, 0, NULL);
		le = b[i][0] == -2 ? UINT64_MAX : (uint64_t)b[i][0];
		if (b[i][0] >= 0 || b[i][0] == -2)
			nla_put(m, VTEL_A_BUCKET_LE, le_len, &le);
		if (b[i][1] >= 0)
			nla_put_u64(m, VTEL_A_BUCKET_COUNT, (uint64_t)b[i][1]);
		nla_nest_end(m, x);
	}
	nla_nest_end(m, h);
	return m;
}

static void hist_ok(void)
{
	static const long long b[][2] = {
		{ 1023, 5 }, { 511, 3 }, { -2, 1 }, { 0, 9 },
	};
	struct vtel_rec r;

	CHECK_INT(parse(hist_msg(b, 4, 8), &r), 0);
	CHECK_U64(r.nhist, 4);
	CHECK_U64(r.hist[0].le, 0);
	CHECK_U64(r.hist[0].count, 9);
	CHECK_U64(r.hist[1].le, 511);
	CHECK_U64(r.hist[2].le, 1023);
	CHECK_U64(r.hist[3].le, UINT64_MAX);
	CHECK(rec_has(&r, VTEL_A_HIST));
	vtel_rec_free(&r);
	CHECK(r.hist == NULL);

	unit_case("empty histogram");
	CHECK_INT(parse(hist_msg(b, 0, 8), &r), 0);
	CHECK_U64(r.nhist, 0);
	CHECK(rec_has(&r, VTEL_A_HIST));
	vtel_rec_free(&r);
}

static void hist_bad(void)
{
	static const long long no_le[][2] = { { 1, 1 }, { -1, 5 } };
	static const long long no_count[][2] = { { 1, -1 } };
	static const long long dup[][2] = { { 7, 1 }, { 3, 1 }, { 7, 2 } };
	long long many[VTEL_HIST_MAX + 1][2];
	struct vtel_rec r;
	int i;

	unit_case("bucket without LE");
	CHECK_INT(parse(hist_msg(no_le, 2, 8), &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "without VTEL_A_BUCKET_LE");
	unit_case("bucket without COUNT");
	CHECK_INT(parse(hist_msg(no_count, 1, 8), &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "without VTEL_A_BUCKET_COUNT");
	unit_case("LE of 4 bytes");
	CHECK_INT(parse(hist_msg(no_count, 1, 4), &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "LE has 4 bytes");
	unit_case("duplicate bounds");
	CHECK_INT(parse(hist_msg(dup, 3, 8), &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "two histogram buckets with le 7");
	unit_case("one bucket more than VTEL_HIST_MAX");
	for (i = 0; i < VTEL_HIST_MAX + 1; i++) {
		many[i][0] = i;
		many[i][1] = 1;
	}
	CHECK_INT(parse(hist_msg(many, VTEL_HIST_MAX + 1, 8), &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "more than 512");
	unit_case("281 buckets, as the module sends at most");
	CHECK_INT(parse(hist_msg(many, 281, 8), &r), 0);
	CHECK_U64(r.nhist, 281);
	vtel_rec_free(&r);
}

static void truncated(void)
{
	struct nl_msg *m;
	struct nlmsghdr *h;
	struct nlattr *a;
	struct vtel_rec r;

	unit_case("genl header cut short");
	m = msg_new(VTEL_CMD_GET_STATUS);
	nlmsg_hdr(m)->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK_INT(parse(m, &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "truncated generic netlink header");

	unit_case("attribute longer than the message");
	m = msg_new(VTEL_CMD_GET_STATUS);
	nla_put_u32(m, VTEL_A_VCPUS, 1);
	nla_put_u64(m, VTEL_A_EXITS, 1);
	h = nlmsg_hdr(m);
	a = (struct nlattr *)((char *)h + h->nlmsg_len - NLA_HDRLEN - 8);
	a->nla_len = 200;
	CHECK_INT(parse(m, &r), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "truncated attribute");

	unit_case("nested attribute longer than its nest");
	m = msg_new(VTEL_CMD_GET_EXITS);
	a = nla_nest_start(m, VTEL_A_HIST);
	nla_put_u32(m, VTEL_A_HIST_BUCKET, 0);
	nla_nest_end(m, a);
	((struct nlattr *)nla_data(a))->nla_len = 40;
	CHECK_INT(parse(m, &r), -VTEL_EBADREPLY);

	unit_case("attribute header of length 2");
	m = msg_new(VTEL_CMD_GET_STATUS);
	nla_put_u32(m, VTEL_A_VCPUS, 1);
	h = nlmsg_hdr(m);
	a = (struct nlattr *)((char *)h + h->nlmsg_len - NLA_HDRLEN - 4);
	a->nla_len = 2;
	CHECK_INT(parse(m, &r), -VTEL_EBADREPLY);
}

static void config(void)
{
	struct nl_msg *m = msg_new(VTEL_CMD_GET_CONFIG);
	struct vtel_config c;
	struct nlattr *n;

	n = nla_nest_start(m, VTEL_A_CONFIG | NLA_F_NESTED);
	nla_put(m, VTEL_C_PAD, 0, NULL);
	nla_put_u64(m, VTEL_C_SLOW_NS, 100000);
	nla_put_u32(m, VTEL_C_EVENT_RATE, 50);
	nla_put_u8(m, VTEL_C_UNPRIVILEGED_READ, 1);
	nla_put_u32(m, 40, 1);
	nla_nest_end(m, n);
	CHECK_INT(vtel_config_parse(nlmsg_hdr(m), &c), 0);
	CHECK_U64(c.v[VTEL_C_SLOW_NS], 100000);
	CHECK_U64(c.v[VTEL_C_EVENT_RATE], 50);
	CHECK_U64(c.v[VTEL_C_UNPRIVILEGED_READ], 1);
	CHECK_U64(c.have, (1ULL << VTEL_C_SLOW_NS) | (1ULL << VTEL_C_EVENT_RATE) |
		  (1ULL << VTEL_C_UNPRIVILEGED_READ));
	nlmsg_free(m);

	unit_case("config wrong size");
	m = msg_new(VTEL_CMD_GET_CONFIG);
	n = nla_nest_start(m, VTEL_A_CONFIG);
	nla_put_u32(m, VTEL_C_SLOW_NS, 1);
	nla_nest_end(m, n);
	CHECK_INT(vtel_config_parse(nlmsg_hdr(m), &c), -VTEL_EBADREPLY);
	nlmsg_free(m);

	unit_case("config missing");
	m = msg_new(VTEL_CMD_GET_CONFIG);
	CHECK_INT(vtel_config_parse(nlmsg_hdr(m), &c), -VTEL_EBADREPLY);
	CHECK_HAS(vtel_model_error(), "without VTEL_A_CONFIG");
	nlmsg_free(m);
}

static struct nl_msg *ctrl_msg(bool id, int grp_len)
{
	struct nl_msg *m = nlmsg_alloc_size(1 << 16);
	struct nlattr *n, *x;

	genlmsg_put(m, 0, 1, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2);
	if (id)
		nla_put_u16(m, CTRL_ATTR_FAMILY_ID, 0x1d);
	nla_put_u32(m, CTRL_ATTR_VERSION, 3);
	n = nla_nest_start(m, CTRL_ATTR_OPS);
	x = nla_nest_start(m, 1);
	nla_put_u32(m, CTRL_ATTR_OP_ID, VTEL_CMD_GET_STATUS);
	nla_nest_end(m, x);
	x = nla_nest_start(m, 2);
	nla_put_u32(m, CTRL_ATTR_OP_ID, 70);	/* beyond 64: ignored */
	nla_nest_end(m, x);
	nla_nest_end(m, n);
	n = nla_nest_start(m, CTRL_ATTR_MCAST_GROUPS);
	x = nla_nest_start(m, 1);
	nla_put_string(m, CTRL_ATTR_MCAST_GRP_NAME, "events");
	if (grp_len == 4)
		nla_put_u32(m, CTRL_ATTR_MCAST_GRP_ID, 11);
	else
		nla_put_u16(m, CTRL_ATTR_MCAST_GRP_ID, 11);
	nla_nest_end(m, x);
	nla_nest_end(m, n);
	return m;
}

static void ctrl(void)
{
	struct vtel_ctrl_family f;
	struct nl_msg *m = ctrl_msg(true, 4);

	CHECK_INT(vtel_ctrl_parse(nlmsg_hdr(m), "events", &f), 0);
	CHECK_INT(f.id, 0x1d);
	CHECK_U64(f.version, 3);
	CHECK(f.have_ops);
	CHECK_U64(f.ops, 1ULL << VTEL_CMD_GET_STATUS);
	CHECK_INT(f.events_group, 11);
	CHECK_INT(vtel_ctrl_parse(nlmsg_hdr(m), "other", &f), 0);
	CHECK_INT(f.events_group, -1);
	nlmsg_free(m);

	unit_case("ctrl without family id");
	m = ctrl_msg(false, 4);
	CHECK_INT(vtel_ctrl_parse(nlmsg_hdr(m), "events", &f), -VTEL_EBADREPLY);
	nlmsg_free(m);

	unit_case("ctrl group id of 2 bytes");
	m = ctrl_msg(true, 2);
	CHECK_INT(vtel_ctrl_parse(nlmsg_hdr(m), "events", &f), -VTEL_EBADREPLY);
	nlmsg_free(m);
}

static void lists(void)
{
	struct vtel_list l = { 0 };
	int i;

	for (i = 0; i < 100; i++) {
		struct vtel_rec *r = vtel_list_add(&l);

		CHECK(r != NULL);
		r->hist = malloc(8);
	}
	CHECK_U64(l.n, 100);
	vtel_list_clear(&l);
	CHECK_U64(l.n, 0);
	vtel_list_free(&l);
	CHECK(l.v == NULL);
}

/* Random attribute streams: errors are fine, crashes and leaks are not. */
static void fuzz(void)
{
	unsigned char buf[512];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct vtel_rec r;
	struct vtel_config c;
	struct vtel_ctrl_family f;
	unsigned int seed = 12345, i, j, len, ok = 0;

	for (i = 0; i < 20000; i++) {
		len = NLMSG_HDRLEN + GENL_HDRLEN + (rand_r(&seed) % 400);
		for (j = 0; j < len; j++)
			buf[j] = (unsigned char)rand_r(&seed);
		/* Plausible attribute headers, often nested. */
		for (j = NLMSG_HDRLEN + GENL_HDRLEN; j + 4 <= len; j += 4 + 4 * (rand_r(&seed) % 4)) {
			struct nlattr *a = (struct nlattr *)(buf + j);

			a->nla_len = (uint16_t)(rand_r(&seed) % 64);
			a->nla_type = (uint16_t)(rand_r(&seed) % (VTEL_A_MAX + 3));
			if (rand_r(&seed) % 4 == 0)
				a->nla_type |= NLA_F_NESTED;
		}
		h->nlmsg_len = rand_r(&seed) % 8 ? len : (unsigned int)rand_r(&seed) % 600;
		if (h->nlmsg_len > len)
			h->nlmsg_len = len;
		if (!vtel_rec_parse(h, &r))
			ok++;
		vtel_rec_free(&r);
		vtel_config_parse(h, &c);
		vtel_ctrl_parse(h, "events", &f);
	}
	CHECK(ok > 0);
}

/* Every attribute of linux/vtel.h has a type here: else update model.c. */
static void abi_coverage(void)
{
	int a;

	for (a = 1; a <= VTEL_A_MAX; a++) {
		unit_case("attribute %d (VTEL_A_%s) has a type", a, vtel_attr_name(a));
		CHECK(vtel_attr_type(a) != VTEL_T_NONE);
	}
	for (a = 1; a <= VTEL_C_MAX; a++) {
		unit_case("config attribute %d has a type", a);
		CHECK(vtel_config_type(a) != VTEL_T_NONE);
	}
}

UNIT_SUITE(model_tests, T(abi_coverage), T(full_vm), T(rollup), T(wrong_sizes), T(strings), T(hist_ok),
	   T(hist_bad), T(truncated), T(config), T(ctrl), T(lists), T(fuzz));
