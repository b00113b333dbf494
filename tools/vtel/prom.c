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

static void labels(FILE *f, const struct prom_label *l, size_t nl,
		   const char *le)
{
	size_t i;

	if (!nl && !le)
		return;
	putc_unlocked('{', f);
	for (i = 0; i < nl; i++) {
		if (i)
			putc_unlocked(',', f);
		out_puts(f, l[i].name);
		out_puts(f, "=\"");
		prom_escape(f, l[i].value, 0);
		putc_unlocked('"', f);
	}
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

void prom_histogram(FILE *f, const char *name, const struct prom_label *l,
		    size_t nl, const struct vtel_bucket *h, size_t nh,
		    uint64_t count, uint64_t sum_ns)
{
	char le[HUMAN_LEN], sname[128];
	uint64_t cum = 0, b;
	size_t i = 0;

	/*
	 * The fixed ladder 0, 1, 3, ... PROM_LADDER_MAX: exact, since no
	 * kernel bucket straddles a power of two.
	 */
	for (b = 0;; b = b * 2 + 1) {
		while (i < nh && h[i].le <= b)
			cum += h[i++].count;
		bucket(f, name, l, nl, exact_decimal(le, b, 9), cum);
		if (b >= PROM_LADDER_MAX)
			break;
	}
	while (i < nh)
		cum += h[i++].count;
	if (count < cum)
		count = cum;
	bucket(f, name, l, nl, "+Inf", count);
	snprintf(sname, sizeof(sname), "%s_sum", name);
	prom_sample_ns(f, sname, l, nl, sum_ns);
	snprintf(sname, sizeof(sname), "%s_count", name);
	prom_sample_u64(f, sname, l, nl, count);
}
