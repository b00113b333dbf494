// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink transactions: acks, errors with extack (capped or not), errors
 * in NLMSG_DONE, stale sequence numbers, interrupted dumps and retries,
 * family resolution, error to exit status mapping, garbage input.
 */
#include <errno.h>
#include <stdlib.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/netlink.h>

#include "fake.h"
#include "nl.h"
#include "unit.h"

static int count_msgs(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

static size_t put_hdr(unsigned char *b, uint16_t type, uint16_t flags,
		      uint32_t seq, size_t payload)
{
	struct nlmsghdr *h = (struct nlmsghdr *)b;

	h->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = 0;
	return NLMSG_ALIGN(h->nlmsg_len);
}

static void ctx_init(struct vtel_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

static void process_basic(void)
{
	unsigned char b[256] = { 0 };
	struct vtel_xact x = { .seq = 5, .dump = true, .fn = count_msgs };
	struct vtel_ctx ctx;
	int n = 0, e = 0;
	size_t off = 0;

	ctx_init(&ctx);
	x.arg = &n;
	off += put_hdr(b + off, 0x21, NLM_F_MULTI, 5, 4);	/* data */
	off += put_hdr(b + off, 0x21, NLM_F_MULTI, 4, 4);	/* stale */
	off += put_hdr(b + off, NLMSG_NOOP, 0, 5, 0);
	off += put_hdr(b + off, 0x21, NLM_F_MULTI | NLM_F_DUMP_INTR, 5, 4);
	memcpy(b + off + NLMSG_HDRLEN, &e, 4);
	off += put_hdr(b + off, NLMSG_DONE, NLM_F_MULTI, 5, 4);
	off += put_hdr(b + off, 0x21, NLM_F_MULTI, 5, 4);	/* after DONE */
	vtel_nl_process(&ctx, &x, b, off);
	CHECK_INT(n, 2);
	CHECK(x.done);
	CHECK(x.intr);
	CHECK_INT(x.err, 0);

	unit_case("overrun");
	memset(&x, 0, sizeof(x));
	x.seq = 1;
	put_hdr(b, NLMSG_OVERRUN, 0, 1, 0);
	vtel_nl_process(&ctx, &x, b, NLMSG_HDRLEN);
	CHECK(x.done);
	CHECK_INT(x.err, -EOVERFLOW);

	unit_case("handler error is kept, processing goes on to the end");
	memset(&x, 0, sizeof(x));
	x.seq = 2;
	x.dump = true;
	off = put_hdr(b, 0x21, 0, 2, 0);
	off += put_hdr(b + off, NLMSG_DONE, NLM_F_MULTI, 2, 0);
	x.fn = NULL;
	vtel_nl_process(&ctx, &x, b, off);
	CHECK(x.done);
	CHECK_INT(x.err, 0);
}

/* An NLMSG_ERROR like the kernel's, with an extack message. */
static size_t error_msg(unsigned char *b, int err, bool capped,
			const char *text, int tlv_len)
{
	struct nlmsgerr *e = (struct nlmsgerr *)(b + NLMSG_HDRLEN);
	size_t payload = capped ? sizeof(*e) : sizeof(*e) + 8;
	struct nlattr *a = (struct nlattr *)(b + NLMSG_HDRLEN + NLMSG_ALIGN(payload));
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(payload) + NLA_HDRLEN + strlen(text) + 1;

	memset(b, 0, len + 8);
	put_hdr(b, NLMSG_ERROR, (capped ? NLM_F_CAPPED : 0) | NLM_F_ACK_TLVS, 9,
		len - NLMSG_HDRLEN);
	e->error = err;
	e->msg.nlmsg_len = capped ? NLMSG_HDRLEN : NLMSG_HDRLEN + 8;
	e->msg.nlmsg_seq = 9;
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = (uint16_t)(tlv_len ? tlv_len : (int)(NLA_HDRLEN + strlen(text) + 1));
	memcpy((char *)a + NLA_HDRLEN, text, strlen(text) + 1);
	return len;
}

static void process_errors(void)
{
	unsigned char b[512];
	struct vtel_xact x;
	struct vtel_ctx ctx;
	size_t len;
	int e = -ENOENT;

	ctx_init(&ctx);
	unit_case("error, capped, extack");
	memset(&x, 0, sizeof(x));
	x.seq = 9;
	len = error_msg(b, -ENOENT, true, "no VM of pid 7", 0);
	vtel_nl_process(&ctx, &x, b, len);
	CHECK(x.done);
	CHECK_INT(x.err, -ENOENT);
	CHECK_STR(ctx.extack, "no VM of pid 7");

	unit_case("error, uncapped, extack");
	memset(&x, 0, sizeof(x));
	ctx.extack[0] = '\0';
	x.seq = 9;
	len = error_msg(b, -EPERM, false, "not allowed", 0);
	vtel_nl_process(&ctx, &x, b, len);
	CHECK_INT(x.err, -EPERM);
	CHECK_STR(ctx.extack, "not allowed");

	unit_case("extack TLV runs past the message");
	memset(&x, 0, sizeof(x));
	ctx.extack[0] = '\0';
	x.seq = 9;
	len = error_msg(b, -EINVAL, true, "zzz", 300);
	vtel_nl_process(&ctx, &x, b, len);
	CHECK_INT(x.err, -EINVAL);
	CHECK_STR(ctx.extack, "");

	unit_case("extack message with escape codes is sanitized");
	memset(&x, 0, sizeof(x));
	x.seq = 9;
	len = error_msg(b, -EINVAL, true, "bad\x1b[2J", 0);
	vtel_nl_process(&ctx, &x, b, len);
	CHECK_STR(ctx.extack, "bad?[2J");

	unit_case("NLMSG_ERROR shorter than nlmsgerr");
	memset(&x, 0, sizeof(x));
	x.seq = 9;
	put_hdr(b, NLMSG_ERROR, 0, 9, 2);
	vtel_nl_process(&ctx, &x, b, NLMSG_HDRLEN + 4);
	CHECK(x.done);
	CHECK_INT(x.err, -VTEL_EBADREPLY);

	unit_case("ack");
	memset(&x, 0, sizeof(x));
	x.seq = 9;
	len = error_msg(b, 0, true, "warning only", 0);
	vtel_nl_process(&ctx, &x, b, len);
	CHECK(x.done);
	CHECK_INT(x.err, 0);

	unit_case("error in NLMSG_DONE with extack");
	memset(&x, 0, sizeof(x));
	memset(b, 0, sizeof(b));
	ctx.extack[0] = '\0';
	x.seq = 3;
	x.dump = true;
	len = NLMSG_HDRLEN + 4 + NLA_HDRLEN + 8;
	put_hdr(b, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 3, len - NLMSG_HDRLEN);
	memcpy(b + NLMSG_HDRLEN, &e, 4);
	((struct nlattr *)(b + NLMSG_HDRLEN + 4))->nla_len = NLA_HDRLEN + 8;
	((struct nlattr *)(b + NLMSG_HDRLEN + 4))->nla_type = NLMSGERR_ATTR_MSG;
	memcpy(b + NLMSG_HDRLEN + 4 + NLA_HDRLEN, "no such", 8);
	vtel_nl_process(&ctx, &x, b, len);
	CHECK_INT(x.err, -ENOENT);
	CHECK_STR(ctx.extack, "no such");

	unit_case("NLMSG_DONE without errno (old kernels)");
	memset(&x, 0, sizeof(x));
	x.seq = 3;
	put_hdr(b, NLMSG_DONE, NLM_F_MULTI, 3, 0);
	vtel_nl_process(&ctx, &x, b, NLMSG_HDRLEN);
	CHECK(x.done);
	CHECK_INT(x.err, 0);
}

static void process_fuzz(void)
{
	unsigned char b[600];
	struct vtel_xact x;
	struct vtel_ctx ctx;
	unsigned int seed = 99, i, j, len, n = 0;

	ctx_init(&ctx);
	for (i = 0; i < 20000; i++) {
		len = rand_r(&seed) % sizeof(b);
		for (j = 0; j < len; j++)
			b[j] = (unsigned char)rand_r(&seed);
		if (len >= NLMSG_HDRLEN) {
			struct nlmsghdr *h = (struct nlmsghdr *)b;

			h->nlmsg_len = rand_r(&seed) % (len + 1);
			h->nlmsg_type = (uint16_t)(rand_r(&seed) % 5);
			h->nlmsg_seq = 1;
			h->nlmsg_flags |= rand_r(&seed) % 2 ? NLM_F_ACK_TLVS : 0;
		}
		memset(&x, 0, sizeof(x));
		x.seq = 1;
		x.fn = count_msgs;
		x.arg = &n;
		vtel_nl_process(&ctx, &x, b, len);
	}
	CHECK(strlen(ctx.extack) < sizeof(ctx.extack));
}

static void run_status(struct fake *f, struct fake_run *r, const char *args)
{
	fake_vtel(f, r, args);
	CHECK_U64(f->violations, 0);
}

static void resolve(void)
{
	struct fake_run r;
	struct fake f;

	unit_case("no family: exit 3");
	fake_init(&f);
	f.no_family = true;
	run_status(&f, &r, "status");
	CHECK_INT(r.rc, 3);
	CHECK_STR(r.err, "vtel: vtel module not loaded (generic netlink family \"vtel\" not found)\n");
	CHECK_STR(r.out, "");
	fake_run_free(&r);
	run_status(&f, &r, "-j exits --pid 1");
	CHECK_INT(r.rc, 3);
	fake_run_free(&r);
	fake_free(&f);

	unit_case("family version 0: exit 6");
	fake_init(&f);
	f.version = 0;
	run_status(&f, &r, "vms");
	CHECK_INT(r.rc, 6);
	CHECK_HAS(r.err, "interface version 0, this tool needs 1 or newer");
	CHECK_U64(unit_lines(r.err), 1);
	fake_run_free(&r);
	fake_free(&f);

	unit_case("newer family version is accepted");
	fake_init(&f);
	f.version = 7;
	run_status(&f, &r, "status");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "interface version 7");
	fake_run_free(&r);
	fake_free(&f);

	unit_case("command missing from the family: exit 6");
	fake_init(&f);
	f.ops &= ~(1ULL << VTEL_CMD_GET_EXITS);
	run_status(&f, &r, "exits");
	CHECK_INT(r.rc, 6);
	CHECK_STR(r.err, "vtel: the vtel module does not support GET_EXITS (module too old or too new for this tool)\n");
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_VIEW);
	fake_run_free(&r);
	fake_free(&f);

	unit_case("no events group: exit 6");
	fake_init(&f);
	f.events_group = -1;
	run_status(&f, &r, "events");
	CHECK_INT(r.rc, 6);
	CHECK_HAS(r.err, "does not support VM_EVENT");
	fake_run_free(&r);
	fake_free(&f);

	unit_case("controller reply without family id: exit 1");
	fake_init(&f);
	f.malform = MAL_CTRL_NO_ID;
	run_status(&f, &r, "status");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "malformed reply to CTRL_CMD_GETFAMILY: controller reply without CTRL_ATTR_FAMILY_ID");
	fake_run_free(&r);
	fake_free(&f);

	unit_case("kernel never answers: exit 1, no hang");
	fake_init(&f);
	f.silent = true;
	run_status(&f, &r, "status");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "timed out");
	fake_run_free(&r);
	fake_free(&f);

	unit_case("stale messages before the replies are skipped");
	fake_init(&f);
	f.stale_first = true;
	run_status(&f, &r, "-j exits --pid 4242");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "\"reason\":\"io\"");
	fake_run_free(&r);
	fake_free(&f);
}

