// SPDX-License-Identifier: GPL-2.0
/*
 * The print path shared by every command: field tables rendered as text
 * tables, records or JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "human.h"
#include "print.h"
#include "view.h"

static const char *state_name(uint64_t v)
{
	switch (v) {
	case VTEL_VM_STATE_LIVE:
		return "live";
	case VTEL_VM_STATE_RETIRED:
		return "retired";
	default:
		return NULL;
	}
}

static const char *isa_name(uint64_t v)
{
	switch (v) {
	case VTEL_ISA_VALUE_VMX:
		return "vmx";
	case VTEL_ISA_VALUE_SVM:
		return "svm";
	default:
		return NULL;
	}
}

static const char *event_name(uint64_t v)
{
	switch (v) {
	case VTEL_EVENT_VM_START:
		return "start";
	case VTEL_EVENT_VM_STOP:
		return "stop";
	default:
		return NULL;
	}
}

static const char *enum_name(enum vtel_fmt fmt, uint64_t v)
{
	switch (fmt) {
	case VF_STATE:
		return state_name(v);
	case VF_ISA:
		return isa_name(v);
	case VF_ADDR_KIND:
		return vtel_addr_kind_name(v);
	default:
		return event_name(v);
	}
}

/* Timing fields mean nothing until an exit of the reason was timed. */
static bool untimed(const struct vtel_col *c, const struct vtel_rec *r)
{
	return c->fmt == VF_TNS && rec_has(r, VTEL_A_TIMED) &&
	       !rec_u(r, VTEL_A_TIMED);
}

char *vtel_col_text(char *buf, size_t size, const struct vtel_col *c,
		    const struct vtel_rec *r)
{
	char h[HUMAN_LEN];
	const char *name;
	uint64_t v = rec_u(r, c->attr);

	if (!rec_has(r, c->attr) || untimed(c, r)) {
		snprintf(buf, size, "-");
		return buf;
	}
	switch (c->fmt) {
	case VF_ID:
		snprintf(buf, size, "%llu", (unsigned long long)v);
		break;
	case VF_HEX:
		snprintf(buf, size, "0x%llx", (unsigned long long)v);
		break;
	case VF_COUNT:
		snprintf(buf, size, "%s", human_count(h, v));
		break;
	case VF_NS:
	case VF_TNS:
		snprintf(buf, size, "%s", human_ns(h, v));
		break;
	case VF_PPM:
	case VF_PCT:
		snprintf(buf, size, "%s", human_ppm(h, v));
		break;
	case VF_STR:
		text_sanitize(buf, size, rec_s(r, c->attr));
		if (!buf[0])
			snprintf(buf, size, "-");
		break;
	case VF_BOOL:
		snprintf(buf, size, "%s", v ? "yes" : "no");
		break;
	case VF_STATE:
	case VF_ISA:
	case VF_EVENT:
	case VF_ADDR_KIND:
		name = enum_name(c->fmt, v);
		if (name)
			snprintf(buf, size, "%s", name);
		else
			snprintf(buf, size, "%llu", (unsigned long long)v);
		break;
	}
	return buf;
}

void vtel_col_json(struct vtel_out *o, const struct vtel_col *c,
		   const struct vtel_rec *r)
{
	char h[HUMAN_LEN];
	const char *name;
	uint64_t v = rec_u(r, c->attr);

	if (!rec_has(r, c->attr) || untimed(c, r)) {
		jw_null(o, c->key);
		return;
	}
	switch (c->fmt) {
	case VF_PCT:
		jw_num(o, c->key, exact_decimal(h, v, 4));
		break;
	case VF_STR:
		jw_str(o, c->key, rec_s(r, c->attr));
		break;
	case VF_BOOL:
		jw_bool(o, c->key, v);
		break;
	case VF_STATE:
	case VF_ISA:
	case VF_EVENT:
	case VF_ADDR_KIND:
		name = enum_name(c->fmt, v);
		if (name)
			jw_str(o, c->key, name);
		else
			jw_u64(o, c->key, v);
		break;
	default:
		jw_u64(o, c->key, v);
		break;
	}
}

static bool shown(const struct vtel_out *o, const struct vtel_col *c)
{
	return !(c->flags & (o->json ? VC_TEXT : VC_JSON));
}

/*
 * A field of this record: shown, and in text present unless it may be
 * absent (JSON always has the key, null when absent).
 */
static bool member(const struct vtel_out *o, const struct vtel_col *c,
		   const struct vtel_rec *r)
{
	return shown(o, c) &&
	       (o->json || !(c->flags & VC_OPT) || rec_has(r, c->attr));
}

size_t vtel_record_width(const struct vtel_col *cols, size_t ncols)
{
	size_t i, w = 0;

	for (i = 0; i < ncols; i++)
		if (!(cols[i].flags & VC_JSON) && utf8_width(cols[i].title) > w)
			w = utf8_width(cols[i].title);
	return w;
}

void vtel_print_record(struct vtel_out *o, const struct vtel_col *cols,
		       size_t ncols, const struct vtel_rec *r)
{
	char buf[VTEL_CELL];
	size_t i, w = o->json ? 0 : vtel_record_width(cols, ncols);
	for (i = 0; i < ncols; i++) {
		if (!member(o, &cols[i], r))
			continue;
		if (o->json) {
			vtel_col_json(o, &cols[i], r);
			continue;
		}
		if (!rec_has(r, cols[i].attr))
			continue;	/* e.g. an older module's */
		fprintf(o->f, "%s:%*s %s\n", cols[i].title,
			(int)(w - utf8_width(cols[i].title)), "",
			vtel_col_text(buf, sizeof(buf), &cols[i], r));
	}
}

