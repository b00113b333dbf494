// SPDX-License-Identifier: GPL-2.0
/* Prometheus text exposition writer. */
#include <string.h>

#include "human.h"
#include "json.h"
#include "prom.h"

void prom_escape(FILE *f, const char *s, int help)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), l;

	while (n) {
		l = *p < 0x80 ? 1 : utf8_seq(p, n);
		if (!l) {
			out_puts(f, "\xef\xbf\xbd");	/* U+FFFD */
			l = 1;
		} else if (*p == '\\') {
			out_puts(f, "\\\\");
		} else if (*p == '\n') {
			out_puts(f, "\\n");
		} else if (*p == '"' && !help) {
			out_puts(f, "\\\"");
		} else {
			out_put(f, (const char *)p, l);
		}
		p += l;
		n -= l;
	}
}

void prom_family(FILE *f, const char *name, const char *type,
		 const char *help)
{
	fprintf(f, "# HELP %s ", name);
	prom_escape(f, help, 1);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

/* name="value",... */
static void label_list(FILE *f, const struct prom_label *l, size_t nl)
{
	size_t i;

	for (i = 0; i < nl; i++) {
		if (i)
			putc_unlocked(',', f);
		out_puts(f, l[i].name);
		out_puts(f, "=\"");
		prom_escape(f, l[i].value, 0);
		putc_unlocked('"', f);
	}
}

static void labels(FILE *f, const struct prom_label *l, size_t nl,
		   const char *le)
{
	if (!nl && !le)
		return;
	putc_unlocked('{', f);
	label_list(f, l, nl);
	if (le) {
		out_puts(f, nl ? ",le=\"" : "le=\"");
		out_puts(f, le);
		putc_unlocked('"', f);
	}
	putc_unlocked('}', f);
}

void prom_sample(FILE *f, const char *name, const struct prom_label *l,
		 size_t nl, const char *value)
{
	out_puts(f, name);
	labels(f, l, nl, NULL);
	putc_unlocked(' ', f);
	out_puts(f, value);
	putc_unlocked('\n', f);
}

void prom_sample_u64(FILE *f, const char *name, const struct prom_label *l,
		     size_t nl, uint64_t v)
{
	char buf[HUMAN_LEN];

	prom_sample(f, name, l, nl, exact_decimal(buf, v, 0));
}

void prom_sample_ns(FILE *f, const char *name, const struct prom_label *l,
		    size_t nl, uint64_t ns)
{
	char buf[HUMAN_LEN];

	prom_sample(f, name, l, nl, exact_decimal(buf, ns, 9));
}

static void bucket(FILE *f, const char *name, const struct prom_label *l,
		   size_t nl, const char *le, uint64_t cum)
{
	out_puts(f, name);
	out_puts(f, "_bucket");
	labels(f, l, nl, le);
	putc_unlocked(' ', f);
	out_u64(f, cum);
	putc_unlocked('\n', f);
}

/* The finite le bounds of the ladder, 0, 1, 3, ... PROM_LADDER_MAX. */
#define PROM_LADDER_N	38
_Static_assert((1ULL << (PROM_LADDER_N - 1)) - 1 == PROM_LADDER_MAX,
	       "the ladder ends at PROM_LADDER_MAX");

static const char *ladder_le(unsigned int i)
{
	static char buf[PROM_LADDER_N][HUMAN_LEN];
	static const char *le[PROM_LADDER_N];

	if (!le[i])
		le[i] = exact_decimal(buf[i], (1ULL << i) - 1, 9);
	return le[i];
}

/*
 * "name_bucket{labels,le=\"", escaped once for the series' 39 buckets into
 * a buffer kept for the next series; NULL (print each bucket's labels) if
 * there is no memory.
 */
static const char *bucket_prefix(const char *name, const struct prom_label *l,
				 size_t nl, size_t *len)
{
	static char *p;
	static size_t size;
	static FILE *m;
	long n;

	if (!m)
		m = open_memstream(&p, &size);
	if (!m)
		return NULL;
	rewind(m);
	out_puts(m, name);
	out_puts(m, "_bucket{");
	label_list(m, l, nl);
	out_puts(m, nl ? ",le=\"" : "le=\"");
	n = ftell(m);
	if (fflush(m) || ferror(m) || n < 0)
		return NULL;
	*len = n;
	return p;
}

static void bucket_with(FILE *f, const char *pre, size_t npre,
			const char *name, const struct prom_label *l,
			size_t nl, const char *le, uint64_t cum)
{
	if (!pre) {
		bucket(f, name, l, nl, le, cum);
		return;
	}
	fwrite_unlocked(pre, 1, npre, f);
	out_puts(f, le);
	out_puts(f, "\"} ");
	out_u64(f, cum);
	putc_unlocked('\n', f);
}

void prom_histogram(FILE *f, const char *name, const struct prom_label *l,
		    size_t nl, const struct vtel_bucket *h, size_t nh,
		    uint64_t count, uint64_t sum_ns)
{
	size_t npre = 0, i = 0;
	const char *pre = bucket_prefix(name, l, nl, &npre);
	char sname[128];
	uint64_t cum = 0;
	unsigned int k;

	/*
	 * The fixed ladder 0, 1, 3, ... PROM_LADDER_MAX: exact, since no
	 * kernel bucket straddles a power of two.
	 */
	for (k = 0; k < PROM_LADDER_N; k++) {
		while (i < nh && h[i].le <= (1ULL << k) - 1)
			cum += h[i++].count;
		bucket_with(f, pre, npre, name, l, nl, ladder_le(k), cum);
	}
	while (i < nh)
		cum += h[i++].count;
	if (count < cum)
		count = cum;
	bucket_with(f, pre, npre, name, l, nl, "+Inf", count);
	snprintf(sname, sizeof(sname), "%s_sum", name);
	prom_sample_ns(f, sname, l, nl, sum_ns);
	snprintf(sname, sizeof(sname), "%s_count", name);
	prom_sample_u64(f, sname, l, nl, count);
}
