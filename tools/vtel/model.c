// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute parsing. The kernel's policies are strict about what it
 * accepts; this side is strict about sizes (a wrong size means the CLI
 * and the module disagree about the ABI) but tolerant of attributes it
 * does not know, so a newer module still works with this CLI.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <linux/genetlink.h>

#include "vtel.h"
#include "model.h"

#define T_NONE	VTEL_T_NONE
#define T_PAD	VTEL_T_PAD
#define T_U8	VTEL_T_U8
#define T_U16	VTEL_T_U16
#define T_U32	VTEL_T_U32
#define T_U64	VTEL_T_U64
#define T_STR	VTEL_T_STR
#define T_NEST	VTEL_T_NEST

/*
 * The attributes of include/uapi/linux/vtel.h and their types. One the
 * table lacks (a module newer than this CLI) is skipped when parsing;
 * the unit tests check that every attribute of the header is here.
 */
#define A(n, t)	[VTEL_A_##n] = { #n, T_##t }
static const struct {
	const char *name;
	uint8_t type;
} vtel_attrs[VTEL_A_MAX + 1] = {
	A(UNSPEC, NONE),
	A(PAD, PAD),
	A(VERSION, STR),
	A(ATTACHED, U8),
	A(VENDOR, STR),
	A(VMS_LIVE, U32),
	A(VMS_RETIRED, U32),
	A(VMS_EVICTED, U64),
	A(VCPUS, U32),
	A(EXITS, U64),
	A(HANDLING_NS, U64),
	A(GUEST_NS, U64),
	A(OVERHEAD_PPM, U32),
	A(SLOW_EXITS, U64),
	A(UNTRACKED_VMS, U64),
	A(UNTRACKED_VCPUS, U64),
	A(UNTRACKED_EXITS, U64),
	A(REASON_OVERFLOW, U64),
	A(LAYOUT_ERRORS, U64),
	A(EVENTS_DROPPED, U64),
	A(GENERATION, U64),
	A(VM_ID, U32),
	A(PID, U32),
	A(COMM, STR),
	A(VM_STATE, U8),
	A(VCPU_ID, U32),
	A(TID, U32),
	A(FLAGS, U32),
	A(REASON, STR),
	A(REASON_CODE, U32),
	A(ISA, U8),
	A(CATEGORY, STR),
	A(COUNT, U64),
	A(TIMED, U64),
	A(TOTAL_NS, U64),
	A(MIN_NS, U64),
	A(MAX_NS, U64),
	A(P50_NS, U64),
	A(P90_NS, U64),
	A(P99_NS, U64),
	A(P999_NS, U64),
	A(HIST, NEST),
	A(CONFIG, NEST),
	A(EVENT, U8),
	A(CGROUP_ID, U64),
	A(CGROUP_FD, U32),
	A(CGROUP_PATH, STR),
	A(CGROUP_LEVEL, U32),
	A(ROLLUP, NEST),
	A(CGROUPS, U32),
	A(CGROUPS_RELEASED, U64),
	A(UNTRACKED_CGROUPS, U64),
	A(SEGMENT_DROPS, U64),
	A(CGROUP_STALE_EXITS, U64),
	A(ADDR, U64),
	A(ADDR_KIND, U8),
	A(UNBINNED, U64),
	A(L2_EXITS, U64),
	A(L2_HANDLING_NS, U64),
	A(KVM_NS, U64),
	A(VMM_NS, U64),
	A(WAIT_NS, U64),
	A(IDLE_NS, U64),
	A(POLL_NS, U64),
	A(WAIT_PPM, U32),
	A(SPLIT_MISSED, U64),
	A(SEGMENT_FOLDS, U64),
	A(DUMPS_REFUSED, U64),
	A(DESTROY_PROBE_DISABLED, U8),
	A(DESTROY_PROBE_MISSED, U64),
	A(REASON_UNAVAILABLE, U64),
};
#undef A

