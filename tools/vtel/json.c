// SPDX-License-Identifier: GPL-2.0
/*
 * JSON writer. Containers nest up to JW_MAX_DEPTH; deeper writes are
 * dropped rather than corrupting the stack (no command nests that deep).
 */
#include <string.h>

#include "json.h"

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned int c = s[0], cp, len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

size_t utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void text_sanitize(char *dst, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0, l;

	if (!size)
		return;
	while (n) {
		l = utf8_seq(p, n);
		if (l <= 1) {
			if (o + 1 >= size)
				break;
			dst[o++] = (l && *p >= 0x20 && *p != 0x7f) ? (char)*p : '?';
			l = 1;
		} else {
			if (o + l >= size)
				break;
			memcpy(dst + o, p, l);
			o += l;
		}
		p += l;
		n -= l;
	}
	dst[o] = '\0';
}

static void jw_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), l;

	fputc('"', f);
	while (n) {
		l = utf8_seq(p, n);
		if (!l) {
			fputs("\\ufffd", f);
			l = 1;
		} else if (l > 1) {
			fwrite(p, 1, l, f);
		} else if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p == '\t') {
			fputs("\\t", f);
		} else if (*p == '\r') {
			fputs("\\r", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else {
			fputc(*p, f);
		}
		p += l;
		n -= l;
	}
	fputc('"', f);
}

static void jw_indent(struct vtel_out *o)
{
	int i;

	fputc('\n', o->f);
	for (i = 0; i < o->depth; i++)
		fputs("  ", o->f);
}

/* Separator, indentation and key before a member or array element. */
static void jw_member(struct vtel_out *o, const char *key)
{
	if (o->depth > 0 && o->depth <= JW_MAX_DEPTH) {
		if (o->members[o->depth - 1]++)
			fputc(',', o->f);
		if (o->pretty)
			jw_indent(o);
	}
	if (key) {
		jw_string(o->f, key);
		fputs(o->pretty ? ": " : ":", o->f);
	}
}

static void jw_open(struct vtel_out *o, const char *key, char c)
{
	jw_member(o, key);
	fputc(c, o->f);
	if (o->depth < JW_MAX_DEPTH)
		o->members[o->depth] = 0;
	o->depth++;
}

static void jw_close(struct vtel_out *o, char c)
{
	if (o->depth <= 0)
		return;
	o->depth--;
	if (o->pretty && o->depth < JW_MAX_DEPTH && o->members[o->depth])
		jw_indent(o);
	fputc(c, o->f);
}

void jw_obj_open(struct vtel_out *o, const char *key)
{
	jw_open(o, key, '{');
}

void jw_obj_close(struct vtel_out *o)
{
	jw_close(o, '}');
}

void jw_arr_open(struct vtel_out *o, const char *key)
{
	jw_open(o, key, '[');
}

void jw_arr_close(struct vtel_out *o)
{
	jw_close(o, ']');
}

void jw_u64(struct vtel_out *o, const char *key, uint64_t v)
{
	jw_member(o, key);
	fprintf(o->f, "%llu", (unsigned long long)v);
}

void jw_str(struct vtel_out *o, const char *key, const char *s)
{
	jw_member(o, key);
	jw_string(o->f, s);
}

void jw_bool(struct vtel_out *o, const char *key, bool v)
{
	jw_member(o, key);
	fputs(v ? "true" : "false", o->f);
}

void jw_null(struct vtel_out *o, const char *key)
{
	jw_member(o, key);
	fputs("null", o->f);
}

void jw_num(struct vtel_out *o, const char *key, const char *literal)
{
	jw_member(o, key);
	fputs(literal, o->f);
}

void jw_end(struct vtel_out *o)
{
	fputc('\n', o->f);
	fflush(o->f);
}
