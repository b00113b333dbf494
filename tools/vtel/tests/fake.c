// SPDX-License-Identifier: GPL-2.0
/* The fake vtel kernel; see fake.h. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fake.h"

static struct fake *fake_cur;

/* ---- the reply queue ---------------------------------------------------- */

static unsigned char *build;
static size_t build_len;
static unsigned int build_msgs;

static void q_flush(struct fake *f)
{
	if (!build_len)
		return;
	if (f->qtail - f->qhead < FAKE_QUEUE) {
		f->q[f->qtail % FAKE_QUEUE] = build;
		f->qlen[f->qtail % FAKE_QUEUE] = (int)build_len;
		f->qtail++;
	} else {
		free(build);
	}
	build = NULL;
	build_len = 0;
	build_msgs = 0;
}

static void q_append(const void *data, size_t len)
{
	build = realloc(build, build_len + len);
	memcpy(build + build_len, data, len);
	build_len += len;
	build_msgs++;
}

/* Appends msg; a buffer holds at most two messages. */
static void q_msg(struct fake *f, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	q_append(nlh, NLMSG_ALIGN(nlh->nlmsg_len));
	nlmsg_free(msg);
	if (build_msgs >= 2)
		q_flush(f);
}

/* NLMSG_ERROR (err, extack msg) or, with err 0, the ack. */
static void q_error(struct fake *f, const struct nlmsghdr *req, int err,
		    const char *text)
{
	size_t payload = f->uncapped && err ? sizeof(int) + req->nlmsg_len :
			 sizeof(struct nlmsgerr);
	size_t tlv = text ? NLA_ALIGN(NLA_HDRLEN + strlen(text) + 1) : 0;
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(payload) + tlv;
	unsigned char *b = calloc(1, len);
	struct nlmsghdr *h = (struct nlmsghdr *)b;
	struct nlmsgerr *e = (struct nlmsgerr *)(b + NLMSG_HDRLEN);
	struct nlattr *a;

	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = (f->uncapped && err ? 0 : NLM_F_CAPPED) |
			 (text ? NLM_F_ACK_TLVS : 0);
	h->nlmsg_seq = req->nlmsg_seq;
	e->error = err;
	memcpy(&e->msg, req, f->uncapped && err ? req->nlmsg_len : sizeof(*req));
	if (text) {
		a = (struct nlattr *)(b + NLMSG_HDRLEN + NLMSG_ALIGN(payload));
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(text) + 1);
		if (f->malform == MAL_BAD_EXTACK)
			a->nla_len = 400;
		memcpy((char *)a + NLA_HDRLEN, text, strlen(text) + 1);
	}
	if (f->malform == MAL_TRUNC_ERR && err)
		h->nlmsg_len = NLMSG_HDRLEN + 2;
	q_append(b, len);
	free(b);
	q_flush(f);
}

static void q_done(struct fake *f, const struct nlmsghdr *req, int err,
		   const char *text)
{
	size_t tlv = text ? NLA_ALIGN(NLA_HDRLEN + strlen(text) + 1) : 0;
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int)) + tlv;
	unsigned char *b = calloc(1, len);
	struct nlmsghdr *h = (struct nlmsghdr *)b;
	struct nlattr *a;

	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_flags = NLM_F_MULTI | (text ? NLM_F_ACK_TLVS : 0);
	h->nlmsg_seq = req->nlmsg_seq;
	memcpy(b + NLMSG_HDRLEN, &err, sizeof(err));
	if (text) {
		a = (struct nlattr *)(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int)));
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(text) + 1);
		memcpy((char *)a + NLA_HDRLEN, text, strlen(text) + 1);
	}
	q_append(b, len);
	free(b);
	q_flush(f);
}

/* ---- message building, the module's way ---------------------------------- */

static struct nl_msg *reply(struct fake *f, const struct nlmsghdr *req,
			    int cmd, bool multi)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);

	genlmsg_put(msg, 0, req->nlmsg_seq, f->family_id, 0,
		    multi ? NLM_F_MULTI : 0, (uint8_t)cmd, VTEL_GENL_VERSION);
	return msg;
}

/* nla_put_u64_64bit(): a PAD attribute aligns the payload to 8 bytes. */
static void put_u64(struct nl_msg *msg, int attr, uint64_t v)
{
	if ((nlmsg_hdr(msg)->nlmsg_len + NLA_HDRLEN) % 8)
		nla_put(msg, VTEL_A_PAD, 0, NULL);
	nla_put_u64(msg, attr, v);
}

static uint32_t ppm(uint64_t h, uint64_t g)
{
	return h + g ? (uint32_t)((unsigned __int128)h * 1000000 / (h + g)) : 0;
}

/*
 * The time split the module sends after the guest time: handling h is
 * vmm + wait + idle + kvm; halt polling is half of idle. Then the overhead
 * (kvm + vmm) / (guest + kvm + vmm) and, at the end, wait_ppm.
 */
static void put_split(struct nl_msg *msg, uint64_t h, uint64_t g, uint64_t vmm,
		      uint64_t wait, uint64_t idle)
{
	uint64_t kvm = h - vmm - wait - idle;

	put_u64(msg, VTEL_A_KVM_NS, kvm);
	put_u64(msg, VTEL_A_VMM_NS, vmm);
	put_u64(msg, VTEL_A_WAIT_NS, wait);
	put_u64(msg, VTEL_A_IDLE_NS, idle);
	put_u64(msg, VTEL_A_POLL_NS, idle / 2);
	nla_put_u32(msg, VTEL_A_OVERHEAD_PPM, ppm(kvm + vmm, g));
	nla_put_u32(msg, VTEL_A_WAIT_PPM, ppm(wait, g + kvm + vmm));
}

static void put_vm(struct fake *f, struct nl_msg *msg, const struct fake_vm *vm)
{
	uint64_t add = f->tick * f->step;

	if (f->malform == MAL_WRONG_SIZE)
		nla_put_u16(msg, VTEL_A_VM_ID, (uint16_t)vm->id);
	else if (f->malform != MAL_MISSING_KEY)
		nla_put_u32(msg, VTEL_A_VM_ID, vm->id);
	nla_put_u32(msg, VTEL_A_PID, vm->pid);
	if (f->malform == MAL_NO_NUL)
		nla_put(msg, VTEL_A_COMM, (int)strlen(vm->comm), vm->comm);
	else
		nla_put_string(msg, VTEL_A_COMM, vm->comm);
	nla_put_u8(msg, VTEL_A_VM_STATE, vm->state);
	nla_put_u32(msg, VTEL_A_VCPUS, vm->vcpus);
	put_u64(msg, VTEL_A_EXITS, vm->exits + add);
	put_u64(msg, VTEL_A_HANDLING_NS, vm->handling_ns + add * 1000);
	put_u64(msg, VTEL_A_GUEST_NS, vm->guest_ns + add * 9000);
	put_split(msg, vm->handling_ns + add * 1000, vm->guest_ns + add * 9000,
		  vm->vmm_ns, vm->wait_ns, vm->idle_ns);
	put_u64(msg, VTEL_A_SLOW_EXITS, vm->slow);
	if (f->malform == MAL_TRUNC_ATTR) {
		struct nlmsghdr *h = nlmsg_hdr(msg);
		struct nlattr *last = (struct nlattr *)((char *)h + h->nlmsg_len - NLA_HDRLEN - 8);

		last->nla_len = 64;	/* runs past the end */
	}
}

