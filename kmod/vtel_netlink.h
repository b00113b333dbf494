/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family "vtel", the stable ABI. */
#ifndef _VTEL_NETLINK_H
#define _VTEL_NETLINK_H

int vtel_netlink_init(void);
void vtel_netlink_exit(void);
void vtel_netlink_sync(void);

#endif /* _VTEL_NETLINK_H */
