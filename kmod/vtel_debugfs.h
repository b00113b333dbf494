/* SPDX-License-Identifier: GPL-2.0 */
/* The human-readable views under /sys/kernel/debug/vtel/. */
#ifndef _VTEL_DEBUGFS_H
#define _VTEL_DEBUGFS_H

int vtel_debugfs_init(void);
void vtel_debugfs_exit(void);
void vtel_debugfs_sync(void);

#endif /* _VTEL_DEBUGFS_H */
