/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field tables: each command describes its fields once (JSON key, table
 * title, attribute, format) and the same description prints a table, a
 * "title value" record, or JSON with exact integers.
 */
#ifndef VTEL_PRINT_H
#define VTEL_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "vtel.h"

enum vtel_fmt {
	VF_ID,		/* plain integer */
	VF_COUNT,	/* text: 1.2M */
	VF_NS,		/* text: 35.1µs; JSON: ns */
	VF_TNS,		/* VF_NS, but "-"/null while VTEL_A_TIMED is 0 */
	VF_PPM,		/* text: 1.50%; JSON: ppm */
	VF_PCT,		/* text: 1.50%; JSON: percent, exact decimal */
	VF_STR,
	VF_BOOL,
	VF_STATE,	/* enum vtel_vm_state */
	VF_ISA,		/* enum vtel_isa_value */
	VF_EVENT,	/* enum vtel_event */
	VF_HEX,		/* text: 0x10; JSON: integer */
	VF_ADDR_KIND,	/* enum vtel_addr_kind_value */
};

#define VC_JSON		1	/* JSON only */
#define VC_TEXT		2	/* text only */
#define VC_OPT		4	/* text: left out when absent (an older module) */

struct vtel_col {
	const char *key;	/* JSON member name */
	const char *title;	/* table header or record label */
	int attr;
	enum vtel_fmt fmt;
	unsigned int flags;
};

#define VTEL_CELL	72

/*
 * The time split of a view or VM, after its guest time: the five buckets
 * (see include/uapi/linux/vtel.h) and the polling inside idle. Text shows
 * them unless flags hide them (VC_JSON).
 */
#define VTEL_SPLIT_COLS(flags)						\
	{ "kvm_ns", "KVM", VTEL_A_KVM_NS, VF_NS, (flags) },		\
	{ "vmm_ns", "VMM", VTEL_A_VMM_NS, VF_NS, (flags) },		\
	{ "wait_ns", "WAIT", VTEL_A_WAIT_NS, VF_NS, (flags) },		\
	{ "idle_ns", "IDLE", VTEL_A_IDLE_NS, VF_NS, (flags) },		\
	{ "poll_ns", "POLL", VTEL_A_POLL_NS, VF_NS, VC_JSON }
/* wait / (guest + kvm + vmm + wait), after the overhead. */
#define VTEL_WAIT_COLS(flags)						\
	{ "wait_ppm", "WAIT%", VTEL_A_WAIT_PPM, VF_PPM, (flags) },	\
	{ "wait_pct", "", VTEL_A_WAIT_PPM, VF_PCT, VC_JSON }

/* Text of one field ("-" when absent). */
char *vtel_col_text(char *buf, size_t size, const struct vtel_col *c,
		    const struct vtel_rec *r);
/* One JSON member (null when absent). */
void vtel_col_json(struct vtel_out *o, const struct vtel_col *c,
		   const struct vtel_rec *r);

/* Members of the current JSON object, or "title  value" lines. */
void vtel_print_record(struct vtel_out *o, const struct vtel_col *cols,
		       size_t ncols, const struct vtel_rec *r);
/* Width of the widest title shown in text mode. */
size_t vtel_record_width(const struct vtel_col *cols, size_t ncols);
/* "title value, title value" on one line (text), members (JSON). */
void vtel_print_inline(struct vtel_out *o, const struct vtel_col *cols,
		       size_t ncols, const struct vtel_rec *r);
/* A table (text) or a JSON array named key of objects. */
void vtel_print_table(struct vtel_out *o, const char *key,
		      const struct vtel_col *cols, size_t ncols,
		      const struct vtel_rec *const *rows, size_t nrows);

/* A plain text table: cells is nrows * ncols strings of VTEL_CELL. */
struct vtel_table {
	unsigned int ncols;
	const char *const *titles;
	const bool *left;	/* left-aligned columns */
	char (*cells)[VTEL_CELL];
	size_t nrows, cap;
};

int vtel_table_init(struct vtel_table *t, unsigned int ncols,
		    const char *const *titles, const bool *left);
/* The cells of a new row, or NULL on allocation failure. */
char (*vtel_table_row(struct vtel_table *t))[VTEL_CELL];
/* Prints the header and at most maxrows rows (0: all). */
void vtel_table_print(FILE *f, const struct vtel_table *t, size_t maxrows);
void vtel_table_free(struct vtel_table *t);

#endif /* VTEL_PRINT_H */