static void put_hist(struct fake *f, struct nl_msg *msg,
		     const struct fake_reason *r)
{
	struct nlattr *hist, *b;
	unsigned int i, n = r->nhist;

	hist = nla_nest_start(msg, VTEL_A_HIST | NLA_F_NESTED);
	if (f->malform == MAL_TOO_MANY_BUCKETS)
		n = 513;	/* VTEL_HIST_MAX + 1 */
	for (i = 0; i < n; i++) {
		b = nla_nest_start(msg, VTEL_A_HIST_BUCKET | NLA_F_NESTED);
		if (!(f->malform == MAL_BUCKET_NO_LE && i == 0)) {
			if ((nlmsg_hdr(msg)->nlmsg_len + NLA_HDRLEN) % 8)
				nla_put(msg, VTEL_A_BUCKET_PAD, 0, NULL);
			nla_put_u64(msg, VTEL_A_BUCKET_LE,
				    f->malform == MAL_DUP_BUCKET ? 7 :
				    i < r->nhist ? r->hist_le[i] : i);
		}
		nla_put_u64(msg, VTEL_A_BUCKET_COUNT,
			    i < r->nhist ? r->hist_count[i] : 1);
		nla_nest_end(msg, b);
	}
	nla_nest_end(msg, hist);
}

static void put_reason(struct fake *f, struct nl_msg *msg,
		       const struct fake_reason *r, bool hist)
{
	uint64_t add = f->tick * f->step;

	nla_put_string(msg, VTEL_A_REASON, r->name);
	nla_put_u32(msg, VTEL_A_REASON_CODE, r->code);
	nla_put_u8(msg, VTEL_A_ISA, r->isa);
	nla_put_string(msg, VTEL_A_CATEGORY, r->category);
	put_u64(msg, VTEL_A_COUNT, r->count + add);
	put_u64(msg, VTEL_A_TIMED, r->timed + (r->timed ? add : 0));
	put_u64(msg, VTEL_A_TOTAL_NS, r->total_ns + (r->timed ? add * 500 : 0));
	put_u64(msg, VTEL_A_MIN_NS, r->min_ns);
	put_u64(msg, VTEL_A_MAX_NS, r->max_ns);
	put_u64(msg, VTEL_A_P50_NS, r->p50);
	put_u64(msg, VTEL_A_P90_NS, r->p90);
	put_u64(msg, VTEL_A_P99_NS, r->p99);
	put_u64(msg, VTEL_A_P999_NS, r->p999);
	put_u64(msg, VTEL_A_KVM_NS, r->total_ns + (r->timed ? add * 500 : 0));
	put_u64(msg, VTEL_A_VMM_NS, 0);
	put_u64(msg, VTEL_A_WAIT_NS, 0);
	put_u64(msg, VTEL_A_IDLE_NS, 0);
	put_u64(msg, VTEL_A_POLL_NS, 0);
	if (hist)
		put_hist(f, msg, r);
}

/* ---- request checking: the ABI's strict policies ------------------------- */

#define B(a) (1ULL << (a))
#define CG_SEL (B(VTEL_A_CGROUP_ID) | B(VTEL_A_CGROUP_FD) | B(VTEL_A_CGROUP_PATH))

static uint64_t allowed(int cmd)
{
	switch (cmd) {
	case VTEL_CMD_GET_VCPUS:
		return B(VTEL_A_VM_ID) | B(VTEL_A_PID);
	case VTEL_CMD_GET_VIEW:
		return B(VTEL_A_VM_ID) | B(VTEL_A_PID) | B(VTEL_A_VCPU_ID) |
		       CG_SEL | B(VTEL_A_FLAGS);
	case VTEL_CMD_GET_EXITS:
		return B(VTEL_A_VM_ID) | B(VTEL_A_PID) | B(VTEL_A_VCPU_ID) |
		       CG_SEL | B(VTEL_A_FLAGS) | B(VTEL_A_REASON);
	case VTEL_CMD_SET_CONFIG:
		return B(VTEL_A_CONFIG);
	case VTEL_CMD_GET_ADDRS:
		return B(VTEL_A_VM_ID) | B(VTEL_A_PID) | B(VTEL_A_VCPU_ID);
	default:
		return 0;
	}
}

static bool is_dump(int cmd)
{
	return cmd == VTEL_CMD_GET_VMS || cmd == VTEL_CMD_GET_VCPUS ||
	       cmd == VTEL_CMD_GET_EXITS || cmd == VTEL_CMD_GET_CGROUPS ||
	       cmd == VTEL_CMD_GET_ADDRS;
}

static int violation(struct fake *f, const char *why)
{
	f->violations++;
	snprintf(f->violation, sizeof(f->violation), "%s", why);
	return -EINVAL;
}

static void check_slow_override(struct fake *f, const struct nlattr *o)
{
	const struct nlattr *x;
	int rem;

	if (!(o->nla_type & NLA_F_NESTED))
		violation(f, "VTEL_C_SLOW_OVERRIDE without NLA_F_NESTED");
	f->last_slow_n++;
	f->last_slow_reason[0] = '\0';
	f->last_slow_ns = UINT64_MAX;
	nla_for_each_nested(x, o, rem) {
		if (nla_type(x) == VTEL_S_REASON)
			snprintf(f->last_slow_reason, sizeof(f->last_slow_reason),
				 "%s", (const char *)nla_data(x));
		else if (nla_type(x) == VTEL_S_NS && nla_len(x) == 8)
			f->last_slow_ns = nla_get_u64(x);
		else
			violation(f, "bad attribute in VTEL_C_SLOW_OVERRIDE");
	}
}

static int check_config(struct fake *f, const struct nlattr *c)
{
	const struct nlattr *x;
	int rem, t;

	if (!(c->nla_type & NLA_F_NESTED))
		return violation(f, "VTEL_A_CONFIG without NLA_F_NESTED");
	nla_for_each_nested(x, c, rem) {
		t = nla_type(x);
		if (t == VTEL_C_SLOW_NS && nla_len(x) == 8)
			f->last_cfg[t] = nla_get_u64(x);
		else if (t == VTEL_C_SLOW_IDLE_NS && nla_len(x) == 8)
			f->last_cfg[t] = nla_get_u64(x);
		else if (t == VTEL_C_EVENT_RATE && nla_len(x) == 4)
			f->last_cfg[t] = nla_get_u32(x);
		else if (t == VTEL_C_SLOW_OVERRIDE)
			check_slow_override(f, x);
		else
			return violation(f, "config attribute not writable or wrong size");
		f->last_cfg_have |= 1ULL << t;
	}
	return 0;
}

