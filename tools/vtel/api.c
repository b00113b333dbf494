// SPDX-License-Identifier: GPL-2.0
/*
 * The vtel commands as functions. Requests carry exactly the attributes
 * the ABI lists for each command (the kernel's policies are strict).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "api.h"
#include "nl.h"

/* Replies of dumps: one record per message, validated. */
struct collect {
	struct vtel_list *l;
	const int *need;
	const char *what;
};

static int collect_one(const struct nlmsghdr *nlh, void *arg)
{
	struct collect *c = arg;
	struct vtel_rec *r = vtel_list_add(c->l);
	int err;

	if (!r)
		return -ENOMEM;
	err = vtel_rec_parse(nlh, r);
	if (!err)
		err = vtel_rec_require(r, c->need, c->what);
	if (err) {
		vtel_rec_free(r);
		c->l->n--;
	}
	return err;
}

static void collect_restart(void *arg)
{
	struct collect *c = arg;

	vtel_list_clear(c->l);
}

/* The reply of a do request: exactly one message. */
struct single {
	struct vtel_rec *r;
	unsigned int n;
};

static int single_one(const struct nlmsghdr *nlh, void *arg)
{
	struct single *s = arg;

	if (s->n++)
		return vtel_model_set_error("more than one reply message");
	return vtel_rec_parse(nlh, s->r);
}

static int do_single(struct vtel_ctx *ctx, struct nl_msg *msg,
		     struct vtel_rec *r)
{
	struct single s = { .r = r };
	int err;

	memset(r, 0, sizeof(*r));
	err = vtel_transact(ctx, msg, false, single_one, &s, NULL);
	if (!err && !s.n)
		err = vtel_model_set_error("no reply message");
	if (err)
		vtel_rec_free(r);
	return err;
}

/*
 * The selector's attributes. A --cgroup-dir is opened here and sent as
 * VTEL_A_CGROUP_FD; *fd is then to be closed after the request.
 */
static int put_sel(struct vtel_ctx *ctx, struct nl_msg *msg,
		   const struct vtel_sel *sel, int *fd)
{
	*fd = -1;
	if (sel->has_vm && nla_put_u32(msg, VTEL_A_VM_ID, sel->vm_id))
		return -ENOMEM;
	if (!sel->has_vm && sel->has_pid &&
	    nla_put_u32(msg, VTEL_A_PID, sel->pid))
		return -ENOMEM;
	if (sel->has_vcpu && nla_put_u32(msg, VTEL_A_VCPU_ID, sel->vcpu_id))
		return -ENOMEM;
	if (sel->has_cgroup_id) {
		if (nla_put_u64(msg, VTEL_A_CGROUP_ID, sel->cgroup_id))
			return -ENOMEM;
	} else if (sel->cgroup_path) {
		char path[4096];

		vtel_cgroup_path_norm(sel->cgroup_path, path, sizeof(path));
		if (nla_put_string(msg, VTEL_A_CGROUP_PATH, path))
			return -ENOMEM;
	} else if (sel->cgroup_dir) {
		*fd = open(sel->cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fd < 0) {
			int err = -errno;

			snprintf(ctx->extack, sizeof(ctx->extack), "%s",
				 strerror(-err));
			return err;
		}
		if (nla_put_u32(msg, VTEL_A_CGROUP_FD, (uint32_t)*fd))
			return -ENOMEM;
	}
	return 0;
}

/* Sends a request with a selector; closes the --cgroup-dir fd after. */
static int sel_transact(struct vtel_ctx *ctx, struct nl_msg *msg,
			const struct vtel_sel *sel, uint32_t flags, bool dump,
			vtel_msg_fn fn, void *arg, void (*restart)(void *arg))
{
	int fd, err;

	if (sel->own)
		flags |= VTEL_F_CGROUP_OWN;
	err = put_sel(ctx, msg, sel, &fd);
	if (!err && flags && nla_put_u32(msg, VTEL_A_FLAGS, flags))
		err = -ENOMEM;
	if (err) {
		if (fd >= 0)
			close(fd);
		nlmsg_free(msg);
		return err;
	}
	err = vtel_transact(ctx, msg, dump, fn, arg, restart);
	if (fd >= 0)
		close(fd);
	return err;
}

void vtel_sel_describe(const struct vtel_sel *sel, char *buf, size_t size)
{
	int n = 0;

	if (sel->has_vm)
		n = snprintf(buf, size, "VM %u", sel->vm_id);
	else if (sel->has_pid)
		n = snprintf(buf, size, "pid %u", sel->pid);
	else if (sel->has_cgroup_id)
		n = snprintf(buf, size, "cgroup id %llu",
			     (unsigned long long)sel->cgroup_id);
	else if (sel->cgroup_path)
		n = snprintf(buf, size, "cgroup %.60s", sel->cgroup_path);
	else if (sel->cgroup_dir)
		n = snprintf(buf, size, "cgroup directory %.60s", sel->cgroup_dir);
	else
		n = snprintf(buf, size, "host");
	if (n < 0 || (size_t)n >= size)
		return;
	if (sel->has_vcpu)
		snprintf(buf + n, size - n, " vCPU %u", sel->vcpu_id);
	else if (sel->own)
		snprintf(buf + n, size - n, " (own)");
}

