// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink transactions and error reporting. Everything here works on
 * buffers handed over by ctx->io, so the unit tests drive it with a fake
 * kernel and malformed input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "json.h"
#include "model.h"
#include "nl.h"

static const char *const cmd_names[] = {
	[VTEL_CMD_GET_STATUS]	= "GET_STATUS",
	[VTEL_CMD_GET_VMS]	= "GET_VMS",
	[VTEL_CMD_GET_VCPUS]	= "GET_VCPUS",
	[VTEL_CMD_GET_VIEW]	= "GET_VIEW",
	[VTEL_CMD_GET_EXITS]	= "GET_EXITS",
	[VTEL_CMD_RESET]	= "RESET",
	[VTEL_CMD_GET_CONFIG]	= "GET_CONFIG",
	[VTEL_CMD_SET_CONFIG]	= "SET_CONFIG",
	[VTEL_CMD_VM_EVENT]	= "VM_EVENT",
	[VTEL_CMD_GET_CGROUPS]	= "GET_CGROUPS",
};

const char *vtel_cmd_name(int cmd)
{
	if (cmd > 0 && cmd < (int)ARRAY_SIZE(cmd_names) && cmd_names[cmd])
		return cmd_names[cmd];
	return "CTRL_CMD_GETFAMILY";
}

/* NLMSGERR_ATTR_MSG among the TLVs at off bytes into nlh's payload. */
static void parse_extack(struct vtel_ctx *ctx, const struct nlmsghdr *nlh,
			 size_t off)
{
	const struct nlattr *a;
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	int rem, len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= plen)
		return;
	a = (const struct nlattr *)((const char *)nlmsg_data(nlh) + off);
	nla_for_each_attr(a, a, (int)(plen - off), rem) {
		if (nla_type(a) != NLMSGERR_ATTR_MSG)
			continue;
		len = nla_len(a);
		if (len < 1 || !memchr(nla_data(a), '\0', len))
			continue;
		text_sanitize(ctx->extack, sizeof(ctx->extack), nla_data(a));
	}
}

static void process_error(struct vtel_ctx *ctx, struct vtel_xact *x,
			  const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off;

	x->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
		if (!x->err)
			x->err = -VTEL_EBADREPLY;
		return;
	}
	if (!e->error)
		return;			/* the ack */
	if (!x->err)
		x->err = e->error < 0 ? e->error : -e->error;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	parse_extack(ctx, nlh, NLMSG_ALIGN(off));
}

static void process_done(struct vtel_ctx *ctx, struct vtel_xact *x,
			 const struct nlmsghdr *nlh)
{
	int e;

	x->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return;			/* old kernels: no errno */
	memcpy(&e, nlmsg_data(nlh), sizeof(e));
	if (e < 0 && !x->err)
		x->err = e;
	if (e < 0)
		parse_extack(ctx, nlh, NLMSG_ALIGN(sizeof(int)));
}