static int check_request(struct fake *f, const struct nlmsghdr *nlh, int cmd)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	const struct nlattr *a;
	int rem, t, err;

	f->last_attrs = 0;
	f->last_reason[0] = '\0';
	f->last_cgroup_path[0] = '\0';
	f->last_cgroup_fd = -1;
	f->last_fd_was_dir = false;
	f->last_cfg_have = 0;
	f->last_slow_n = 0;
	if (!(nlh->nlmsg_flags & NLM_F_REQUEST))
		return violation(f, "no NLM_F_REQUEST");
	if (is_dump(cmd) != ((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP))
		return violation(f, "dump flag does not match the command");
	if (!is_dump(cmd) && !(nlh->nlmsg_flags & NLM_F_ACK))
		return violation(f, "do request without NLM_F_ACK");
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		t = nla_type(a);
		if (t > VTEL_A_MAX || !(allowed(cmd) & B(t)))
			return violation(f, "attribute not in the command's policy");
		f->last_attrs |= B(t);
		switch (t) {
		case VTEL_A_VM_ID:
		case VTEL_A_PID:
		case VTEL_A_VCPU_ID:
		case VTEL_A_FLAGS:
			if (nla_len(a) != 4)
				return violation(f, "u32 attribute of the wrong size");
			if (t == VTEL_A_VM_ID)
				f->last_vm_id = nla_get_u32(a);
			else if (t == VTEL_A_PID)
				f->last_pid = nla_get_u32(a);
			else if (t == VTEL_A_VCPU_ID)
				f->last_vcpu_id = nla_get_u32(a);
			else
				f->last_flags_attr = nla_get_u32(a);
			break;
		case VTEL_A_REASON:
		case VTEL_A_CGROUP_PATH:
			if (nla_len(a) < 1 || ((char *)nla_data(a))[nla_len(a) - 1])
				return violation(f, "string not NUL-terminated");
			if (t == VTEL_A_REASON)
				snprintf(f->last_reason, sizeof(f->last_reason),
					 "%s", (char *)nla_data(a));
			else
				snprintf(f->last_cgroup_path,
					 sizeof(f->last_cgroup_path), "%s",
					 (char *)nla_data(a));
			break;
		case VTEL_A_CGROUP_ID:
			if (nla_len(a) != 8)
				return violation(f, "CGROUP_ID not a u64");
			f->last_cgroup_id = nla_get_u64(a);
			break;
		case VTEL_A_CGROUP_FD: {
			struct stat st;

			if (nla_len(a) != 4)
				return violation(f, "CGROUP_FD not a u32");
			f->last_cgroup_fd = (int)nla_get_u32(a);
			f->last_fd_was_dir = !fstat(f->last_cgroup_fd, &st) &&
					     S_ISDIR(st.st_mode);
			break;
		}
		case VTEL_A_CONFIG:
			err = check_config(f, a);
			if (err)
				return err;
			break;
		}
	}
	if (__builtin_popcountll(f->last_attrs & (B(VTEL_A_VM_ID) |
			B(VTEL_A_PID) | CG_SEL)) > 1)
		return violation(f, "more than one selector");
	if ((f->last_attrs & B(VTEL_A_FLAGS)) &&
	    (f->last_flags_attr & VTEL_F_CGROUP_OWN) && !(f->last_attrs & CG_SEL))
		return violation(f, "VTEL_F_CGROUP_OWN without a cgroup");
	if ((f->last_attrs & B(VTEL_A_VCPU_ID)) &&
	    !(f->last_attrs & (B(VTEL_A_VM_ID) | B(VTEL_A_PID))))
		return violation(f, "VCPU_ID without a VM");
	return 0;
}

/* The VM the request selects; NULL (and *err, *msg) if none matches. */
static const struct fake_vm *select_vm(struct fake *f, int *err,
				       const char **msg)
{
	static char buf[80];
	unsigned int i;

	for (i = 0; i < f->nvms; i++) {
		if ((f->last_attrs & B(VTEL_A_VM_ID)) && f->vms[i].id == f->last_vm_id)
			return &f->vms[i];
		if ((f->last_attrs & B(VTEL_A_PID)) && f->vms[i].pid == f->last_pid)
			return &f->vms[i];
	}
	if (f->last_attrs & B(VTEL_A_VM_ID))
		snprintf(buf, sizeof(buf), "no VM with id %u", f->last_vm_id);
	else
		snprintf(buf, sizeof(buf), "no VM of pid %u", f->last_pid);
	*err = -ENOENT;
	*msg = buf;
	return NULL;
}

static bool has_sel(const struct fake *f)
{
	return f->last_attrs & (B(VTEL_A_VM_ID) | B(VTEL_A_PID));
}

/* ---- the commands -------------------------------------------------------- */

static void ctrl(struct fake *f, const struct nlmsghdr *req)
{
	struct nl_msg *msg;
	struct nlattr *ops, *op, *grps, *grp;
	int cmd, i = 1;

	if (f->no_family) {
		q_error(f, req, -ENOENT, NULL);
		return;
	}
	msg = nlmsg_alloc_size(1 << 16);
	genlmsg_put(msg, 0, req->nlmsg_seq, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_NEWFAMILY, 2);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VTEL_GENL_NAME);
	if (f->malform != MAL_CTRL_NO_ID)
		nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, (uint16_t)f->family_id);
	nla_put_u32(msg, CTRL_ATTR_VERSION, f->version);
	nla_put_u32(msg, CTRL_ATTR_HDRSIZE, 0);
	nla_put_u32(msg, CTRL_ATTR_MAXATTR, VTEL_A_MAX);
	ops = nla_nest_start(msg, CTRL_ATTR_OPS);
	for (cmd = 1; cmd < 64; cmd++) {
		if (!(f->ops & (1ULL << cmd)))
			continue;
		op = nla_nest_start(msg, i++);
		nla_put_u32(msg, CTRL_ATTR_OP_ID, (uint32_t)cmd);
		nla_put_u32(msg, CTRL_ATTR_OP_FLAGS, 0);
		nla_nest_end(msg, op);
	}
	nla_nest_end(msg, ops);
	if (f->events_group >= 0) {
		grps = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
		grp = nla_nest_start(msg, 1);
		nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "other");
		nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 99);
		nla_nest_end(msg, grp);
		grp = nla_nest_start(msg, 2);
		nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, (uint32_t)f->events_group);
		nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, VTEL_MCGRP_EVENTS);
		nla_nest_end(msg, grp);
		nla_nest_end(msg, grps);
	}
	q_msg(f, msg);
	q_flush(f);
	q_error(f, req, 0, NULL);
}

