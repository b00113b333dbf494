// SPDX-License-Identifier: GPL-2.0
/*
 * vtel-nlprobe: the real transport (nlsock.c) and the transaction code
 * (nl.c) against this machine's kernel, using the generic netlink
 * controller, which every kernel has: a multi-part dump, a do request with
 * its ack, an -ENOENT, and a policy error (a family name longer than
 * GENL_NAMSIZ) with the kernel's extack message.
 * Prints ok/not ok lines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/genetlink.h>

#include "model.h"
#include "nl.h"
#include "term.h"

static int passed, failed;

static void report(const char *name, bool ok, const char *why)
{
	if (ok) {
		passed++;
		printf("ok - nlprobe: %s\n", name);
	} else {
		failed++;
		printf("not ok - nlprobe: %s: %s\n", name, why);
	}
}

struct fams {
	int n;
	bool nlctrl;
};

static int one_family(const struct nlmsghdr *nlh, void *arg)
{
	struct fams *s = arg;
	struct vtel_ctrl_family f;
	int err = vtel_ctrl_parse(nlh, "notify", &f);

	if (err)
		return err;
	s->n++;
	if (f.id == GENL_ID_CTRL && f.events_group > 0)
		s->nlctrl = true;
	return 0;
}

static struct nl_msg *ctrl_msg(int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, flags,
		    CTRL_CMD_GETFAMILY, 1);
	return m;
}

int main(void)
{
	struct vtel_ctx ctx = {
		.out = { .f = stdout }, .err = stderr, .io = &vtel_nlsock_io,
		.mono_ns = clock_mono_ns, .wall_ns = clock_wall_ns,
	};
	struct fams s = { 0 };
	struct nl_msg *m;
	char why[200];
	int err;

	err = ctx.io->open(&ctx);
	if (err) {
		snprintf(why, sizeof(why), "cannot open a generic netlink socket: %s",
			 strerror(-err));
		report("socket", false, why);
		printf("vtel-nlprobe: %d passed, %d failed\n", passed, failed);
		return 1;
	}
	ctx.opened = true;

	err = vtel_transact(&ctx, ctrl_msg(NLM_F_DUMP), true, one_family, &s, NULL);
	snprintf(why, sizeof(why), "err %d, %d families, nlctrl %s", err, s.n,
		 s.nlctrl ? "seen" : "missing");
	report("dump of every family, in several messages", !err && s.n > 1 && s.nlctrl, why);

	memset(&s, 0, sizeof(s));
	m = ctrl_msg(NLM_F_ACK);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	err = vtel_transact(&ctx, m, false, one_family, &s, NULL);
	snprintf(why, sizeof(why), "err %d, %d replies", err, s.n);
	report("do request: one reply, then the ack", !err && s.n == 1 && s.nlctrl, why);

	m = ctrl_msg(NLM_F_ACK);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "vtelnosuch");
	err = vtel_transact(&ctx, m, false, one_family, &s, NULL);
	snprintf(why, sizeof(why), "err %d", err);
	report("unknown family: -ENOENT", err == -ENOENT, why);

	/* Longer than GENL_NAMSIZ: the controller's policy rejects it. */
	m = ctrl_msg(NLM_F_ACK);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "a-name-longer-than-genl-namsiz");
	err = vtel_transact(&ctx, m, false, one_family, &s, NULL);
	snprintf(why, sizeof(why), "err %d, extack \"%.150s\"", err, ctx.extack);
	report("policy error with the kernel's extack message",
	       err < 0 && err != -ENOENT && ctx.extack[0], why);
	printf("# kernel said: %s (%s)\n", ctx.extack, strerror(-err));

	vtel_close(&ctx);
	printf("vtel-nlprobe: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
