/* SPDX-License-Identifier: GPL-2.0 */
/* Views (GET_VIEW) and exit rows (GET_EXITS): shared by exits and hist. */
#ifndef VTEL_VIEW_H
#define VTEL_VIEW_H

#include "args.h"
#include "print.h"

extern const struct vtel_col vtel_exit_cols[];
extern const size_t vtel_exit_ncols;

/* "host", "vm" or "vcpu", from the attributes the view reply carries. */
const char *vtel_view_type(const struct vtel_rec *v);
/* Text: a one-line summary. JSON: the member "view": {...}. */
void vtel_print_view(struct vtel_out *o, const struct vtel_rec *v);

/*
 * cmd_exits.c: pins a --pid selector to the VM id, a cgroup path or
 * directory to the cgroup id, that GET_VIEW answered.
 */
void vtel_pin_sel(struct vtel_sel *sel, const struct vtel_rec *view);
/* cmd_io.c: "in", "out", "read", "write", "access", "other". */
const char *vtel_addr_kind_name(uint64_t kind);
bool vtel_addr_is_pio(uint64_t kind);
/* Pointers to l's records sorted by key, descending; free() them. */
const struct vtel_rec **vtel_sort_exits(const struct vtel_list *l,
					enum vtel_sort key);

#endif /* VTEL_VIEW_H */
