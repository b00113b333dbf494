// SPDX-License-Identifier: GPL-2.0
/*
 * vtel: always-on KVM exit telemetry per host, VM and vCPU.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "vtel_bench.h"
#include "vtel_cgroup.h"
#include "vtel_debugfs.h"
#include "vtel_hook.h"
#include "vtel_netlink.h"
#include "vtel_slow.h"
#include "vtel_worker.h"

static unsigned int max_vms = 256;
module_param(max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "VM records, live and retired (default 256)");

static unsigned int max_vcpus = 1024;
module_param(max_vcpus, uint, 0444);
MODULE_PARM_DESC(max_vcpus, "vCPU records, live and retired (default 1024)");

static unsigned int max_segments = 2048;
module_param(max_segments, uint, 0444);
MODULE_PARM_DESC(max_segments,
		 "vCPU-in-a-cgroup statistics records, each vCPU's first (in its record) included, at least max_vcpus + 1 (default 2048)");

static unsigned int max_cgroups = 256;
module_param(max_cgroups, uint, 0444);
MODULE_PARM_DESC(max_cgroups, "cgroup records (default 256)");

static unsigned int retired_vms = 64;
module_param(retired_vms, uint, 0444);
MODULE_PARM_DESC(retired_vms, "Destroyed VMs kept queryable (default 64)");

static unsigned int retired_secs = 3600;
module_param(retired_secs, uint, 0444);
MODULE_PARM_DESC(retired_secs,
		 "Seconds a destroyed VM stays queryable, 0 = no limit (default 3600)");

static unsigned int spare_vcpus = 32;
module_param(spare_vcpus, uint, 0444);
MODULE_PARM_DESC(spare_vcpus,
		 "vCPU records kept allocated for new vCPUs (default 32)");

static unsigned int spare_vms = 8;
module_param(spare_vms, uint, 0444);
MODULE_PARM_DESC(spare_vms, "VM records kept allocated for new VMs (default 8)");

static unsigned int max_addrs = VTEL_ADDRS_DEFAULT;
module_param(max_addrs, uint, 0444);
MODULE_PARM_DESC(max_addrs,
		 "Ports and MMIO pages kept per vCPU, the most frequent, 0..64; the rest count as other (default 8)");

/* The table changed: refresh debugfs directories, send events. */
static void vtel_changed(void)
{
	vtel_debugfs_sync();
	vtel_netlink_sync();
}

static int __init vtel_init(void)
{
	struct vtel_limits lim = {
		.max_vms = max_vms,
		.max_vcpus = max_vcpus,
		.max_segs = max_segments,
		.max_cgroups = max_cgroups,
		.retired_vms = retired_vms,
		.retired_secs = retired_secs,
		.spare_vms = spare_vms,
		.spare_vcpus = spare_vcpus,
		.spare_cgroups = spare_vms,
		.max_addrs = max_addrs,
	};
	int err;

	vtel_reason_init();
	vtel_slow_init();
	err = vtel_worker_init(&lim);
	if (err)
		return err;
	err = vtel_debugfs_init();
	if (err)
		goto err_worker;
	err = vtel_netlink_init();
	if (err)
		goto err_debugfs;
	vtel_worker_set_changed(vtel_changed);
	vtel_worker_set_cg_alive(vtel_cgroup_alive);
	vtel_worker_set_tick(vtel_hook_check);
	err = vtel_hook_init();
	if (err)
		goto err_netlink;
	vtel_bench_init();
	return 0;

err_netlink:
	vtel_worker_set_changed(NULL);
	vtel_worker_set_cg_alive(NULL);
	vtel_worker_set_tick(NULL);
	vtel_worker_stop();
	vtel_netlink_exit();
err_debugfs:
	vtel_debugfs_exit();
err_worker:
	vtel_worker_exit();
	return err;
}

static void __exit vtel_exit(void)
{
	vtel_bench_exit();
	vtel_hook_exit();
	vtel_worker_stop();
	vtel_worker_set_changed(NULL);
	vtel_worker_set_cg_alive(NULL);
	vtel_worker_set_tick(NULL);
	vtel_netlink_exit();
	vtel_debugfs_exit();
	vtel_worker_exit();
}

module_init(vtel_init);
module_exit(vtel_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KVM exit telemetry per host, VM, vCPU and cgroup");
MODULE_AUTHOR("vtel developers");
MODULE_VERSION(VTEL_VERSION);
