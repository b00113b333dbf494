/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer, compact or pretty, plus the UTF-8 helpers every
 * output format shares. Integers are written exactly; strings are always
 * valid UTF-8 JSON (invalid bytes become U+FFFD).
 */
#ifndef VTEL_JSON_H
#define VTEL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH	16

struct vtel_out {
	FILE *f;
	bool json;
	bool pretty;
	int depth;
	unsigned int members[JW_MAX_DEPTH];
};

void jw_obj_open(struct vtel_out *o, const char *key);
void jw_obj_close(struct vtel_out *o);
void jw_arr_open(struct vtel_out *o, const char *key);
void jw_arr_close(struct vtel_out *o);
void jw_u64(struct vtel_out *o, const char *key, uint64_t v);
void jw_str(struct vtel_out *o, const char *key, const char *s);
void jw_bool(struct vtel_out *o, const char *key, bool v);
void jw_null(struct vtel_out *o, const char *key);
/* A number already formatted as a valid JSON number literal. */
void jw_num(struct vtel_out *o, const char *key, const char *literal);
/* Ends a top-level value with a newline. */
void jw_end(struct vtel_out *o);

/*
 * Byte writers for dumps, which write tens of thousands of short pieces:
 * into stdio's buffer byte by byte (putc_unlocked is a compare and a
 * store; the CLI is single-threaded), not through fprintf or fwrite.
 */
static inline void out_put(FILE *f, const char *s, size_t n)
{
	while (n--)
		putc_unlocked(*s++, f);
}

static inline void out_puts(FILE *f, const char *s)
{
	while (*s)
		putc_unlocked(*s++, f);
}

/* v in decimal into buf (at least 21 bytes); returns the start. */
static inline char *out_u64_str(char *buf, uint64_t v)
{
	char *p = buf + 20;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static inline void out_u64(FILE *f, uint64_t v)
{
	char buf[21];

	out_puts(f, out_u64_str(buf, v));
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
size_t utf8_seq(const unsigned char *s, size_t n);
/* Terminal columns a valid UTF-8 string takes (one per code point). */
size_t utf8_width(const char *s);
/*
 * Copies s to dst for a terminal: control characters and invalid UTF-8
 * become '?'. Always NUL-terminates; truncates at a sequence boundary.
 */
void text_sanitize(char *dst, size_t size, const char *s);

#endif /* VTEL_JSON_H */