void vtel_nl_process(struct vtel_ctx *ctx, struct vtel_xact *x,
		     const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT32_MAX ? INT32_MAX : (int)len, err;

	for (; !x->done && nlmsg_ok(nlh, rem); nlh = nlmsg_next((struct nlmsghdr *)nlh, &rem)) {
		if (nlh->nlmsg_seq != x->seq)
			continue;	/* stale: an earlier, abandoned request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			x->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_OVERRUN:
			x->done = true;
			if (!x->err)
				x->err = -EOVERFLOW;
			break;
		case NLMSG_ERROR:
			process_error(ctx, x, nlh);
			break;
		case NLMSG_DONE:
			process_done(ctx, x, nlh);
			break;
		default:
			if (x->err || !x->fn)
				break;
			err = x->fn(nlh, x->arg);
			if (err < 0)
				x->err = err;
			break;
		}
	}
}

static int ctrl_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct vtel_ctrl_family *f = arg;

	return vtel_ctrl_parse(nlh, VTEL_MCGRP_EVENTS, f);
}

int vtel_resolve(struct vtel_ctx *ctx)
{
	struct vtel_ctrl_family f = { .id = -1 };
	struct nl_msg *msg;
	int err, cmd;

	if (ctx->resolved)
		return 0;
	if (!ctx->opened) {
		err = ctx->io->open(ctx);
		if (err)
			return err;
		ctx->opened = true;
	}
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			 NLM_F_ACK, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VTEL_GENL_NAME)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	cmd = ctx->cur_cmd;
	ctx->cur_cmd = 0;	/* errors until the end are the controller's */
	err = vtel_transact(ctx, msg, false, ctrl_reply, &f, NULL);
	if (err == -ENOENT)
		return -VTEL_ENOFAMILY;
	if (err)
		return err;
	if (f.id <= 0) {
		return vtel_model_set_error("no reply to CTRL_CMD_GETFAMILY");
	}
	ctx->fam.id = f.id;
	ctx->fam.version = f.version;
	ctx->fam.have_ops = f.have_ops;
	ctx->fam.ops = f.ops;
	ctx->fam.events_group = f.events_group;
	if (f.version < VTEL_GENL_VERSION)
		return -VTEL_EVERSION;
	ctx->cur_cmd = cmd;
	ctx->resolved = true;
	return 0;
}

void vtel_close(struct vtel_ctx *ctx)
{
	if (ctx->opened && ctx->io->close)
		ctx->io->close(ctx);
	ctx->opened = false;
	ctx->resolved = false;
}

int vtel_msg_new(struct vtel_ctx *ctx, int cmd, bool dump,
		 struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	ctx->cur_cmd = cmd;
	err = vtel_resolve(ctx);
	if (err)
		return err;
	ctx->cur_cmd = cmd;
	if (ctx->fam.have_ops && !(ctx->fam.ops & (1ULL << cmd)))
		return -VTEL_ENOCMD;
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->fam.id, 0,
			 dump ? NLM_F_DUMP : NLM_F_ACK, cmd,
			 VTEL_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

int vtel_transact(struct vtel_ctx *ctx, struct nl_msg *msg, bool dump,
		  vtel_msg_fn fn, void *arg, void (*restart)(void *arg))
{
	struct vtel_xact x;
	unsigned char *buf;
	unsigned int attempt;
	int n, err = 0;

	for (attempt = 1; ; attempt++) {
		memset(&x, 0, sizeof(x));
		x.seq = ++ctx->seq;
		x.dump = dump;
		x.fn = fn;
		x.arg = arg;
		nlmsg_hdr(msg)->nlmsg_seq = x.seq;
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_REQUEST;
		ctx->extack[0] = '\0';

		err = ctx->io->send(ctx, msg);
		while (!err && !x.done) {
			buf = NULL;
			n = ctx->io->recv(ctx, &buf, VTEL_REPLY_TIMEOUT_MS);
			if (n == -EINTR && !(ctx->stop && *ctx->stop))
				continue;
			if (n <= 0) {
				err = n ? n : -ETIMEDOUT;
				break;
			}
			vtel_nl_process(ctx, &x, buf, (size_t)n);
			free(buf);
		}
		if (!err)
			err = x.err;
		if (err || !x.intr)
			break;
		if (attempt >= VTEL_DUMP_TRIES) {
			err = -VTEL_EDUMPINTR;
			break;
		}
		ctx->dump_retries++;
		if (restart)
			restart(arg);
	}
	nlmsg_free(msg);
	return err;
}

int vtel_errno_status(int err)
{
	switch (-err) {
	case 0:
		return VTEL_EXIT_OK;
	case VTEL_EUSAGE:
		return VTEL_EXIT_USAGE;
	case VTEL_ENOFAMILY:
		return VTEL_EXIT_NOMOD;
	case EPERM:
	case EACCES:
		return VTEL_EXIT_PERM;
	case ENOENT:
		return VTEL_EXIT_NOENT;
	case EOPNOTSUPP:
	case VTEL_EVERSION:
	case VTEL_ENOCMD:
		return VTEL_EXIT_VERSION;
	default:
		return VTEL_EXIT_ERROR;
	}
}

static bool admin_cmd(int cmd)
{
	return cmd == VTEL_CMD_RESET || cmd == VTEL_CMD_SET_CONFIG;
}

int vtel_report(struct vtel_ctx *ctx, int err)
{
	const char *cmd = vtel_cmd_name(ctx->cur_cmd);
	const char *ea = ctx->extack;
	const char *sep = ea[0] ? ": " : "";
	FILE *f = ctx->err;

	switch (-err) {
	case 0:
	case VTEL_EUSAGE:
		break;
	case VTEL_ENOFAMILY:
		fprintf(f, "vtel: vtel module not loaded (generic netlink family \"%s\" not found)\n",
			VTEL_GENL_NAME);
		break;
	case VTEL_EVERSION:
		fprintf(f, "vtel: the vtel module has interface version %u, this tool needs %d or newer\n",
			ctx->fam.version, VTEL_GENL_VERSION);
		break;
	case VTEL_ENOCMD:
		fprintf(f, "vtel: the vtel module does not support %s (module too old or too new for this tool)\n",
			cmd);
		break;
	case EOPNOTSUPP:
		fprintf(f, "vtel: %s is not supported by the vtel module%s%s\n",
			cmd, sep, ea);
		break;
	case EPERM:
	case EACCES:
		if (ctx->cur_cmd == VTEL_CMD_VM_EVENT)
			fprintf(f, "vtel: permission denied: joining the vtel \"%s\" multicast group%s%s\n",
				VTEL_MCGRP_EVENTS, sep, ea);
		else if (ea[0])		/* the module says what it needs */
			fprintf(f, "vtel: permission denied: %s: %s\n", cmd, ea);
		else if (admin_cmd(ctx->cur_cmd))
			fprintf(f, "vtel: permission denied: %s needs CAP_NET_ADMIN\n",
				cmd);
		else
			fprintf(f, "vtel: permission denied: %s needs CAP_PERFMON or CAP_SYS_ADMIN (or the module parameter unprivileged_read=1)\n",
				cmd);
		break;
	case ENOENT:
		if (ctx->subject[0])
			fprintf(f, "vtel: %s: %s\n", ctx->subject,
				ea[0] ? ea : "not found");
		else
			fprintf(f, "vtel: not found%s%s\n", sep, ea);
		break;
	case VTEL_EBADREPLY:
		fprintf(f, "vtel: malformed reply to %s: %s\n", cmd,
			vtel_model_error());
		break;
	case VTEL_EDUMPINTR:
		fprintf(f, "vtel: %s was interrupted %d times by VMs coming and going; try again\n",
			cmd, VTEL_DUMP_TRIES);
		break;
	default:
		fprintf(f, "vtel: %s: %s%s%s\n", cmd, strerror(-err), sep, ea);
		break;
	}
	return vtel_errno_status(err);
}