static void status(struct fake *f, const struct nlmsghdr *req)
{
	struct nl_msg *msg = reply(f, req, VTEL_CMD_GET_STATUS, false);
	struct nlmsghdr *h;

	nla_put_string(msg, VTEL_A_VERSION, "0.1.0");
	nla_put_u8(msg, VTEL_A_ATTACHED, 1);
	nla_put_string(msg, VTEL_A_VENDOR, "svm");
	nla_put_u32(msg, VTEL_A_VMS_LIVE, 1);
	nla_put_u32(msg, VTEL_A_VMS_RETIRED, 1);
	put_u64(msg, VTEL_A_VMS_EVICTED, 3);
	nla_put_u32(msg, VTEL_A_VCPUS, 3);
	if (f->malform == MAL_STATUS_WRONG_SIZE)
		nla_put_u32(msg, VTEL_A_EXITS, 5);
	else
		put_u64(msg, VTEL_A_EXITS, 1234567);
	put_u64(msg, VTEL_A_HANDLING_NS, 35100000);
	put_u64(msg, VTEL_A_GUEST_NS, 2300000000ULL);
	put_split(msg, 35100000, 2300000000ULL, 0, 0, 0);
	put_u64(msg, VTEL_A_SLOW_EXITS, 12);
	put_u64(msg, VTEL_A_UNTRACKED_VMS, 0);
	put_u64(msg, VTEL_A_UNTRACKED_VCPUS, 1);
	put_u64(msg, VTEL_A_UNTRACKED_EXITS, 42);
	put_u64(msg, VTEL_A_REASON_OVERFLOW, 0);
	put_u64(msg, VTEL_A_LAYOUT_ERRORS, 0);
	put_u64(msg, VTEL_A_EVENTS_DROPPED, 7);
	put_u64(msg, VTEL_A_GENERATION, 99);
	nla_put_u32(msg, VTEL_A_CGROUPS, 2);
	put_u64(msg, VTEL_A_CGROUPS_RELEASED, 0);
	put_u64(msg, VTEL_A_UNTRACKED_CGROUPS, 0);
	put_u64(msg, VTEL_A_SEGMENT_DROPS, 0);
	put_u64(msg, VTEL_A_CGROUP_STALE_EXITS, 5);
	put_u64(msg, VTEL_A_SPLIT_MISSED, 0);
	nla_put_u32(msg, 200, 1);	/* from a newer module: ignored */
	h = nlmsg_hdr(msg);
	if (f->malform == MAL_TRUNC_GENL)
		h->nlmsg_len = NLMSG_HDRLEN + 2;
	if (f->malform == MAL_BAD_NLMSG_LEN)
		h->nlmsg_len = 1 << 20;
	if (f->malform == MAL_NO_REPLY) {
		nlmsg_free(msg);
	} else if (f->malform == MAL_TWO_REPLIES) {
		q_msg(f, msg);
		q_msg(f, reply(f, req, VTEL_CMD_GET_STATUS, false));
	} else if (f->malform == MAL_TRUNC_GENL || f->malform == MAL_BAD_NLMSG_LEN) {
		q_append(h, NLMSG_HDRLEN + 4);
		nlmsg_free(msg);
	} else {
		q_msg(f, msg);
	}
	q_flush(f);
	q_error(f, req, 0, NULL);
}

/* Dump replies; NLM_F_DUMP_INTR on the last one if asked to. */
static void dump_msg(struct fake *f, struct nl_msg *msg, bool last)
{
	if (last && f->intr_dumps) {
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP_INTR;
		f->intr_dumps--;
	}
	q_msg(f, msg);
}

static void vms(struct fake *f, const struct nlmsghdr *req)
{
	struct nl_msg *msg;
	unsigned int i;

	for (i = 0; i < f->nvms; i++) {
		msg = reply(f, req, VTEL_CMD_GET_VMS, true);
		put_vm(f, msg, &f->vms[i]);
		dump_msg(f, msg, i + 1 == f->nvms);
	}
	q_done(f, req, 0, NULL);
}

static void vcpus(struct fake *f, const struct nlmsghdr *req)
{
	const struct fake_vm *vm;
	const char *text = NULL;
	struct nl_msg *msg;
	unsigned int i;
	int err = 0;

	if (!has_sel(f)) {
		q_error(f, req, -EINVAL, "VTEL_A_VM_ID or VTEL_A_PID is required");
		return;
	}
	vm = select_vm(f, &err, &text);
	if (!vm) {
		q_error(f, req, err, text);
		return;
	}
	/* Newest first, as the module's list happens to be. */
	for (i = vm->vcpus; i-- > 0;) {
		msg = reply(f, req, VTEL_CMD_GET_VCPUS, true);
		nla_put_u32(msg, VTEL_A_VM_ID, vm->id);
		nla_put_u32(msg, VTEL_A_VCPU_ID, i);
		nla_put_u32(msg, VTEL_A_TID, vm->pid + 1 + i);
		put_u64(msg, VTEL_A_EXITS, vm->exits / vm->vcpus);
		put_u64(msg, VTEL_A_HANDLING_NS, vm->handling_ns / vm->vcpus);
		put_u64(msg, VTEL_A_GUEST_NS, vm->guest_ns / vm->vcpus);
		put_split(msg, vm->handling_ns / vm->vcpus, vm->guest_ns / vm->vcpus,
			  vm->vmm_ns / vm->vcpus, vm->wait_ns / vm->vcpus,
			  vm->idle_ns / vm->vcpus);
		put_u64(msg, VTEL_A_SLOW_EXITS, i);
		dump_msg(f, msg, i == 0);
	}
	q_done(f, req, 0, NULL);
}

/* The VM and vCPU a view request names; false after queueing an error. */
static bool view_target(struct fake *f, const struct nlmsghdr *req,
			const struct fake_vm **vmp)
{
	static char buf[80];
	const char *text = NULL;
	int err = 0;

	*vmp = NULL;
	if (!has_sel(f))
		return true;
	*vmp = select_vm(f, &err, &text);
	if (!*vmp) {
		q_error(f, req, err, text);
		return false;
	}
	if ((f->last_attrs & B(VTEL_A_VCPU_ID)) && f->last_vcpu_id >= (*vmp)->vcpus) {
		snprintf(buf, sizeof(buf), "VM %u has no vCPU %u", (*vmp)->id,
			 f->last_vcpu_id);
		q_error(f, req, -ENOENT, buf);
		return false;
	}
	return true;
}

/* The cgroup a request names, or NULL after queueing an error. */
static const struct fake_cgroup *cg_target(struct fake *f,
					   const struct nlmsghdr *req)
{
	static char buf[300];
	unsigned int i;

	for (i = 0; i < f->ncgroups; i++) {
		const struct fake_cgroup *c = &f->cgroups[i];

		if (((f->last_attrs & B(VTEL_A_CGROUP_ID)) && c->id == f->last_cgroup_id) ||
		    ((f->last_attrs & B(VTEL_A_CGROUP_PATH)) && c->path &&
		     !strcmp(c->path, f->last_cgroup_path)) ||
		    ((f->last_attrs & B(VTEL_A_CGROUP_FD)) && f->last_fd_was_dir &&
		     c->id == 101))
			return c;
	}
	if (f->last_attrs & B(VTEL_A_CGROUP_PATH))
		snprintf(buf, sizeof(buf), "no cgroup %s with vCPU threads",
			 f->last_cgroup_path);
	else if (f->last_attrs & B(VTEL_A_CGROUP_FD))
		snprintf(buf, sizeof(buf), "fd %d is not a cgroup v2 directory",
			 f->last_cgroup_fd);
	else
		snprintf(buf, sizeof(buf), "no cgroup with id %llu",
			 (unsigned long long)f->last_cgroup_id);
	q_error(f, req, -ENOENT, buf);
	return NULL;
}