enum vtel_attr_type vtel_attr_type(int attr)
{
	if (attr <= 0 || attr > VTEL_A_MAX)
		return VTEL_T_NONE;
	return vtel_attrs[attr].type;
}

/* Likewise for enum vtel_config_attr. */
static const uint8_t vtel_cfg_type[VTEL_C_MAX + 1] = {
	[VTEL_C_PAD]		= T_PAD,
	[VTEL_C_SLOW_NS]	= T_U64,
	[VTEL_C_EVENT_RATE]	= T_U32,
	[VTEL_C_UNPRIVILEGED_READ] = T_U8,
	[VTEL_C_MAX_VMS]	= T_U32,
	[VTEL_C_MAX_VCPUS]	= T_U32,
	[VTEL_C_RETIRED_VMS]	= T_U32,
	[VTEL_C_RETIRED_SECS]	= T_U32,
	[VTEL_C_MAX_ADDRS]	= T_U32,
	[VTEL_C_SLOW_IDLE_NS]	= T_U64,
	[VTEL_C_SLOW_OVERRIDE]	= T_NEST,	/* parse_slow_override() */
};

enum vtel_attr_type vtel_config_type(int attr)
{
	if (attr <= 0 || attr > VTEL_C_MAX)
		return VTEL_T_NONE;
	return vtel_cfg_type[attr];
}

static char model_err[192];

const char *vtel_model_error(void)
{
	return model_err;
}

const char *vtel_attr_name(int attr)
{
	if (attr < 0 || attr > VTEL_A_MAX || !vtel_attrs[attr].name)
		return "?";
	return vtel_attrs[attr].name;
}

int vtel_model_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(model_err, sizeof(model_err), fmt, ap);
	va_end(ap);
	return -VTEL_EBADREPLY;
}

#define bad vtel_model_set_error

static const unsigned int type_len[] = {
	[T_U8] = 1, [T_U16] = 2, [T_U32] = 4, [T_U64] = 8,
};

/* Checks a's payload against type; on success stores integers in *v. */
static int get_attr(const struct nlattr *a, int type, const char *space,
		    const char *name, uint64_t *v)
{
	int len = nla_len(a);
	const char *s;

	switch (type) {
	case T_U8:
	case T_U16:
	case T_U32:
	case T_U64:
		if (len != (int)type_len[type])
			return bad("%s attribute %s has %d bytes, expected %u",
				   space, name, len, type_len[type]);
		if (type == T_U8)
			*v = nla_get_u8(a);
		else if (type == T_U16)
			*v = nla_get_u16(a);
		else if (type == T_U32)
			*v = nla_get_u32(a);
		else
			*v = nla_get_u64(a);
		return 0;
	case T_STR:
		s = nla_data(a);
		if (len < 1 || !memchr(s, '\0', len))
			return bad("%s attribute %s is not a NUL-terminated string",
				   space, name);
		return 0;
	default:
		return 0;
	}
}

/* A nested attribute that should have a nested payload. */
static bool trailing_garbage(int rem)
{
	return rem >= NLA_HDRLEN;
}

static int hist_cmp(const void *a, const void *b)
{
	const struct vtel_bucket *x = a, *y = b;

	return x->le < y->le ? -1 : x->le > y->le;
}

static int parse_bucket(const struct nlattr *b, struct vtel_bucket *out)
{
	const struct nlattr *x;
	bool le = false, count = false;
	uint64_t v = 0;
	int rem, t, err;

	nla_for_each_nested(x, b, rem) {
		t = nla_type(x);
		if (t != VTEL_A_BUCKET_LE && t != VTEL_A_BUCKET_COUNT)
			continue;
		err = get_attr(x, T_U64, "bucket",
			       t == VTEL_A_BUCKET_LE ? "LE" : "COUNT", &v);
		if (err)
			return err;
		if (t == VTEL_A_BUCKET_LE) {
			out->le = v;
			le = true;
		} else {
			out->count = v;
			count = true;
		}
	}
	if (trailing_garbage(rem))
		return bad("truncated attribute in a histogram bucket");
	if (!le || !count)
		return bad("histogram bucket without %s",
			   le ? "VTEL_A_BUCKET_COUNT" : "VTEL_A_BUCKET_LE");
	return 0;
}

