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

/* Bytes that JSON takes as they are: printable ASCII but '"' and '\\'. */
static bool jw_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Plain bytes are copied as they are; only escapes and UTF-8 sequences
 * are looked at one by one.
 */
static void jw_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), l;

	putc_unlocked('"', f);
	while (n) {
		if (jw_plain(*p)) {
			putc_unlocked(*p++, f);
			n--;
			continue;
		}
		l = utf8_seq(p, n);
		if (!l) {
			out_puts(f, "\\ufffd");
			l = 1;
		} else if (l > 1) {
			out_put(f, (const char *)p, l);
		} else if (*p == '"' || *p == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(*p, f);
		} else if (*p == '\n') {
			out_puts(f, "\\n");
		} else if (*p == '\t') {
			out_puts(f, "\\t");
		} else if (*p == '\r') {
			out_puts(f, "\\r");
		} else {
			fprintf(f, "\\u%04x", *p);
		}
		p += l;
		n -= l;
	}
	putc_unlocked('"', f);
}

static void jw_indent(struct vtel_out *o)
{
	int i;

	putc_unlocked('\n', o->f);
	for (i = 0; i < o->depth; i++)
		out_puts(o->f, "  ");
}

/* Separator, indentation and key before a member or array element. */
static void jw_member(struct vtel_out *o, const char *key)
{
	if (o->depth > 0 && o->depth <= JW_MAX_DEPTH) {
		if (o->members[o->depth - 1]++)
			putc_unlocked(',', o->f);
		if (o->pretty)
			jw_indent(o);
	}
	if (key) {
		jw_string(o->f, key);
		out_puts(o->f, o->pretty ? ": " : ":");
	}
}

static void jw_open(struct vtel_out *o, const char *key, char c)
{
	jw_member(o, key);
	putc_unlocked(c, o->f);
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
	putc_unlocked(c, o->f);
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
	out_u64(o->f, v);
}

void jw_str(struct vtel_out *o, const char *key, const char *s)
{
	jw_member(o, key);
	jw_string(o->f, s);
}

void jw_bool(struct vtel_out *o, const char *key, bool v)
{
	jw_member(o, key);
	out_puts(o->f, v ? "true" : "false");
}

void jw_null(struct vtel_out *o, const char *key)
{
	jw_member(o, key);
	out_puts(o->f, "null");
}

void jw_num(struct vtel_out *o, const char *key, const char *literal)
{
	jw_member(o, key);
	out_puts(o->f, literal);
}

void jw_end(struct vtel_out *o)
{
	fputc('\n', o->f);
	fflush(o->f);
}