void vtel_print_inline(struct vtel_out *o, const struct vtel_col *cols,
		       size_t ncols, const struct vtel_rec *r)
{
	char buf[VTEL_CELL];
	const char *sep = "";
	size_t i;

	for (i = 0; i < ncols; i++) {
		if (!member(o, &cols[i], r))
			continue;
		if (o->json) {
			vtel_col_json(o, &cols[i], r);
			continue;
		}
		if (!rec_has(r, cols[i].attr) || untimed(&cols[i], r))
			continue;
		fprintf(o->f, "%s%s%s%s", sep, cols[i].title,
			cols[i].title[0] ? " " : "",
			vtel_col_text(buf, sizeof(buf), &cols[i], r));
		sep = ", ";
	}
	if (!o->json)
		fputc('\n', o->f);
}

static bool col_left(const struct vtel_col *c)
{
	return c->fmt == VF_STR || c->fmt == VF_STATE || c->fmt == VF_ISA ||
	       c->fmt == VF_EVENT || c->fmt == VF_HEX || c->fmt == VF_ADDR_KIND;
}

void vtel_print_table(struct vtel_out *o, const char *key,
		      const struct vtel_col *cols, size_t ncols,
		      const struct vtel_rec *const *rows, size_t nrows)
{
	const char *titles[32];
	bool left[32];
	unsigned int idx[32], n = 0, j;
	struct vtel_table t;
	char (*cells)[VTEL_CELL];
	size_t i;

	if (o->json) {
		jw_arr_open(o, key);
		for (i = 0; i < nrows; i++) {
			jw_obj_open(o, NULL);
			vtel_print_record(o, cols, ncols, rows[i]);
			jw_obj_close(o);
		}
		jw_arr_close(o);
		return;
	}
	for (i = 0; i < ncols && n < ARRAY_SIZE(idx); i++) {
		size_t k;

		if (!shown(o, &cols[i]))
			continue;
		for (k = 0; cols[i].flags & VC_OPT && k < nrows; k++)
			if (rec_has(rows[k], cols[i].attr))
				break;
		if (cols[i].flags & VC_OPT && k == nrows)
			continue;	/* no row has it */
		titles[n] = cols[i].title;
		left[n] = col_left(&cols[i]);
		idx[n++] = (unsigned int)i;
	}
	if (vtel_table_init(&t, n, titles, left))
		return;
	for (i = 0; i < nrows; i++) {
		cells = vtel_table_row(&t);
		if (!cells)
			break;
		for (j = 0; j < n; j++)
			vtel_col_text(cells[j], VTEL_CELL, &cols[idx[j]],
				      rows[i]);
	}
	vtel_table_print(o->f, &t, 0);
	vtel_table_free(&t);
}

int vtel_table_init(struct vtel_table *t, unsigned int ncols,
		    const char *const *titles, const bool *left)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->titles = titles;
	t->left = left;
	return ncols ? 0 : -1;
}

char (*vtel_table_row(struct vtel_table *t))[VTEL_CELL]
{
	char (*c)[VTEL_CELL];
	size_t cap;

	if (t->nrows == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		c = realloc(t->cells, cap * t->ncols * sizeof(*c));
		if (!c)
			return NULL;
		t->cells = c;
		t->cap = cap;
	}
	c = t->cells + t->nrows++ * t->ncols;
	memset(c, 0, t->ncols * sizeof(*c));
	return c;
}

/* Appends s padded to w columns, then the column gap. */
static void cell(char *line, size_t *len, size_t size, const char *s,
		 size_t w, bool left)
{
	size_t pad = w - utf8_width(s);
	int n;

	n = snprintf(line + *len, size - *len, "%*s%s%*s  ",
		     left ? 0 : (int)pad, "", s, left ? (int)pad : 0, "");
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

/* One line, without trailing blanks. */
static void line_end(FILE *f, char *line, size_t len)
{
	while (len && line[len - 1] == ' ')
		len--;
	fwrite(line, 1, len, f);
	fputc('\n', f);
}

void vtel_table_print(FILE *f, const struct vtel_table *t, size_t maxrows)
{
	char line[32 * (VTEL_CELL + 2) + 1];
	size_t w[32] = { 0 }, i, n = t->nrows, len;
	unsigned int j, nc = t->ncols < 32 ? t->ncols : 32;

	if (maxrows && n > maxrows)
		n = maxrows;
	for (j = 0; j < nc; j++) {
		w[j] = utf8_width(t->titles[j]);
		for (i = 0; i < n; i++)
			if (utf8_width(t->cells[i * t->ncols + j]) > w[j])
				w[j] = utf8_width(t->cells[i * t->ncols + j]);
	}
	for (j = 0, len = 0; j < nc; j++)
		cell(line, &len, sizeof(line), t->titles[j], w[j], t->left[j]);
	line_end(f, line, len);
	for (i = 0; i < n; i++) {
		for (j = 0, len = 0; j < nc; j++)
			cell(line, &len, sizeof(line), t->cells[i * t->ncols + j],
			     w[j], t->left[j]);
		line_end(f, line, len);
	}
}

void vtel_table_free(struct vtel_table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