static int parse_hist(const struct nlattr *a, struct vtel_rec *r)
{
	struct vtel_bucket *h;
	const struct nlattr *b;
	unsigned int i, n = 0;
	int rem, err;

	h = calloc(VTEL_HIST_MAX, sizeof(*h));
	if (!h)
		return -ENOMEM;
	nla_for_each_nested(b, a, rem) {
		if (nla_type(b) != VTEL_A_HIST_BUCKET)
			continue;
		if (n == VTEL_HIST_MAX) {
			free(h);
			return bad("more than %d histogram buckets", VTEL_HIST_MAX);
		}
		err = parse_bucket(b, &h[n]);
		if (err) {
			free(h);
			return err;
		}
		n++;
	}
	if (trailing_garbage(rem)) {
		free(h);
		return bad("truncated attribute in VTEL_A_HIST");
	}
	qsort(h, n, sizeof(*h), hist_cmp);
	for (i = 1; i < n; i++) {
		if (h[i].le == h[i - 1].le) {
			unsigned long long le = h[i].le;

			free(h);
			return bad("two histogram buckets with le %llu", le);
		}
	}
	free(r->hist);
	r->hist = h;
	r->nhist = n;
	return 0;
}

static const struct nlattr *genl_attrs(const struct nlmsghdr *nlh, int *len)
{
	const struct genlmsghdr *g;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return NULL;
	g = genlmsg_hdr((struct nlmsghdr *)nlh);
	*len = genlmsg_attrlen(g, 0);
	return genlmsg_attrdata(g, 0);
}

static int set_str(struct vtel_rec *r, int t, const char *s)
{
	size_t n = strnlen(s, VTEL_STR_MAX - 1);
	char *c = malloc(n + 1);

	if (!c)
		return -ENOMEM;
	memcpy(c, s, n);
	c[n] = '\0';
	free(r->s[t]);
	r->s[t] = c;
	return 0;
}

int rec_set_str(struct vtel_rec *r, int attr, const char *s)
{
	if (attr <= 0 || attr > VTEL_REC_MAX)
		return -EINVAL;
	r->has[attr] = true;
	return set_str(r, attr, s);
}

static int parse_attrs(const struct nlattr *head, int len, struct vtel_rec *r,
		       bool nested);

/* VTEL_A_ROLLUP: the same attributes, one level down. */
static int parse_rollup(const struct nlattr *a, struct vtel_rec *r)
{
	struct vtel_rec *sub = calloc(1, sizeof(*sub));
	int err;

	if (!sub)
		return -ENOMEM;
	err = parse_attrs(nla_data(a), nla_len(a), sub, true);
	if (err) {
		vtel_rec_free(sub);
		free(sub);
		return err;
	}
	if (r->rollup) {
		vtel_rec_free(r->rollup);
		free(r->rollup);
	}
	r->rollup = sub;
	return 0;
}

static int parse_attrs(const struct nlattr *head, int len, struct vtel_rec *r,
		       bool nested)
{
	const struct nlattr *a;
	int rem, t, err;
	uint64_t v = 0;

	nla_for_each_attr(a, head, len, rem) {
		t = nla_type(a);
		if (t <= 0 || t > VTEL_A_MAX)
			continue;
		switch (vtel_attr_type(t)) {
		case T_NONE:
		case T_PAD:
			continue;
		case T_NEST:
			if (t == VTEL_A_HIST)
				err = parse_hist(a, r);
			else if (t == VTEL_A_ROLLUP && !nested)
				err = parse_rollup(a, r);
			else
				err = 0;
			if (err)
				return err;
			break;
		default:
			v = 0;
			err = get_attr(a, vtel_attr_type(t), "vtel",
				       vtel_attr_name(t), &v);
			if (!err && vtel_attr_type(t) == T_STR)
				err = set_str(r, t, nla_data(a));
			if (err)
				return err;
			r->u[t] = v;	/* 0 for strings */
			break;
		}
		r->has[t] = true;
	}
	if (trailing_garbage(rem))
		return bad("truncated attribute at the end of %s",
			   nested ? "a nest" : "a message");
	return 0;
}