static bool own(const struct fake *f)
{
	return (f->last_attrs & B(VTEL_A_FLAGS)) &&
	       (f->last_flags_attr & VTEL_F_CGROUP_OWN);
}

static const struct fake_cgroup *cg_by_id(const struct fake *f, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < f->ncgroups; i++)
		if (f->cgroups[i].id == id)
			return &f->cgroups[i];
	return NULL;
}

/* d is a or a descendant of a. */
static bool cg_under(const struct fake *f, const struct fake_cgroup *d,
		     const struct fake_cgroup *a)
{
	unsigned int hops;

	for (hops = 0; d && hops <= FAKE_MAX_CGROUPS; hops++) {
		if (d == a)
			return true;
		d = d->parent ? cg_by_id(f, d->parent) : NULL;
	}
	return false;
}

void fake_cg_vals(const struct fake *f, const struct fake_cgroup *c,
		  bool rollup, uint64_t v[4])
{
	unsigned int i;

	memset(v, 0, 4 * sizeof(*v));
	for (i = 0; i < f->ncgroups; i++) {
		const struct fake_cgroup *d = &f->cgroups[i];
		uint64_t add = f->tick * f->step * d->w;

		if (d != c && !(rollup && cg_under(f, d, c)))
			continue;
		v[0] += d->own[0] + add;
		v[1] += d->own[1] + add * 1000;
		v[2] += d->own[2] + add * 9000;
		v[3] += d->own[3];
	}
}

static void cgroup_view(struct fake *f, const struct nlmsghdr *req)
{
	const struct fake_cgroup *c = cg_target(f, req);
	struct nl_msg *msg;
	uint64_t v[4];

	if (!c)
		return;
	fake_cg_vals(f, c, !own(f), v);
	msg = reply(f, req, VTEL_CMD_GET_VIEW, false);
	put_u64(msg, VTEL_A_CGROUP_ID, c->id);
	nla_put_u32(msg, VTEL_A_CGROUP_LEVEL, c->level);
	if (c->path)
		nla_put_string(msg, VTEL_A_CGROUP_PATH, c->path);
	nla_put_u32(msg, VTEL_A_VCPUS, 2);
	put_u64(msg, VTEL_A_EXITS, v[0]);
	put_u64(msg, VTEL_A_HANDLING_NS, v[1]);
	put_u64(msg, VTEL_A_GUEST_NS, v[2]);
	put_split(msg, v[1], v[2], 0, 0, 0);
	put_u64(msg, VTEL_A_SLOW_EXITS, v[3]);
	put_u64(msg, VTEL_A_REASON_OVERFLOW, 0);
	q_msg(f, msg);
	q_flush(f);
	q_error(f, req, 0, NULL);
}

static void put_cg_counters(struct nl_msg *msg, const uint64_t *v)
{
	put_u64(msg, VTEL_A_EXITS, v[0]);
	put_u64(msg, VTEL_A_HANDLING_NS, v[1]);
	put_u64(msg, VTEL_A_GUEST_NS, v[2]);
	put_split(msg, v[1], v[2], 0, 0, 0);
	put_u64(msg, VTEL_A_SLOW_EXITS, v[3]);
}

static void cgroups(struct fake *f, const struct nlmsghdr *req)
{
	struct nl_msg *msg;
	struct nlattr *roll;
	unsigned int i;

	for (i = 0; i < f->ncgroups; i++) {
		const struct fake_cgroup *c = &f->cgroups[i];

		msg = reply(f, req, VTEL_CMD_GET_CGROUPS, true);
		put_u64(msg, VTEL_A_CGROUP_ID, c->id);
		nla_put_u32(msg, VTEL_A_CGROUP_LEVEL, c->level);
		if (c->path)
			nla_put_string(msg, VTEL_A_CGROUP_PATH, c->path);
		uint64_t v[4];

		fake_cg_vals(f, c, false, v);
		put_cg_counters(msg, v);
		roll = nla_nest_start(msg, VTEL_A_ROLLUP | NLA_F_NESTED);
		fake_cg_vals(f, c, true, v);
		put_cg_counters(msg, v);
		nla_nest_end(msg, roll);
		dump_msg(f, msg, i + 1 == f->ncgroups);
	}
	q_done(f, req, 0, NULL);
}

static void view(struct fake *f, const struct nlmsghdr *req)
{
	const struct fake_vm *vm;
	struct nl_msg *msg;
	uint64_t exits = 0, h = 0, g = 0, vmm = 0, wait = 0, idle = 0;
	uint32_t nv = 0;
	unsigned int i;

	if (f->last_attrs & CG_SEL) {
		cgroup_view(f, req);
		return;
	}
	if (!view_target(f, req, &vm))
		return;
	msg = reply(f, req, VTEL_CMD_GET_VIEW, false);
	if (vm) {
		nla_put_u32(msg, VTEL_A_VM_ID, vm->id);
		nla_put_u32(msg, VTEL_A_PID, vm->pid);
		nla_put_string(msg, VTEL_A_COMM, vm->comm);
		if (f->last_attrs & B(VTEL_A_VCPU_ID))
			nla_put_u32(msg, VTEL_A_VCPU_ID, f->last_vcpu_id);
		nv = vm->vcpus;
		exits = vm->exits;
		h = vm->handling_ns;
		g = vm->guest_ns;
		vmm = vm->vmm_ns;
		wait = vm->wait_ns;
		idle = vm->idle_ns;
	} else {
		for (i = 0; i < f->nvms; i++) {
			nv += f->vms[i].vcpus;
			exits += f->vms[i].exits;
			h += f->vms[i].handling_ns;
			g += f->vms[i].guest_ns;
			vmm += f->vms[i].vmm_ns;
			wait += f->vms[i].wait_ns;
			idle += f->vms[i].idle_ns;
		}
	}
	nla_put_u32(msg, VTEL_A_VCPUS, nv);
	put_u64(msg, VTEL_A_EXITS, exits);
	put_u64(msg, VTEL_A_HANDLING_NS, h);
	put_u64(msg, VTEL_A_GUEST_NS, g);
	put_split(msg, h, g, vmm, wait, idle);
	put_u64(msg, VTEL_A_SLOW_EXITS, 12);
	if (!vm)
		put_u64(msg, VTEL_A_UNTRACKED_EXITS, 42);
	put_u64(msg, VTEL_A_REASON_OVERFLOW, 0);
	q_msg(f, msg);
	q_flush(f);
	q_error(f, req, 0, NULL);
}