/*
 * --cgroup takes a cgroup path ("/tenant-a/vm1"), the same relative to the
 * cgroup2 mount ("tenant-a/vm1"), or a directory under /sys/fs/cgroup.
 * The kernel wants the first form.
 */
void vtel_cgroup_path_norm(const char *in, char *out, size_t size)
{
	static const char mnt[] = "/sys/fs/cgroup";
	size_t n = sizeof(mnt) - 1;

	if (!strncmp(in, mnt, n) && (in[n] == '/' || !in[n]))
		in += n;
	while (in[0] == '/' && in[1] == '/')
		in++;
	if (in[0] == '/')
		snprintf(out, size, "%s", in);
	else
		snprintf(out, size, "/%s", in);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

int vtel_get_status(struct vtel_ctx *ctx, struct vtel_rec *r)
{
	struct nl_msg *msg;
	int err;

	err = vtel_msg_new(ctx, VTEL_CMD_GET_STATUS, false, &msg);
	if (err)
		return err;
	return do_single(ctx, msg, r);
}

int vtel_get_vms(struct vtel_ctx *ctx, struct vtel_list *l)
{
	struct collect c = {
		.l = l, .need = (const int[]){ VTEL_A_VM_ID, 0 }, .what = "GET_VMS reply",
	};
	struct nl_msg *msg;
	int err;

	err = vtel_msg_new(ctx, VTEL_CMD_GET_VMS, true, &msg);
	if (err)
		return err;
	return vtel_transact(ctx, msg, true, collect_one, &c, collect_restart);
}

int vtel_get_vcpus(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		   struct vtel_list *l)
{
	struct collect c = {
		.l = l, .need = (const int[]){ VTEL_A_VCPU_ID, 0 },
		.what = "GET_VCPUS reply",
	};
	struct vtel_sel vm = *sel;
	struct nl_msg *msg;
	int err;

	vm.has_vcpu = false;
	vtel_sel_describe(&vm, ctx->subject, sizeof(ctx->subject));
	err = vtel_msg_new(ctx, VTEL_CMD_GET_VCPUS, true, &msg);
	if (err)
		return err;
	return sel_transact(ctx, msg, &vm, 0, true, collect_one, &c,
			    collect_restart);
}

int vtel_get_view(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		  struct vtel_rec *r)
{
	struct single s = { .r = r };
	struct nl_msg *msg;
	int err;

	memset(r, 0, sizeof(*r));
	vtel_sel_describe(sel, ctx->subject, sizeof(ctx->subject));
	err = vtel_msg_new(ctx, VTEL_CMD_GET_VIEW, false, &msg);
	if (err)
		return err;
	err = sel_transact(ctx, msg, sel, 0, false, single_one, &s, NULL);
	if (!err && !s.n)
		err = vtel_model_set_error("no reply message");
	if (err)
		vtel_rec_free(r);
	return err;
}

int vtel_get_exits(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		   uint32_t flags, const char *reason, struct vtel_list *l)
{
	struct collect c = {
		.l = l, .need = (const int[]){ VTEL_A_REASON, 0 },
		.what = "GET_EXITS reply",
	};
	struct nl_msg *msg;
	int err, n;

	n = 0;
	vtel_sel_describe(sel, ctx->subject, sizeof(ctx->subject));
	if (reason) {
		n = (int)strlen(ctx->subject);
		snprintf(ctx->subject + n, sizeof(ctx->subject) - n,
			 ", reason \"%.40s\"", reason);
	}
	err = vtel_msg_new(ctx, VTEL_CMD_GET_EXITS, true, &msg);
	if (err)
		return err;
	if (reason && nla_put_string(msg, VTEL_A_REASON, reason)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return sel_transact(ctx, msg, sel, flags, true, collect_one, &c,
			    collect_restart);
}

int vtel_get_addrs(struct vtel_ctx *ctx, const struct vtel_sel *sel,
		   struct vtel_list *l)
{
	struct collect c = {
		.l = l, .need = (const int[]){ VTEL_A_ADDR_KIND, VTEL_A_COUNT, 0 },
		.what = "GET_ADDRS reply",
	};
	struct nl_msg *msg;
	int err;

	vtel_sel_describe(sel, ctx->subject, sizeof(ctx->subject));
	err = vtel_msg_new(ctx, VTEL_CMD_GET_ADDRS, true, &msg);
	if (err)
		return err;
	return sel_transact(ctx, msg, sel, 0, true, collect_one, &c,
			    collect_restart);
}

int vtel_get_cgroups(struct vtel_ctx *ctx, struct vtel_list *l)
{
	struct collect c = {
		.l = l, .need = (const int[]){ VTEL_A_CGROUP_ID, 0 },
		.what = "GET_CGROUPS reply",
	};
	struct nl_msg *msg;
	int err;

	err = vtel_msg_new(ctx, VTEL_CMD_GET_CGROUPS, true, &msg);
	if (err)
		return err;
	return vtel_transact(ctx, msg, true, collect_one, &c, collect_restart);
}

int vtel_reset(struct vtel_ctx *ctx)
{
	struct nl_msg *msg;
	int err;

	err = vtel_msg_new(ctx, VTEL_CMD_RESET, false, &msg);
	if (err)
		return err;
	return vtel_transact(ctx, msg, false, NULL, NULL, NULL);
}

struct config_reply {
	struct vtel_config *c;
	unsigned int n;
};

static int config_one(const struct nlmsghdr *nlh, void *arg)
{
	struct config_reply *cr = arg;

	if (cr->n++)
		return vtel_model_set_error("more than one reply message");
	return vtel_config_parse(nlh, cr->c);
}

int vtel_get_config(struct vtel_ctx *ctx, struct vtel_config *c)
{
	struct config_reply cr = { .c = c };
	struct nl_msg *msg;
	int err;

	err = vtel_msg_new(ctx, VTEL_CMD_GET_CONFIG, false, &msg);
	if (err)
		return err;
	err = vtel_transact(ctx, msg, false, config_one, &cr, NULL);
	if (!err && !cr.n)
		err = vtel_model_set_error("no reply message");
	return err;
}

static int put_slow_overrides(struct nl_msg *msg, const struct vtel_config *c)
{
	struct nlattr *o;
	unsigned int i;

	for (i = 0; i < c->n_slow; i++) {
		o = nla_nest_start(msg, VTEL_C_SLOW_OVERRIDE | NLA_F_NESTED);
		if (!o || nla_put_string(msg, VTEL_S_REASON, c->slow[i].reason) ||
		    (!c->slow[i].clear &&
		     nla_put_u64(msg, VTEL_S_NS, c->slow[i].ns)))
			return -1;
		nla_nest_end(msg, o);
	}
	return 0;
}

int vtel_set_config(struct vtel_ctx *ctx, const struct vtel_config *c)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int err;

	err = vtel_msg_new(ctx, VTEL_CMD_SET_CONFIG, false, &msg);
	if (err)
		return err;
	nest = nla_nest_start(msg, VTEL_A_CONFIG | NLA_F_NESTED);
	if (!nest ||
	    ((c->have & (1ULL << VTEL_C_SLOW_NS)) &&
	     nla_put_u64(msg, VTEL_C_SLOW_NS, c->v[VTEL_C_SLOW_NS])) ||
	    ((c->have & (1ULL << VTEL_C_SLOW_IDLE_NS)) &&
	     nla_put_u64(msg, VTEL_C_SLOW_IDLE_NS,
			 c->v[VTEL_C_SLOW_IDLE_NS])) ||
	    put_slow_overrides(msg, c) ||
	    ((c->have & (1ULL << VTEL_C_EVENT_RATE)) &&
	     nla_put_u32(msg, VTEL_C_EVENT_RATE,
			 (uint32_t)c->v[VTEL_C_EVENT_RATE]))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return vtel_transact(ctx, msg, false, NULL, NULL, NULL);
}

int vtel_events_open(struct vtel_ctx *ctx)
{
	int err;

	ctx->cur_cmd = VTEL_CMD_VM_EVENT;
	err = vtel_resolve(ctx);
	if (err)
		return err;
	if (ctx->fam.events_group < 0)
		return -VTEL_ENOCMD;
	return ctx->io->subscribe(ctx, (unsigned int)ctx->fam.events_group);
}

int vtel_events_read(struct vtel_ctx *ctx, int timeout_ms,
		     int (*fn)(const struct vtel_rec *ev, void *arg),
		     void *arg)
{
	const struct nlmsghdr *nlh;
	const struct genlmsghdr *g;
	unsigned char *buf = NULL;
	struct vtel_rec ev;
	int n, rem, err = 0, count = 0;

	n = ctx->io->recv(ctx, &buf, timeout_ms);
	if (n <= 0)
		return n;
	nlh = (const struct nlmsghdr *)buf;
	for (rem = n; nlmsg_ok(nlh, rem);
	     nlh = nlmsg_next((struct nlmsghdr *)nlh, &rem)) {
		if (nlh->nlmsg_type != ctx->fam.id ||
		    !genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
			continue;
		g = genlmsg_hdr((struct nlmsghdr *)nlh);
		if (g->cmd != VTEL_CMD_VM_EVENT)
			continue;
		err = vtel_rec_parse(nlh, &ev);
		if (!err)
			err = vtel_rec_require(&ev, (const int[]){
					VTEL_A_EVENT, VTEL_A_VM_ID, 0 }, "VM_EVENT");
		if (err) {
			/* One bad event must not end a long-running monitor. */
			fprintf(ctx->err, "vtel: ignoring a malformed VM_EVENT: %s\n",
				vtel_model_error());
			vtel_rec_free(&ev);
			err = 0;
			continue;
		}
		err = fn(&ev, arg);
		vtel_rec_free(&ev);
		if (err)
			break;
		count++;
	}
	free(buf);
	return err ? err : count;
}
