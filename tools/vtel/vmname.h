/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM names: the name an operator knows a VM by, found in userspace from
 * the VMM process (the kernel keeps pid and comm only):
 *
 *   qemu     QEMU's -name guest=NAME (or -name NAME) in /proc/PID/cmdline
 *   libvirt  the domain of a machine.slice scope (machine-qemu\x2dID\x2dNAME.scope)
 *            or of a /machine/ID-NAME.libvirt-qemu cgroup, from /proc/PID/cgroup
 *   k8s      a kubepods cgroup: pod:UID, pod:UID/CONTAINER (12 hex digits)
 *   comm     otherwise, and for a process that is gone or whose comm is not
 *            the kernel's any more (pid reused)
 *
 * in this order: QEMU's own name is the most precise.
 */
#ifndef VTEL_VMNAME_H
#define VTEL_VMNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtel.h"

struct vtel_list;

enum vmname_src { VMNAME_COMM, VMNAME_QEMU, VMNAME_LIBVIRT, VMNAME_K8S };

#define VMNAME_MAX	256

/* "comm", "qemu", "libvirt", "k8s". */
const char *vmname_src_name(enum vmname_src src);

/* Parsers of /proc/PID/cmdline (NUL-separated) and /proc/PID/cgroup. */
bool vmname_from_cmdline(const char *cmdline, size_t len, char *name,
			 size_t size);
bool vmname_from_libvirt(const char *cgroup, char *name, size_t size);
bool vmname_from_k8s(const char *cgroup, char *name, size_t size);

/*
 * The name of VMM process pid whose kernel comm is comm, read under
 * proc_root ("/proc"); falls back to comm.
 */
enum vmname_src vmname_get(const char *proc_root, uint32_t pid,
			   const char *comm, char *name, size_t size);

/*
 * Adds VTEL_X_VM_NAME and VTEL_X_VM_NAME_SRC to each record of a GET_VMS
 * list, from ctx->proc_root (NULL: /proc, "": names are comm). Only for
 * live VMs: a retired VM's pid may belong to another process by now.
 * 0 or -ENOMEM.
 */
int vtel_vms_name(struct vtel_ctx *ctx, struct vtel_list *vms);

#endif /* VTEL_VMNAME_H */
