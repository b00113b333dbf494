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
 *
 * A second attribute, fail_attach (same syntax, debugfs vtel/fail_attach/),
 * fails the steps of attaching to kvm in order (destroy kprobe, kvm_entry,
 * kvm_exit, the split's marks), for tests/debug/attach.sh.
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
bool vtel_attach_fail(const char *step);
void vtel_alloc_debugfs(struct dentry *parent);
#else
static inline bool vtel_alloc_fail(size_t size, const char *file, int line)
{
	return false;
}

static inline bool vtel_attach_fail(const char *step)
{
	return false;
}

static inline void vtel_alloc_debugfs(struct dentry *parent)
{
}
#endif

/* The call site is the caller's: the helpers are macros over these. */
static inline void *vtel_kmalloc_at(size_t size, gfp_t gfp, const char *file,
				    int line)
{
	return vtel_alloc_fail(size, file, line) ? NULL : kmalloc(size, gfp);
}

static inline void *vtel_kzalloc_at(size_t size, gfp_t gfp, const char *file,
				    int line)
{
	return vtel_alloc_fail(size, file, line) ? NULL : kzalloc(size, gfp);
}

static inline void *vtel_kvmalloc_at(size_t size, gfp_t gfp,
				     const char *file, int line)
{
	return vtel_alloc_fail(size, file, line) ? NULL : kvmalloc(size, gfp);
}

static inline void *vtel_kvzalloc_at(size_t size, gfp_t gfp,
				     const char *file, int line)
{
	return vtel_alloc_fail(size, file, line) ? NULL : kvzalloc(size, gfp);
}

static inline void *vtel_kvcalloc_at(size_t n, size_t size, gfp_t gfp,
				     const char *file, int line)
{
	return vtel_alloc_fail(n * size, file, line) ? NULL :
	       kvcalloc(n, size, gfp);
}

static inline void __percpu *vtel_alloc_percpu_at(size_t size, size_t align,
						  const char *file, int line)
{
	return vtel_alloc_fail(size, file, line) ? NULL :
	       __alloc_percpu(size, align);
}

static inline struct sk_buff *vtel_genlmsg_new_at(size_t payload, gfp_t gfp,
						  const char *file, int line)
{
	return vtel_alloc_fail(payload, file, line) ? NULL :
	       genlmsg_new(payload, gfp);
}

#define vtel_kmalloc(size, gfp)	vtel_kmalloc_at(size, gfp, __FILE__, __LINE__)
#define vtel_kzalloc(size, gfp)	vtel_kzalloc_at(size, gfp, __FILE__, __LINE__)
#define vtel_kvmalloc(size, gfp) \
	vtel_kvmalloc_at(size, gfp, __FILE__, __LINE__)
#define vtel_kvzalloc(size, gfp) \
	vtel_kvzalloc_at(size, gfp, __FILE__, __LINE__)
#define vtel_kvcalloc(n, size, gfp) \
	vtel_kvcalloc_at(n, size, gfp, __FILE__, __LINE__)
#define vtel_alloc_percpu(type) \
	((type __percpu *)vtel_alloc_percpu_at(sizeof(type), __alignof__(type), \
					       __FILE__, __LINE__))
#define vtel_genlmsg_new(payload, gfp) \
	vtel_genlmsg_new_at(payload, gfp, __FILE__, __LINE__)

#endif /* _VTEL_ALLOC_H */