int vtel_rec_parse(const struct nlmsghdr *nlh, struct vtel_rec *r)
{
	const struct nlattr *head;
	int len, err;

	memset(r, 0, sizeof(*r));
	head = genl_attrs(nlh, &len);
	if (!head)
		return bad("truncated generic netlink header");
	err = parse_attrs(head, len, r, false);
	if (err)
		vtel_rec_free(r);
	return err;
}

int vtel_rec_require(const struct vtel_rec *r, const int *attrs,
		     const char *what)
{
	for (; *attrs; attrs++)
		if (!rec_has(r, *attrs))
			return bad("%s without VTEL_A_%s", what,
				   vtel_attr_name(*attrs));
	return 0;
}

void vtel_rec_free(struct vtel_rec *r)
{
	int i;

	free(r->hist);
	r->hist = NULL;
	r->nhist = 0;
	for (i = 0; i <= VTEL_REC_MAX; i++) {
		free(r->s[i]);
		r->s[i] = NULL;
	}
	if (r->rollup) {
		vtel_rec_free(r->rollup);
		free(r->rollup);
		r->rollup = NULL;
	}
}

/* One VTEL_C_SLOW_OVERRIDE of a GET_CONFIG reply. */
static int parse_slow_override(const struct nlattr *o, struct vtel_config *c)
{
	struct vtel_slow_override *so;
	const struct nlattr *x;
	bool have_reason = false, have_ns = false;
	uint64_t v = 0;
	int rem, err;

	if (c->n_slow >= VTEL_SLOW_OVERRIDES_MAX)
		return bad("more than %d slow-exit overrides",
			   VTEL_SLOW_OVERRIDES_MAX);
	so = &c->slow[c->n_slow];
	memset(so, 0, sizeof(*so));
	nla_for_each_nested(x, o, rem) {
		switch (nla_type(x)) {
		case VTEL_S_REASON:
			err = get_attr(x, T_STR, "slow", "REASON", &v);
			if (err)
				return err;
			snprintf(so->reason, sizeof(so->reason), "%s",
				 (const char *)nla_data(x));
			have_reason = true;
			break;
		case VTEL_S_NS:
			err = get_attr(x, T_U64, "slow", "NS", &so->ns);
			if (err)
				return err;
			have_ns = true;
			break;
		}
	}
	if (trailing_garbage(rem))
		return bad("truncated attribute in VTEL_C_SLOW_OVERRIDE");
	if (!have_reason || !have_ns)
		return bad("VTEL_C_SLOW_OVERRIDE without reason or threshold");
	c->n_slow++;
	return 0;
}