static void dump_intr(void)
{
	struct fake_run r;
	struct fake f;

	unit_case("interrupted twice, then consistent");
	fake_init(&f);
	f.intr_dumps = 2;
	run_status(&f, &r, "-j vms");
	CHECK_INT(r.rc, 0);
	CHECK_U64(f.requests, 4);	/* ctrl + 3 tries */
	/* Records of the interrupted tries were dropped: 2 VMs, not 6. */
	CHECK_HAS(r.out, "\"vm_id\":2");
	CHECK_LACKS(strstr(r.out, "\"vm_id\":2") + 1, "\"vm_id\":1");
	fake_run_free(&r);
	fake_free(&f);

	unit_case("interrupted every time: exit 1");
	fake_init(&f);
	f.intr_dumps = 100;
	run_status(&f, &r, "vms");
	CHECK_INT(r.rc, 1);
	CHECK_U64(f.requests, 1 + VTEL_DUMP_TRIES);
	CHECK_STR(r.err, "vtel: GET_VMS was interrupted 5 times by VMs coming and going; try again\n");
	fake_run_free(&r);
	fake_free(&f);
}

static void statuses(void)
{
	static const struct {
		int cmd, err;
		const char *msg, *args;
		int rc;
		const char *want;
	} c[] = {
		{ VTEL_CMD_GET_VIEW, -EPERM, NULL, "exits --pid 4242", 4,
		  "vtel: permission denied: GET_VIEW needs CAP_PERFMON or CAP_SYS_ADMIN (or the module parameter unprivileged_read=1)\n" },
		{ VTEL_CMD_GET_VMS, -EACCES, NULL, "vms", 4, "GET_VMS needs CAP_PERFMON" },
		{ VTEL_CMD_GET_VMS, -EPERM,
		  "per-VM exit timings need CAP_PERFMON (or unprivileged_read=1)", "vms", 4,
		  "vtel: permission denied: GET_VMS: per-VM exit timings need CAP_PERFMON (or unprivileged_read=1)\n" },
		{ VTEL_CMD_RESET, -EPERM, NULL, "reset", 4,
		  "vtel: permission denied: RESET needs CAP_NET_ADMIN\n" },
		{ VTEL_CMD_SET_CONFIG, -EPERM, NULL, "config slow_ns=1", 4,
		  "SET_CONFIG needs CAP_NET_ADMIN" },
		{ VTEL_CMD_GET_EXITS, -ENOENT, "VM went away", "exits --vm 1", 5,
		  "vtel: VM 1: VM went away\n" },
		{ VTEL_CMD_GET_VIEW, -ENOENT, NULL, "exits --vm 1 --vcpu 0", 5,
		  "vtel: VM 1 vCPU 0: not found\n" },
		{ VTEL_CMD_GET_STATUS, -EOPNOTSUPP, NULL, "status", 6,
		  "vtel: GET_STATUS is not supported by the vtel module\n" },
		{ VTEL_CMD_GET_CONFIG, -EINVAL, "attribute type 3 unexpected", "config", 1,
		  "vtel: GET_CONFIG: Invalid argument: attribute type 3 unexpected\n" },
		{ VTEL_CMD_GET_VMS, -ENOMEM, NULL, "vms", 1,
		  "vtel: GET_VMS: Cannot allocate memory\n" },
		{ VTEL_CMD_GET_EXITS, -EBUSY, "busy", "hist io", 1,
		  "vtel: GET_EXITS: Device or resource busy: busy\n" },
		{ VTEL_CMD_GET_CGROUPS, -EPERM, NULL, "cgroups", 4,
		  "vtel: permission denied: GET_CGROUPS needs CAP_PERFMON" },
		{ VTEL_CMD_GET_EXITS, -EBUSY, "busy", "hist io", 1,
		  "vtel: GET_EXITS: Device or resource busy: busy\n" },
	};
	struct fake_run r;
	struct fake f;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			unit_case("%s %s: '%s' exits %d%s", vtel_cmd_name(c[i].cmd),
				  strerror(-c[i].err), c[i].args, c[i].rc,
				  pass ? " (uncapped, in DONE)" : "");
			fake_init(&f);
			f.fail_cmd = c[i].cmd;
			f.fail_err = c[i].err;
			f.fail_msg = c[i].msg;
			f.uncapped = pass;
			f.fail_in_done = pass;
			run_status(&f, &r, c[i].args);
			CHECK_INT(r.rc, c[i].rc);
			CHECK_HAS(r.err, c[i].want);
			CHECK_U64(unit_lines(r.err), 1);
			fake_run_free(&r);
			fake_free(&f);
		}
	}
}

UNIT_SUITE(nl_tests, T(process_basic), T(process_errors), T(process_fuzz),
	   T(resolve), T(dump_intr), T(statuses));
