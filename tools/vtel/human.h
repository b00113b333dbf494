/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Humanised numbers for tables: 1.2M, 35.1µs, 2.3s, 1.50%. Exact decimal
 * strings for JSON and Prometheus. Every function writes into buf (at least
 * HUMAN_LEN bytes) and returns it.
 */
#ifndef VTEL_HUMAN_H
#define VTEL_HUMAN_H

#include <stdint.h>

#define HUMAN_LEN	32

char *human_count(char *buf, uint64_t v);
char *human_ns(char *buf, uint64_t ns);
char *human_ppm(char *buf, uint64_t ppm);
char *human_rate(char *buf, double per_s);
/* Exact decimal v / 10^scale, trailing zeros trimmed: 1500000/6 = "1.5". */
char *exact_decimal(char *buf, uint64_t v, unsigned int scale);

#endif /* VTEL_HUMAN_H */