static void exits(struct fake *f, const struct nlmsghdr *req)
{
	static char buf[96];
	const struct fake_vm *vm;
	struct nl_msg *msg;
	unsigned int i, n = 0, last = 0;
	bool hist = f->last_flags_attr & VTEL_F_HIST &&
		    f->last_attrs & B(VTEL_A_FLAGS);

	if ((f->last_attrs & CG_SEL) && !cg_target(f, req))
		return;
	if (!view_target(f, req, &vm))
		return;
	for (i = 0; i < f->nreasons; i++)
		if (!f->last_reason[0] || !strcmp(f->last_reason, f->reasons[i].name)) {
			n++;
			last = i;
		}
	if (!strcmp(f->last_reason, "cpuid"))
		n = 1;	/* known to the module, no exits: an empty dump */
	if (f->last_reason[0] && !n) {
		snprintf(buf, sizeof(buf), "unknown exit reason \"%s\"", f->last_reason);
		q_error(f, req, -ENOENT, buf);
		return;
	}
	for (i = 0; i < f->nreasons; i++) {
		if (f->last_reason[0] && strcmp(f->last_reason, f->reasons[i].name))
			continue;
		msg = reply(f, req, VTEL_CMD_GET_EXITS, true);
		put_reason(f, msg, &f->reasons[i], hist);
		dump_msg(f, msg, i == last);
	}
	q_done(f, req, 0, NULL);
}

/*
 * VM 1's ports and pages, by count as the module sorts them, then its
 * other row; the other VMs have none.
 */
static void addrs(struct fake *f, const struct nlmsghdr *req)
{
	static const struct {
		uint8_t kind;
		uint64_t addr, count, ns, kvm, vmm, wait;
	} rows[] = {
		{ VTEL_ADDR_PIO_OUT, 0x10, 300, 60000000, 6000000, 50000000, 4000000 },
		{ VTEL_ADDR_PIO_IN, 0x13, 200, 10000000, 8000000, 2000000, 0 },
		{ VTEL_ADDR_MMIO_WRITE, 0xfeb00000ULL, 120, 24000000, 4000000, 20000000, 0 },
		{ VTEL_ADDR_MMIO_READ, 0xa000, 80, 8000000, 8000000, 0, 0 },
		{ VTEL_ADDR_OTHER, 0, 7, 700000, 700000, 0, 0 },
	};
	const struct fake_vm *vm;
	const char *text = NULL;
	struct nl_msg *msg;
	unsigned int i;
	int err = 0;

	if (!has_sel(f)) {
		q_error(f, req, -EINVAL, "VTEL_A_VM_ID or VTEL_A_PID is required");
		return;
	}
	vm = select_vm(f, &err, &text);
	if (!vm) {
		q_error(f, req, err, text);
		return;
	}
	for (i = 0; vm->id == 1 && i < ARRAY_SIZE(rows); i++) {
		msg = reply(f, req, VTEL_CMD_GET_ADDRS, true);
		nla_put_u32(msg, VTEL_A_VM_ID, vm->id);
		nla_put_u8(msg, VTEL_A_ADDR_KIND, rows[i].kind);
		if (rows[i].kind != VTEL_ADDR_OTHER)
			put_u64(msg, VTEL_A_ADDR, rows[i].addr);
		put_u64(msg, VTEL_A_COUNT, rows[i].count);
		put_u64(msg, VTEL_A_TOTAL_NS, rows[i].ns);
		put_u64(msg, VTEL_A_KVM_NS, rows[i].kvm);
		put_u64(msg, VTEL_A_VMM_NS, rows[i].vmm);
		put_u64(msg, VTEL_A_WAIT_NS, rows[i].wait);
		put_u64(msg, VTEL_A_IDLE_NS, 0);
		put_u64(msg, VTEL_A_POLL_NS, 0);
		dump_msg(f, msg, i + 1 == ARRAY_SIZE(rows));
	}
	q_done(f, req, 0, NULL);
}

static void config(struct fake *f, const struct nlmsghdr *req)
{
	struct nl_msg *msg = reply(f, req, VTEL_CMD_GET_CONFIG, false);
	struct nlattr *c, *o;
	unsigned int i;

	c = nla_nest_start(msg, VTEL_A_CONFIG | NLA_F_NESTED);
	put_u64(msg, VTEL_C_SLOW_NS, f->slow_ns);
	if (f->malform == MAL_CONFIG_WRONG_SIZE)
		nla_put_u64(msg, VTEL_C_EVENT_RATE, f->event_rate);
	else
		nla_put_u32(msg, VTEL_C_EVENT_RATE, (uint32_t)f->event_rate);
	nla_put_u8(msg, VTEL_C_UNPRIVILEGED_READ, 0);
	nla_put_u32(msg, VTEL_C_MAX_VMS, 64);
	nla_put_u32(msg, VTEL_C_MAX_VCPUS, 1024);
	nla_put_u32(msg, VTEL_C_RETIRED_VMS, 16);
	nla_put_u32(msg, VTEL_C_RETIRED_SECS, 600);
	nla_put_u32(msg, VTEL_C_MAX_ADDRS, 8);
	put_u64(msg, VTEL_C_SLOW_IDLE_NS, 0);
	for (i = 0; i < f->nslow; i++) {
		o = nla_nest_start(msg, VTEL_C_SLOW_OVERRIDE | NLA_F_NESTED);
		nla_put_string(msg, VTEL_S_REASON, f->slow[i].reason);
		put_u64(msg, VTEL_S_NS, f->slow[i].ns);
		nla_nest_end(msg, o);
	}
	nla_nest_end(msg, c);
	q_msg(f, msg);
	q_flush(f);
	q_error(f, req, 0, NULL);
}

static int fake_send(struct vtel_ctx *ctx, struct nl_msg *m)
{
	struct fake *f = ctx->io_priv;
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	const struct genlmsghdr *g;
	int cmd, err;

	f->requests++;
	nlh->nlmsg_flags |= NLM_F_REQUEST;	/* what nl_send_auto() adds */
	if (f->silent)
		return 0;
	if (f->stale_first) {
		struct nlmsghdr stale = *nlh;

		stale.nlmsg_seq--;
		q_done(f, &stale, -EIO, "stale");
	}
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		ctrl(f, nlh);
		return 0;
	}
	if (nlh->nlmsg_type != f->family_id || !genlmsg_valid_hdr(nlh, 0)) {
		q_error(f, nlh, -ENOENT, NULL);
		return 0;
	}
	g = nlmsg_data(nlh);
	cmd = g->cmd;
	f->last_cmd = cmd;
	f->last_flags = nlh->nlmsg_flags;
	if (!(f->ops & (1ULL << cmd))) {
		q_error(f, nlh, -EOPNOTSUPP, NULL);
		return 0;
	}
	err = check_request(f, nlh, cmd);
	if (err) {
		q_error(f, nlh, err, f->violation);
		return 0;
	}
	if (cmd == f->fail_cmd) {
		if (is_dump(cmd) && f->fail_in_done)
			q_done(f, nlh, f->fail_err, f->fail_msg);
		else
			q_error(f, nlh, f->fail_err, f->fail_msg);
		return 0;
	}
	switch (cmd) {
	case VTEL_CMD_GET_STATUS:
		status(f, nlh);
		break;
	case VTEL_CMD_GET_VMS:
		vms(f, nlh);
		break;
	case VTEL_CMD_GET_VCPUS:
		vcpus(f, nlh);
		break;
	case VTEL_CMD_GET_VIEW:
		view(f, nlh);
		break;
	case VTEL_CMD_GET_EXITS:
		exits(f, nlh);
		break;
	case VTEL_CMD_RESET:
		f->resets++;
		q_error(f, nlh, 0, NULL);
		break;
	case VTEL_CMD_GET_CONFIG:
		config(f, nlh);
		break;
	case VTEL_CMD_GET_CGROUPS:
		cgroups(f, nlh);
		break;
	case VTEL_CMD_GET_ADDRS:
		addrs(f, nlh);
		break;
	case VTEL_CMD_SET_CONFIG:
		if (f->last_cfg_have & (1ULL << VTEL_C_SLOW_NS))
			f->slow_ns = f->last_cfg[VTEL_C_SLOW_NS];
		if (f->last_cfg_have & (1ULL << VTEL_C_EVENT_RATE))
			f->event_rate = f->last_cfg[VTEL_C_EVENT_RATE];
		q_error(f, nlh, 0, NULL);
		break;
	default:
		q_error(f, nlh, -EOPNOTSUPP, NULL);
		break;
	}
	return 0;
}

