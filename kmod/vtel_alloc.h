/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation helpers. Every allocation of vtel goes through one of these,
 * so that vtel's fault attribute (fail_alloc, CONFIG_FAULT_INJECTION) can
 * fail each call site: at load time through the module parameter
 * fail_alloc=<interval>,<probability>,<space>,<times>, at run time through
 * debugfs vtel/fail_alloc/ or /proc/<pid>/fail-nth. An injected failure
 * is logged with its call site, "injected allocation failure at FILE:LINE"
 * (tests/debug/fault.sh fails every site). Without fault injection the
 * helpers are the plain allocators.
 */
#ifndef _VTEL_ALLOC_H
#define _VTEL_ALLOC_H

#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/genetlink.h>

struct dentry;

#ifdef CONFIG_FAULT_INJECTION
bool vtel_alloc_fail(size_t size, const char *file, int line);
void vtel_alloc_debugfs(struct dentry *parent);
#else
static inline bool vtel_alloc_fail(size_t size, const char *file, int line)
{
	return false;
}

static inline void vtel_alloc_debugfs(struct dentry *parent)
{
}
#endif

#define vtel_fail(size)		vtel_alloc_fail(size, __FILE__, __LINE__)

#define vtel_kmalloc(size, gfp) \
	(vtel_fail(size) ? NULL : kmalloc(size, gfp))
#define vtel_kzalloc(size, gfp) \
	(vtel_fail(size) ? NULL : kzalloc(size, gfp))
#define vtel_kvmalloc(size, gfp) \
	(vtel_fail(size) ? NULL : kvmalloc(size, gfp))
#define vtel_kvzalloc(size, gfp) \
	(vtel_fail(size) ? NULL : kvzalloc(size, gfp))
#define vtel_kvcalloc(n, size, gfp) \
	(vtel_fail((n) * (size)) ? NULL : kvcalloc(n, size, gfp))
#define vtel_alloc_percpu(type) \
	(vtel_fail(sizeof(type)) ? NULL : alloc_percpu(type))
#define vtel_genlmsg_new(size, gfp) \
	(vtel_fail(size) ? NULL : genlmsg_new(size, gfp))

#endif /* _VTEL_ALLOC_H */