int vtel_config_parse(const struct nlmsghdr *nlh, struct vtel_config *c)
{
	const struct nlattr *head, *a, *x;
	int len, rem, rem2, t, err;
	uint64_t v = 0;
	char name[16];

	memset(c, 0, sizeof(*c));
	head = genl_attrs(nlh, &len);
	if (!head)
		return bad("truncated generic netlink header");
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != VTEL_A_CONFIG)
			continue;
		nla_for_each_nested(x, a, rem2) {
			t = nla_type(x);
			if (t == VTEL_C_SLOW_OVERRIDE) {
				err = parse_slow_override(x, c);
				if (err)
					return err;
				continue;
			}
			if (t <= 0 || t > VTEL_C_MAX || vtel_cfg_type[t] == T_PAD ||
			    vtel_cfg_type[t] == T_NONE)
				continue;
			snprintf(name, sizeof(name), "%d", t);
			err = get_attr(x, vtel_cfg_type[t], "config", name, &v);
			if (err)
				return err;
			c->v[t] = v;
			c->have |= 1ULL << t;
		}
		if (trailing_garbage(rem2))
			return bad("truncated attribute in VTEL_A_CONFIG");
	}
	if (trailing_garbage(rem))
		return bad("truncated attribute at the end of a message");
	if (!c->have)
		return bad("GET_CONFIG reply without VTEL_A_CONFIG");
	return 0;
}

static int ctrl_ops(const struct nlattr *a, struct vtel_ctrl_family *f)
{
	const struct nlattr *op, *x;
	int rem, rem2, err;
	uint64_t v = 0;

	f->have_ops = true;
	nla_for_each_nested(op, a, rem) {
		nla_for_each_nested(x, op, rem2) {
			if (nla_type(x) != CTRL_ATTR_OP_ID)
				continue;
			err = get_attr(x, T_U32, "ctrl", "OP_ID", &v);
			if (err)
				return err;
			if (v < 64)
				f->ops |= 1ULL << v;
		}
	}
	return 0;
}

static int ctrl_groups(const struct nlattr *a, const char *group,
		       struct vtel_ctrl_family *f)
{
	const struct nlattr *g, *x;
	const char *name;
	int rem, rem2, err;
	uint64_t v = 0, id;
	bool match, have_id;

	nla_for_each_nested(g, a, rem) {
		match = have_id = false;
		id = 0;
		nla_for_each_nested(x, g, rem2) {
			if (nla_type(x) == CTRL_ATTR_MCAST_GRP_NAME) {
				err = get_attr(x, T_STR, "ctrl", "GRP_NAME", &v);
				if (err)
					return err;
				name = nla_data(x);
				match = group && !strcmp(name, group);
			} else if (nla_type(x) == CTRL_ATTR_MCAST_GRP_ID) {
				err = get_attr(x, T_U32, "ctrl", "GRP_ID", &id);
				if (err)
					return err;
				have_id = true;
			}
		}
		if (match && have_id && id > 0 && id <= INT32_MAX)
			f->events_group = (int)id;
	}
	return 0;
}

int vtel_ctrl_parse(const struct nlmsghdr *nlh, const char *group,
		    struct vtel_ctrl_family *f)
{
	const struct nlattr *head, *a;
	int len, rem, err;
	uint64_t v = 0;
	bool have_id = false;

	memset(f, 0, sizeof(*f));
	f->events_group = -1;
	head = genl_attrs(nlh, &len);
	if (!head)
		return bad("truncated generic netlink header");
	nla_for_each_attr(a, head, len, rem) {
		switch (nla_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			err = get_attr(a, T_U16, "ctrl", "FAMILY_ID", &v);
			if (err)
				return err;
			f->id = (int)v;
			have_id = true;
			break;
		case CTRL_ATTR_VERSION:
			err = get_attr(a, T_U32, "ctrl", "VERSION", &v);
			if (err)
				return err;
			f->version = (uint32_t)v;
			break;
		case CTRL_ATTR_OPS:
			err = ctrl_ops(a, f);
			if (err)
				return err;
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			err = ctrl_groups(a, group, f);
			if (err)
				return err;
			break;
		}
	}
	if (!have_id)
		return bad("controller reply without CTRL_ATTR_FAMILY_ID");
	return 0;
}

struct vtel_rec *vtel_list_add(struct vtel_list *l)
{
	struct vtel_rec *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

void vtel_list_clear(struct vtel_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		vtel_rec_free(&l->v[i]);
	l->n = 0;
}

void vtel_list_free(struct vtel_list *l)
{
	vtel_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}