static void event_msg(struct fake *f, const struct fake_event *e, bool bad)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);

	genlmsg_put(msg, 0, 0, f->family_id, 0, 0, VTEL_CMD_VM_EVENT,
		    VTEL_GENL_VERSION);
	if (!bad)
		nla_put_u8(msg, VTEL_A_EVENT, e->event);
	nla_put_u32(msg, VTEL_A_VM_ID, e->vm_id);
	nla_put_u32(msg, VTEL_A_PID, e->pid);
	nla_put_string(msg, VTEL_A_COMM, e->comm);
	if (e->event == VTEL_EVENT_VM_STOP) {
		put_u64(msg, VTEL_A_EXITS, e->exits);
		put_u64(msg, VTEL_A_HANDLING_NS, e->handling_ns);
		put_u64(msg, VTEL_A_GUEST_NS, e->guest_ns);
	}
	q_msg(f, msg);
}

static int fake_recv(struct vtel_ctx *ctx, unsigned char **buf, int timeout_ms)
{
	struct fake *f = ctx->io_priv;
	struct nl_msg *other;
	int n;

	(void)timeout_ms;
	if (f->qhead != f->qtail) {
		*buf = f->q[f->qhead % FAKE_QUEUE];
		n = f->qlen[f->qhead % FAKE_QUEUE];
		f->qhead++;
		return n;
	}
	if (!f->subscribed)
		return 0;		/* a timeout */
	if (f->enobufs_once) {
		f->enobufs_once = false;
		return -ENOBUFS;
	}
	if (f->next_event < f->nevents) {
		/* A message of another command first: to be skipped. */
		other = nlmsg_alloc();
		genlmsg_put(other, 0, 0, f->family_id, 0, 0, VTEL_CMD_GET_STATUS, 1);
		q_msg(f, other);
		event_msg(f, &f->events[f->next_event],
			  f->malform == MAL_EVENT_BAD && f->next_event == 0);
		f->next_event++;
		if (f->next_event < f->nevents)
			event_msg(f, &f->events[f->next_event++], false);
		q_flush(f);
		return fake_recv(ctx, buf, timeout_ms);
	}
	f->stop = 1;			/* as if Ctrl-C arrived */
	return -EINTR;
}

