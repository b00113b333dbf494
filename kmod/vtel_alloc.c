// SPDX-License-Identifier: GPL-2.0
/*
 * vtel's fault attribute, for the allocation helpers of vtel_alloc.h:
 * the kernel's fault_attr / should_fail() pattern. Compiled in only with
 * CONFIG_FAULT_INJECTION.
 */
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "vtel_alloc.h"

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(vtel_fail_attr);
static DECLARE_FAULT_ATTR(vtel_fail_attach_attr);

/* <interval>,<probability>,<space>,<times>, before init runs. */
static int vtel_fail_set(const char *val, const struct kernel_param *kp)
{
	char buf[64];

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	return setup_fault_attr(kp->arg, buf) ? 0 : -EINVAL;
}

static const struct kernel_param_ops vtel_fail_ops = {
	.set = vtel_fail_set,
};
module_param_cb(fail_alloc, &vtel_fail_ops, &vtel_fail_attr, 0);
MODULE_PARM_DESC(fail_alloc,
		 "Fault injection in vtel's allocations: <interval>,<probability>,<space>,<times>");
module_param_cb(fail_attach, &vtel_fail_ops, &vtel_fail_attach_attr, 0);
MODULE_PARM_DESC(fail_attach,
		 "Fault injection in the steps of attaching to kvm: <interval>,<probability>,<space>,<times>");

bool vtel_alloc_fail(size_t size, const char *file, int line)
{
	if (!should_fail(&vtel_fail_attr, size))
		return false;
	pr_info("vtel: injected allocation failure at %s:%d\n",
		kbasename(file), line);
	return true;
}

bool vtel_attach_fail(const char *step)
{
	if (!should_fail(&vtel_fail_attach_attr, 1))
		return false;
	pr_info("vtel: injected attach failure at %s\n", step);
	return true;
}

/* vtel/fail_alloc/, vtel/fail_attach/: the attributes' knobs at run time. */
void vtel_alloc_debugfs(struct dentry *parent)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fault_create_debugfs_attr("fail_alloc", parent, &vtel_fail_attr);
	fault_create_debugfs_attr("fail_attach", parent, &vtel_fail_attach_attr);
#endif
}
#endif
