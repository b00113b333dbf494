/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model: one record type for every vtel message, since all
 * commands share one attribute space. A record holds each integer
 * attribute widened to u64, each string attribute copied, the histogram
 * if any, and a bitmask of which attributes were present.
 */
#ifndef VTEL_MODEL_H
#define VTEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vtel.h>

struct nlmsghdr;

#define VTEL_STR_MAX		4096	/* longer strings are truncated */
#define VTEL_HIST_MAX		512	/* buckets accepted per reason */

_Static_assert(VTEL_C_MAX < 64, "config bitmask is a u64");

struct vtel_bucket {
	uint64_t le;		/* inclusive upper bound, ns; UINT64_MAX: open */
	uint64_t count;
};

/*
 * Attributes the CLI adds to records itself, after the kernel's: never on
 * the wire, never parsed from it (vmname.h).
 */
enum {
	VTEL_X_VM_NAME = VTEL_A_MAX + 1,	/* string */
	VTEL_X_VM_NAME_SRC,			/* string: qemu, libvirt, k8s, comm */
	VTEL_X_COUNT_PPM,			/* u64: a row's share of its table's count */
	VTEL_X_TIME_PPM,			/* u64: ... and of its time */
	VTEL_X_AVG_NS,				/* u64: a row's time / count */
	__VTEL_X_MAX
};
#define VTEL_REC_MAX	(__VTEL_X_MAX - 1)

struct vtel_rec {
	bool has[VTEL_REC_MAX + 1];		/* attribute n seen */
	uint64_t u[VTEL_REC_MAX + 1];
	char *s[VTEL_REC_MAX + 1];		/* string attributes, malloc()ed */
	struct vtel_bucket *hist;		/* VTEL_A_HIST, sorted by le */
	unsigned int nhist;
	struct vtel_rec *rollup;		/* VTEL_A_ROLLUP */
};

struct vtel_list {
	struct vtel_rec *v;
	size_t n, cap;
};

/* A per-reason slow-exit threshold (VTEL_C_SLOW_OVERRIDE). */
struct vtel_slow_override {
	char reason[64];		/* VTEL_REASON_MAX + 1 */
	uint64_t ns;
	bool clear;		/* set: back to the default threshold */
};

#define VTEL_SLOW_OVERRIDES_MAX	64

struct vtel_config {
	uint64_t have;
	uint64_t v[VTEL_C_MAX + 1];
	unsigned int n_slow;
	struct vtel_slow_override slow[VTEL_SLOW_OVERRIDES_MAX];
};

/* The generic netlink controller's answer about a family. */
struct vtel_ctrl_family {
	int id;
	uint32_t version;
	bool have_ops;
	uint64_t ops;
	int events_group;
};

static inline bool rec_has(const struct vtel_rec *r, int attr)
{
	return attr > 0 && attr <= VTEL_REC_MAX && r->has[attr];
}

/* Marks attr present with value v (synthetic records, tests). */
static inline void rec_set(struct vtel_rec *r, int attr, uint64_t v)
{
	if (attr > 0 && attr <= VTEL_REC_MAX) {
		r->has[attr] = true;
		r->u[attr] = v;
	}
}

static inline uint64_t rec_u(const struct vtel_rec *r, int attr)
{
	return rec_has(r, attr) ? r->u[attr] : 0;
}

/* The string attribute, or NULL when absent. */
static inline const char *rec_s(const struct vtel_rec *r, int attr)
{
	return rec_has(r, attr) && r->s[attr] ? r->s[attr] : NULL;
}

/* The string attribute, or "" when absent. */
static inline const char *rec_str(const struct vtel_rec *r, int attr)
{
	const char *s = rec_s(r, attr);

	return s ? s : "";
}

/* Sets a string attribute (synthetic records, tests); 0 or -ENOMEM. */
int rec_set_str(struct vtel_rec *r, int attr, const char *s);

/*
 * Parse one generic netlink message into r (zeroed first). Rejects, with
 * -VTEL_EBADREPLY and a reason in vtel_model_error(): a truncated header,
 * an attribute of the wrong size, a string without its NUL, a malformed
 * histogram. Attributes beyond VTEL_A_MAX (a newer kernel) are ignored.
 */
int vtel_rec_parse(const struct nlmsghdr *nlh, struct vtel_rec *r);
/* -VTEL_EBADREPLY unless every attribute of the 0-ended list is present. */
int vtel_rec_require(const struct vtel_rec *r, const int *attrs,
		     const char *what);
/* The type vtel_rec_parse() expects of attr; VTEL_T_NONE: ignored. */
enum vtel_attr_type {
	VTEL_T_NONE, VTEL_T_PAD, VTEL_T_U8, VTEL_T_U16, VTEL_T_U32,
	VTEL_T_U64, VTEL_T_STR, VTEL_T_NEST,
};
enum vtel_attr_type vtel_attr_type(int attr);
enum vtel_attr_type vtel_config_type(int attr);
void vtel_rec_free(struct vtel_rec *r);

int vtel_config_parse(const struct nlmsghdr *nlh, struct vtel_config *c);
int vtel_ctrl_parse(const struct nlmsghdr *nlh, const char *group,
		    struct vtel_ctrl_family *f);

struct vtel_rec *vtel_list_add(struct vtel_list *l);
void vtel_list_clear(struct vtel_list *l);
void vtel_list_free(struct vtel_list *l);

const char *vtel_attr_name(int attr);
const char *vtel_model_error(void);
/* Records why a reply is malformed; returns -VTEL_EBADREPLY. */
int vtel_model_set_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* VTEL_MODEL_H */