static int fake_open(struct vtel_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static int fake_subscribe(struct vtel_ctx *ctx, unsigned int group)
{
	struct fake *f = ctx->io_priv;

	if (f->subscribe_err)
		return f->subscribe_err;
	if ((int)group != f->events_group)
		return -EINVAL;
	f->subscribed = true;
	return 0;
}

static void fake_close(struct vtel_ctx *ctx)
{
	struct fake *f = ctx->io_priv;

	while (f->qhead != f->qtail)
		free(f->q[f->qhead++ % FAKE_QUEUE]);
	free(build);
	build = NULL;
	build_len = build_msgs = 0;
	f->subscribed = false;
}

const struct vtel_io fake_io = {
	.open		= fake_open,
	.send		= fake_send,
	.recv		= fake_recv,
	.subscribe	= fake_subscribe,
	.close		= fake_close,
};

/* ---- setup --------------------------------------------------------------- */

void fake_init(struct fake *f)
{
	static const struct fake_reason reasons[] = {
		{ "io", "io", 0x7b, VTEL_ISA_VALUE_SVM, 3000, 3000, 3500000, 511,
		  35100, 1023, 1023, 2047, 32767, 5,
		  { 511, 1023, 2047, 32767, UINT64_MAX },
		  { 10, 2900, 80, 9, 1 } },
		{ "npf", "memory", 0x400, VTEL_ISA_VALUE_SVM, 2000, 1999, 9000000,
		  900, 80000, 4095, 8191, 65535, 80000, 3,
		  { 1023, 4095, 131071 }, { 100, 1800, 99 } },
		{ "PF excp", "memory", 0x4e, VTEL_ISA_VALUE_SVM, 500, 500, 400000,
		  100, 5000, 1023, 2047, 4095, 5000, 2, { 1023, 8191 }, { 400, 100 } },
		{ "hlt", "halt", 0x78, VTEL_ISA_VALUE_SVM, 3, 0, 0, 0, 0, 0, 0, 0,
		  0, 0, { 0 }, { 0 } },
	};
	static const struct fake_event events[] = {
		{ VTEL_EVENT_VM_START, 3, 5000, "qemu", 0, 0, 0 },
		{ VTEL_EVENT_VM_STOP, 3, 5000, "qemu", 1234567, 35100000, 2300000000ULL },
		{ VTEL_EVENT_VM_START, 4, 5001, "vtel-testvmm", 0, 0, 0 },
	};

	memset(f, 0, sizeof(*f));
	f->version = VTEL_GENL_VERSION;
	f->ops = ((1ULL << (VTEL_CMD_MAX + 1)) - 1) & ~1ULL &
		 ~(1ULL << VTEL_CMD_VM_EVENT);
	f->family_id = 0x21;
	f->events_group = 9;
	f->vms[0] = (struct fake_vm){ 1, 4242, 2, "qemu-system-x86", VTEL_VM_STATE_LIVE,
				      123456, 35100000, 2300000000ULL, 12, 0, 0, 0 };
	f->vms[1] = (struct fake_vm){ 2, 4343, 1, "we\"ird\\vm\n\xff", VTEL_VM_STATE_RETIRED,
				      999, 1000, 9000, 0, 200, 100, 500 };
	f->nvms = 2;
	/*
	 * / and the tenants have no exits of their own; 102 was removed
	 * (from /tenant-a); vm3's share of its CPU time exceeds 100% (its
	 * vCPUs sleep in halt).
	 */
	f->cgroups[0] = (struct fake_cgroup){ 1, 0, "/", 0, { 0, 0, 0, 0 },
					      0, 5000000, 100000, false };
	f->cgroups[1] = (struct fake_cgroup){ 100, 1, "/tenant-a", 1,
					      { 0, 0, 0, 0 }, 0, 0, 0, false };
	f->cgroups[2] = (struct fake_cgroup){ 101, 2, "/tenant-a/vm1", 100,
					      { 100000, 30000000, 2000000000ULL, 10 },
					      2, 4000000, 40000, false };
	f->cgroups[3] = (struct fake_cgroup){ 102, 2, NULL, 100,
					      { 23456, 5100000, 300000000, 2 },
					      0, 0, 0, false };
	f->cgroups[4] = (struct fake_cgroup){ 103, 2, "/tenant-a/vm2", 100,
					      { 20000, 4000000, 500000000, 1 },
					      1, 1000000, 20000, false };
	f->cgroups[5] = (struct fake_cgroup){ 110, 1, "/tenant-b", 1,
					      { 0, 0, 0, 0 }, 0, 0, 0, false };
	f->cgroups[6] = (struct fake_cgroup){ 111, 2, "/tenant-b/vm3", 110,
					      { 999, 1000, 9000, 0 }, 1, 2000, 500,
					      false };
	f->ncgroups = 7;
	memcpy(f->reasons, reasons, sizeof(reasons));
	f->nreasons = ARRAY_SIZE(reasons);
	memcpy(f->events, events, sizeof(events));
	f->nevents = ARRAY_SIZE(events);
	f->slow_ns = 100000;
	f->event_rate = 100;
	f->step = 1000;
	f->mono_ns = 1000000000;
	f->wall_ns = 1700000000123456789ULL;
}

void fake_free(struct fake *f)
{
	while (f->qhead != f->qtail)
		free(f->q[f->qhead++ % FAKE_QUEUE]);
	free(build);
	build = NULL;
	build_len = build_msgs = 0;
}

static uint64_t fake_mono(void)
{
	return fake_cur->mono_ns;
}

static uint64_t fake_wall(void)
{
	return fake_cur->wall_ns;
}

/* ---- cpu.stat files ------------------------------------------------------ */

static int cgroupfs_write(struct fake *f)
{
	char dir[512], file[540];
	unsigned int i, j;
	uint64_t usec;
	FILE *fp;

	for (i = 0; i < f->ncgroups; i++) {
		const struct fake_cgroup *c = &f->cgroups[i];

		if (!c->path)
			continue;
		snprintf(dir, sizeof(dir), "%s%s", f->cgroupfs,
			 strcmp(c->path, "/") ? c->path : "");
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		usec = 0;
		for (j = 0; j < f->ncgroups; j++)
			if (cg_under(f, &f->cgroups[j], c))
				usec += f->cgroups[j].cpu_usec +
					f->tick * f->cgroups[j].cpu_w;
		snprintf(file, sizeof(file), "%s/cpu.stat", dir);
		if (c->no_cpu_stat) {
			unlink(file);
			continue;
		}
		fp = fopen(file, "w");
		if (!fp)
			return -errno;
		fprintf(fp, "usage_usec %llu\nuser_usec %llu\nsystem_usec %llu\n"
			"nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
			(unsigned long long)usec, (unsigned long long)(usec / 4),
			(unsigned long long)(usec - usec / 4));
		fclose(fp);
	}
	return 0;
}

int fake_cgroupfs(struct fake *f)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(f->cgroupfs, sizeof(f->cgroupfs), "%s/vtel-cgroupfs.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->cgroupfs)) {
		f->cgroupfs[0] = '\0';
		return -errno;
	}
	return cgroupfs_write(f);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void fake_cgroupfs_remove(struct fake *f)
{
	if (f->cgroupfs[0])
		nftw(f->cgroupfs, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	f->cgroupfs[0] = '\0';
}

static int write_file(const char *dir, const char *name, const char *s,
		      size_t len)
{
	char path[512];
	FILE *fp;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp)
		return -errno;
	ok = fwrite(s, 1, len, fp) == len;
	return fclose(fp) || !ok ? -EIO : 0;
}

int fake_procfs(struct fake *f, const char *cmdline, size_t len,
		const char *cgroup)
{
	const char *tmp = getenv("TMPDIR");
	char dir[300], comm[64];
	int err;

	snprintf(f->procfs, sizeof(f->procfs), "%s/vtel-procfs.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->procfs)) {
		f->procfs[0] = '\0';
		return -errno;
	}
	snprintf(dir, sizeof(dir), "%s/%u", f->procfs, f->vms[0].pid);
	if (mkdir(dir, 0755))
		return -errno;
	snprintf(comm, sizeof(comm), "%s\n", f->vms[0].comm);
	err = write_file(dir, "comm", comm, strlen(comm));
	if (!err)
		err = write_file(dir, "cmdline", cmdline, len);
	if (!err)
		err = write_file(dir, "cgroup", cgroup, strlen(cgroup));
	return err;
}

void fake_procfs_remove(struct fake *f)
{
	if (f->procfs[0])
		nftw(f->procfs, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	f->procfs[0] = '\0';
}

void fake_tick(struct fake *f, unsigned int ms)
{
	f->mono_ns += (uint64_t)ms * 1000000;
	f->tick++;
	if (f->cgroupfs[0])
		cgroupfs_write(f);
}

static int fake_wait(struct vtel_ctx *ctx, unsigned int ms)
{
	struct fake *f = ctx->io_priv;

	f->waits++;
	if (f->quit_after && f->waits >= f->quit_after)
		return 1;
	fake_tick(f, ms);
	return 0;
}

void fake_ctx(struct vtel_ctx *ctx, struct fake *f, FILE *out, FILE *err)
{
	memset(ctx, 0, sizeof(*ctx));
	fake_cur = f;
	ctx->out.f = out;
	ctx->err = err;
	ctx->io = &fake_io;
	ctx->io_priv = f;
	ctx->mono_ns = fake_mono;
	ctx->wall_ns = fake_wall;
	ctx->wait = fake_wait;
	ctx->stop = &f->stop;
	ctx->cgroup_root = f->cgroupfs;	/* "" unless fake_cgroupfs() */
	ctx->proc_root = f->procfs;	/* "" unless fake_procfs() */
}

void fake_vtel(struct fake *f, struct fake_run *r, const char *args)
{
	char *argv[32], *copy = strdup(args), *p = copy, *w;
	struct vtel_ctx ctx;
	FILE *out, *err;
	int argc = 0;

	argv[argc++] = "vtel";
	while (*p && argc < 31) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '\'') {
			w = ++p;
			while (*p && *p != '\'')
				p++;
		} else {
			w = p;
			while (*p && *p != ' ')
				p++;
		}
		if (*p)
			*p++ = '\0';
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	memset(r, 0, sizeof(*r));
	out = open_memstream(&r->out, &r->outlen);
	err = open_memstream(&r->err, &r->errlen);
	fake_ctx(&ctx, f, out, err);
	r->rc = vtel_main(&ctx, argc, argv);
	fclose(out);
	fclose(err);
	free(copy);
}

void fake_run_free(struct fake_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
